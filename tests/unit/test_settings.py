from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from smartpick.errors import InputError
from smartpick.settings import as_environment, install_secret, load_config


def test_flags_win_over_the_environment() -> None:
    config = load_config({"season": "2029"}, {"SMARTPICK_SEASON": "2027"})
    assert config.season == 2029


def test_the_db_path_moves_the_sqlite_file(tmp_path: Path) -> None:
    config = load_config(None, {"SMARTPICK_DB_PATH": str(tmp_path / "x.db")})
    assert config.database_url == f"sqlite:///{tmp_path / 'x.db'}"


def test_a_database_url_in_the_environment_overrides_the_file_there() -> None:
    config = load_config(
        None, {"SMARTPICK_DB_PATH": "/tmp/a.db", "SMARTPICK_DATABASE_URL": "postgresql://u@h/db"}
    )
    assert config.database_url == "postgresql://u@h/db"


def test_the_default_database_is_a_file_in_the_user_data_directory() -> None:
    config = load_config(None, {})
    assert config.database_url.startswith("sqlite:///") and "smartpick" in config.database_url


def test_today_can_be_fixed_for_reproducible_runs() -> None:
    assert load_config(None, {"SMARTPICK_TODAY": "2026-11-25"}).today == dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMARTPICK_SEASON": "next"}, "not a year"),
        ({"SMARTPICK_TODAY": "tomorrow"}, "not a date"),
        ({"SMARTPICK_SEASN": "2028"}, "unknown environment variable SMARTPICK_SEASN"),
    ],
)
def test_bad_settings_are_refused_with_a_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_config(None, env)


def test_a_mistyped_variable_gets_a_suggestion() -> None:
    with pytest.raises(InputError) as caught:
        load_config(None, {"SMARTPICK_DB_PAHT": "/tmp/x"})
    assert caught.value.hint == "Did you mean SMARTPICK_DB_PATH?"


def test_the_db_flag_beats_a_database_url_in_the_environment(tmp_path: Path) -> None:
    config = load_config(
        {"db_path": str(tmp_path / "b.db")}, {"SMARTPICK_DATABASE_URL": "sqlite:////tmp/a.db"}
    )
    assert config.database_url == f"sqlite:///{tmp_path / 'b.db'}"


def test_an_empty_flag_is_refused() -> None:
    with pytest.raises(InputError, match="db path is empty"):
        load_config({"db_path": ""}, {})


def test_the_rate_limit_is_a_positive_number_and_defaults_to_120() -> None:
    assert load_config({}, env={}).rate_limit == 120
    assert load_config({}, env={"SMARTPICK_RATE_LIMIT": "600"}).rate_limit == 600
    for bad in ("0", "-5", "lots"):
        with pytest.raises(InputError, match="rate limit"):
            load_config({}, env={"SMARTPICK_RATE_LIMIT": bad})


def test_the_install_key_is_made_once_beside_the_database_and_kept_private(
    tmp_path: Path,
) -> None:
    config = load_config({"db_path": str(tmp_path / "db" / "smartpick.db")}, env={})
    key = install_secret(config)
    assert len(key) == 32 and install_secret(config) == key
    kept = tmp_path / "db" / "smartpick.secret"
    assert kept.stat().st_mode & 0o777 == 0o600
    given = load_config({"db_path": str(tmp_path / "x.db")}, env={"SMARTPICK_SECRET": "shared"})
    assert install_secret(given) == b"shared"
    assert as_environment(given)["SMARTPICK_SECRET"] == "shared"
    kept.write_text("not hex", encoding="ascii")
    with pytest.raises(InputError, match="damaged"):
        install_secret(config)
