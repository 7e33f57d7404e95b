"""Profile files and the CLI's shared profile flags: read, merge (flags win), validate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartpick.core.profile import Profile, parse_profile
from smartpick.errors import InputError

MAX_FILE_BYTES = 64 * 1024


def read_profile_file(path: Path) -> dict[str, Any]:
    """The JSON object in a profile file; InputError says what is wrong with the file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"profile file {path} is larger than {MAX_FILE_BYTES // 1024} KB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"profile file {path} does not exist", field="profile") from None
    except IsADirectoryError:
        raise InputError(f"profile file {path} is a folder", field="profile") from None
    except UnicodeDecodeError:
        raise InputError(f"profile file {path} is not UTF-8 text", field="profile") from None
    except OSError as exc:
        raise InputError(f"cannot read profile file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"profile file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})",
            field="profile",
            hint="See `smartpick profile schema` for the fields.",
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"profile file {path} must hold a JSON object", field="profile")
    return data


def merge_profile(path: Path | None, flags: dict[str, Any]) -> Profile:
    """A Profile from a file (if any) with the given flags on top."""
    data = read_profile_file(path) if path is not None else {}
    data.update({k: v for k, v in flags.items() if v is not None and v != ()})
    return parse_profile(data)
