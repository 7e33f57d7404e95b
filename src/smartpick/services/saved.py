"""Saved plans: nothing about the applicant is stored unless they save. A saved plan keeps
only the inputs of the plan page; its read-only link carries a random token (128 bits) and
its delete link a separate secret key, both stored as SHA-256 hashes only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import TYPE_CHECKING

from smartpick.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from smartpick.services import Services

TOKEN_BYTES = 16  # 128 random bits, URL-safe base64
MAX_INPUTS = 4000  # characters of the saved query: a plan page's inputs are far shorter


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def save(services: Services, inputs: dict[str, str]) -> tuple[str, str]:
    """Store the inputs; return (token, delete key), shown once to the user."""
    text = json.dumps(inputs, sort_keys=True)
    if len(text) > MAX_INPUTS:
        raise InputError("the plan's inputs are too long to save")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    key = secrets.token_urlsafe(TOKEN_BYTES)
    services.store.save_plan(
        _hash(token), _hash(key), text, services.dataset.version, dt.datetime.now(dt.UTC)
    )
    return token, key


def load(services: Services, token: str) -> tuple[dict[str, str], str, dt.datetime]:
    """(inputs, dataset version, saved at) of a saved plan; NotFoundError if there is none."""
    found = services.store.saved_plan(_hash(token))
    if found is None:
        raise NotFoundError("no saved plan at this link (it may have been deleted)")
    inputs, version, when = found
    data = json.loads(inputs)
    return {str(k): str(v) for k, v in data.items()}, version, when


def delete(services: Services, token: str, key: str) -> None:
    if not services.store.delete_plan(_hash(token), _hash(key)):
        raise NotFoundError("no saved plan with this link and delete key")
