"""Profile files and the CLI's shared profile flags: read, merge (flags win), validate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartpick.core.profile import Profile, parse_profile
from smartpick.errors import InputError

MAX_FILE_BYTES = 64 * 1024


def read_profile_file(path: Path) -> dict[str, Any]:
    """The JSON object in a profile file; InputError says what is wrong with the file. Only
    a regular file is read (a device or a pipe could be endless or never end), and at most
    MAX_FILE_BYTES of it."""
    try:
        if not path.is_file():
            if not path.exists():
                raise InputError(f"profile file {path} does not exist", field="profile")
            kind = "a folder" if path.is_dir() else "not a regular file (a device or a pipe?)"
            raise InputError(f"profile file {path} is {kind}", field="profile")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read profile file {path}: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            f"profile file {path} is larger than {MAX_FILE_BYTES // 1024} KB", field="profile"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"profile file {path} is not UTF-8 text", field="profile") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"profile file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})",
            field="profile",
            hint="See `smartpick profile schema` for the fields.",
        ) from None
    except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
        raise InputError(
            f"profile file {path} holds a number too long or nesting too deep for a profile",
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
