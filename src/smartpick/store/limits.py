"""The rate limit's token buckets, shared by every worker process of a server: a small SQLite
file (write-ahead log, no fsync: losing it loses only the counts) that each request takes
its tokens from in one short write transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

FORGET_AFTER = 600.0  # seconds: a client idle this long starts again with a full bucket


class SharedBuckets:
    """Token buckets per client in a file every worker opens: `rate` tokens a minute, at most
    `capacity` held; a request takes `cost` tokens or is refused."""

    def __init__(self, path: Path, rate: float, capacity: float) -> None:
        self.path, self.rate, self.capacity = path, rate, capacity
        self._lock = threading.Lock()
        self._open: sqlite3.Connection | None = None
        self._taken = 0

    @property
    def _db(self) -> sqlite3.Connection:
        """The file, opened on first use (and again after close: an app can start twice)."""
        if self._open is None:
            db = sqlite3.connect(
                self.path, timeout=5, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(
                "CREATE TABLE IF NOT EXISTS buckets (client TEXT PRIMARY KEY, tokens REAL, at REAL)"
            )
            self.path.chmod(0o600)
            self._open = db
        return self._open

    def take(self, client: str, cost: float = 1.0, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT tokens, at FROM buckets WHERE client = ?", (client,)
                ).fetchone()
                tokens = self.capacity
                if row is not None:
                    tokens = min(self.capacity, row[0] + max(now - row[1], 0.0) * self.rate / 60)
                allowed = tokens >= cost
                self._db.execute(
                    "INSERT INTO buckets VALUES (?, ?, ?) ON CONFLICT(client) "
                    "DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
                    (client, tokens - cost if allowed else tokens, now),
                )
                self._taken += 1
                if self._taken % 1000 == 0:
                    self._db.execute("DELETE FROM buckets WHERE at < ?", (now - FORGET_AFTER,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return allowed

    def close(self) -> None:
        with self._lock:
            if self._open is not None:
                self._open.close()
                self._open = None
