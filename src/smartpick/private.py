"""Folders only their owner can enter: what SmartPick keeps on disk (the database, its key,
the rate limit's counts) may say something about the people who use it."""

from __future__ import annotations

from pathlib import Path


def private_folder(folder: Path) -> None:
    """Make `folder` and every missing folder above it readable by their owner only (0700);
    folders that exist are left as they are. Several processes may do it at once."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
