"""Settings, declared once as data. Each can come from a flag or an environment variable."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from smartpick.core.numbers import whole_number
from smartpick.errors import InputError
from smartpick.private import private_folder


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    help: str


SETTINGS = {
    s.name: s
    for s in [
        Setting(
            "database_url",
            "SMARTPICK_DATABASE_URL",
            "a PostgreSQL (or SQLite) URL; overrides the SQLite file",
        ),
        Setting("db_path", "SMARTPICK_DB_PATH", "where the SQLite file lives"),
        Setting("season", "SMARTPICK_SEASON", "the Match season to plan for, e.g. 2028"),
        Setting(
            "dataset_dir",
            "SMARTPICK_DATASET_DIR",
            "a dataset folder to use instead of the shipped one (for development)",
        ),
        Setting("today", "SMARTPICK_TODAY", "the date SmartPick takes as today (YYYY-MM-DD)"),
        Setting(
            "secret",
            "SMARTPICK_SECRET",
            "the key that signs the forms' tokens (default: a random one kept in a file "
            "beside the database); give servers on several machines the same one",
        ),
        Setting(
            "trusted_proxies",
            "SMARTPICK_TRUSTED_PROXIES",
            "addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated); "
            "default none",
        ),
        Setting(
            "rate_limit",
            "SMARTPICK_RATE_LIMIT",
            "requests a minute the web app takes from one client (default 120)",
        ),
    ]
}


@dataclass(frozen=True)
class Config:
    database_url: str
    season: int | None
    dataset_dir: Path | None
    today: dt.date
    rate_limit: int = 120
    secret: str | None = None
    trusted_proxies: str | None = None


def as_environment(config: Config) -> dict[str, str]:
    """The settings as the environment variables that give them back (for worker processes,
    which read only the environment)."""
    env = {
        SETTINGS["database_url"].env: config.database_url,
        SETTINGS["today"].env: config.today.isoformat(),
        SETTINGS["rate_limit"].env: str(config.rate_limit),
    }
    if config.season is not None:
        env[SETTINGS["season"].env] = str(config.season)
    if config.dataset_dir is not None:
        env[SETTINGS["dataset_dir"].env] = str(config.dataset_dir)
    if config.secret is not None:
        env[SETTINGS["secret"].env] = config.secret
    if config.trusted_proxies is not None:
        env[SETTINGS["trusted_proxies"].env] = config.trusted_proxies
    return env


def state_folder(config: Config) -> Path:
    """Where a server keeps its own small files (its key, the rate limit's counts), shared by
    its worker processes: beside the SQLite database, else SmartPick's data folder."""
    sqlite = "sqlite:///"
    if config.database_url.startswith(sqlite):
        return Path(config.database_url[len(sqlite) :]).expanduser().parent
    return default_db_path().parent


SECRET_FILE = "smartpick.secret"


def install_secret(config: Config) -> bytes:
    """The key of this installation: SMARTPICK_SECRET, else a random one made once and kept
    (0600) beside the SQLite database, or in SmartPick's data folder for PostgreSQL, where
    every worker process finds the same."""
    if config.secret:
        return config.secret.encode()
    folder = state_folder(config)
    path = folder / SECRET_FILE
    if not path.exists():
        private_folder(folder)
        draft = folder / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        handle = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: two workers starting at once keep the first key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise InputError(
            f"the key file {path} is unreadable or damaged",
            hint=f"Delete it (a new one is made; open forms must be reloaded) or set "
            f"{SETTINGS['secret'].env}.",
        ) from exc


# Variables SmartPick reads that are not settings: a debug switch and the tests' database.
OTHER_VARIABLES = {"SMARTPICK_DEBUG", "SMARTPICK_TEST_POSTGRES_URL"}


def _check_environment(env: Mapping[str, str]) -> None:
    """Refuse a mistyped SMARTPICK_ variable rather than silently ignore it."""
    known = {s.env for s in SETTINGS.values()} | OTHER_VARIABLES
    for name in sorted(env):
        if name.startswith("SMARTPICK_") and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"Did you mean {close[0]}?" if close else "Known: " + ", ".join(sorted(known))
            raise InputError(f"unknown environment variable {name}", hint=hint)


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("smartpick")) / "smartpick.db"


def load_config(
    overrides: Mapping[str, str | None] | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Settings from flags (`overrides`), then the environment, then defaults."""
    env = os.environ if env is None else env
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(given) - set(SETTINGS)
    if unknown:
        raise InputError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    for name, value in given.items():
        if not value.strip():
            raise InputError(f"the {name.replace('_', ' ')} is empty", field=name)
    _check_environment(env)

    def get(name: str) -> str | None:
        return given.get(name) or env.get(SETTINGS[name].env) or None

    # A flag beats the environment: --db wins over SMARTPICK_DATABASE_URL.
    url = given.get("database_url")
    if url is None and "db_path" not in given:
        url = env.get(SETTINGS["database_url"].env) or None
    if url is None:
        path = Path(get("db_path") or default_db_path()).expanduser()
        url = f"sqlite:///{path}"
    season_text = get("season")
    season = None
    if season_text is not None:
        season = whole_number(season_text)
        if season is None:
            raise InputError(
                f"season '{season_text}' is not a year",
                field="season",
                hint="Give the Match year, e.g. 2028.",
            )
    today_text = get("today")
    try:
        today = dt.date.fromisoformat(today_text) if today_text else dt.date.today()
    except ValueError:
        raise InputError(
            f"SMARTPICK_TODAY '{today_text}' is not a date", hint="Use YYYY-MM-DD."
        ) from None
    dataset = get("dataset_dir")
    rate_text = get("rate_limit")
    rate = 120 if rate_text is None else whole_number(rate_text)
    if rate is None or rate < 1:
        raise InputError(
            f"rate limit '{rate_text}' is not a positive number of requests",
            field="rate_limit",
            hint="Give requests a minute, e.g. 120.",
        )
    return Config(
        url,
        season,
        Path(dataset) if dataset else None,
        today,
        rate,
        get("secret"),
        get("trusted_proxies"),
    )
