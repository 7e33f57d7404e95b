"""All SQL of SmartPick: SQLite by default, PostgreSQL by URL, one schema through migrations."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from smartpick.core.catalog import Program, ProgramFilter, Specialty, search_key
from smartpick.errors import StoreDamaged, StoreError
from smartpick.private import private_folder
from smartpick.store import schema
from smartpick.store.migrations import MIGRATIONS, migrate

__all__ = ["MIGRATIONS", "Store", "open_store"]

# Any constant: PostgreSQL sessions loading the dataset take this advisory lock in turn.
_LOAD_LOCK = 7_361_028
_PROGRAM_FIELDS = list(Program.__dataclass_fields__)
CONNECT_TIMEOUT = 5  # seconds to wait for a PostgreSQL server before saying it is not there
MARKER = ".created"  # beside a SQLite file SmartPick made: one missing later is not new
STATEMENT_TIMEOUT_MS = 30_000  # loading the whole dataset takes well under a second


def _redact(url: str | sa.URL) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"


def _problem(url: sa.URL, exc: BaseException) -> StoreError:
    """A StoreError that says what failed and what to check, for the kind of database."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.DatabaseError) and not isinstance(orig, sqlite3.OperationalError):
        return StoreDamaged(
            f"the SQLite file {url.database} is damaged or is not a SmartPick database ({reason})",
            hint="Restore it from a backup; or move it away and SmartPick starts a new, empty "
            "database (the plans saved in it are then lost).",
        )
    if url.get_backend_name() == "sqlite":
        return StoreError(
            f"cannot use the SQLite file {url.database}: {reason}",
            hint="Check that the file is a SmartPick database in a folder you can write to, "
            "or choose another with --db PATH (or SMARTPICK_DB_PATH).",
        )
    return StoreError(
        f"cannot use the database at {_redact(url)}: {reason}",
        hint="Check that the server is running and that SMARTPICK_DATABASE_URL is right.",
    )


class Store:
    """A database holding the dataset's programs (and, later, saved plans)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sa.Connection]:
        """A transaction; `write` takes SQLite's write lock at the start (BEGIN IMMEDIATE)."""
        options = {"sqlite_begin": "IMMEDIATE"} if write else {}
        try:
            with self.engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise _problem(self.engine.url, exc) from exc

    def migrate(self) -> list[str]:
        try:
            return migrate(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise _problem(self.engine.url, exc) from exc

    def dataset_version(self) -> str | None:
        with self._connect() as conn:
            row = conn.execute(sa.select(schema.dataset_info.c.version)).first()
        return None if row is None else str(row[0])

    def ensure_dataset(
        self, version: str, rows: Callable[[], tuple[Sequence[Specialty], Sequence[Program]]]
    ) -> bool:
        """Load the dataset unless this version is already in; True when it loaded.

        Several processes may start at once: the check and the load run under one lock.
        """
        if self.dataset_version() == version:
            return False
        with self._connect(write=True) as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOAD_LOCK)))
            current = conn.execute(sa.select(schema.dataset_info.c.version)).scalar()
            if current == version:
                return False
            specialties, programs = rows()
            self._replace(conn, version, specialties, programs)
        return True

    def load_dataset(
        self, version: str, specialties: Sequence[Specialty], programs: Sequence[Program]
    ) -> None:
        """Replace the dataset tables with this version's rows, in one transaction."""
        with self._connect(write=True) as conn:
            self._replace(conn, version, specialties, programs)

    @staticmethod
    def _replace(
        conn: sa.Connection,
        version: str,
        specialties: Sequence[Specialty],
        programs: Sequence[Program],
    ) -> None:
        conn.execute(schema.programs.delete())
        conn.execute(schema.specialties.delete())
        conn.execute(schema.dataset_info.delete())
        conn.execute(schema.specialties.insert(), [_specialty_row(s) for s in specialties])
        conn.execute(schema.programs.insert(), [_program_row(p) for p in programs])
        conn.execute(
            schema.dataset_info.insert().values(
                id=1, version=version, loaded_at=dt.datetime.now(dt.UTC)
            )
        )

    def count_programs(self) -> int:
        with self._connect() as conn:
            query = sa.select(sa.func.count()).select_from(schema.programs)
            return int(conn.execute(query).scalar_one())

    def programs(self, criteria: ProgramFilter) -> list[Program]:
        p = schema.programs.c
        query = sa.select(*[p[name] for name in _PROGRAM_FIELDS])
        if criteria.specialty_key:
            query = query.where(p.specialty_key == criteria.specialty_key)
        if criteria.states:
            query = query.where(p.state.in_(criteria.states))
        if criteria.divisions:
            query = query.where(p.census_division.in_(criteria.divisions))
        if criteria.visa == "j1":
            query = query.where(p.visa_j1 == "yes")
        elif criteria.visa == "h1b":
            query = query.where(p.visa_h1b == "yes")
        if criteria.entry_level:
            query = query.where(p.entry_level == criteria.entry_level)
        if criteria.min_img_rate is not None:
            column = (
                p.us_img_interview_rate
                if criteria.img_type == "us-img"
                else p.non_us_img_interview_rate
            )
            query = query.where(column >= criteria.min_img_rate)
        if criteria.name:
            words = search_key(criteria.name).split()
            query = query.where(*[p.name_key.contains(w, autoescape=True) for w in words])
        query = query.order_by(p.specialty_key, p.state, p.name, p.acgme_id)
        with self._connect() as conn:
            return [Program(**row._asdict()) for row in conn.execute(query)]

    # -- saved plans -------------------------------------------------------------------

    def save_plan(
        self, token_hash: str, delete_hash: str, inputs: str, version: str, when: dt.datetime
    ) -> None:
        with self._connect(write=True) as conn:
            conn.execute(
                sa.insert(schema.saved_plans).values(
                    token_hash=token_hash,
                    delete_hash=delete_hash,
                    inputs=inputs,
                    dataset_version=version,
                    saved_at=when,
                )
            )

    def saved_plan(self, token_hash: str) -> tuple[str, str, dt.datetime] | None:
        """(inputs, dataset version, saved at) of a saved plan, or None."""
        t = schema.saved_plans
        with self._connect() as conn:
            row = conn.execute(
                sa.select(t.c.inputs, t.c.dataset_version, t.c.saved_at).where(
                    t.c.token_hash == token_hash
                )
            ).first()
        return None if row is None else (str(row[0]), str(row[1]), row[2])

    def delete_plan(self, token_hash: str, delete_hash: str) -> bool:
        """Delete a saved plan so that no trace of its inputs stays in any database file:
        SQLite overwrites deleted content (secure_delete, set on every connection) and the
        write-ahead log, which still holds the pages as they were, is checkpointed into the
        database and emptied."""
        t = schema.saved_plans
        with self._connect(write=True) as conn:
            done = conn.execute(
                sa.delete(t).where(t.c.token_hash == token_hash, t.c.delete_hash == delete_hash)
            )
        if done.rowcount and self.dialect == "sqlite":
            self.checkpoint()
        return bool(done.rowcount)

    def checkpoint(self) -> bool:
        """SQLite: move the write-ahead log into the database file and empty it (True when it
        is empty; another process reading at that moment can hold it, then it is retried)."""
        if self.dialect != "sqlite":
            return True
        for _ in range(50):
            try:
                with self.engine.connect() as conn:
                    busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            except sa.exc.SQLAlchemyError as exc:
                raise _problem(self.engine.url, exc) from exc
            if busy is not None and busy[0] == 0:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self.checkpoint()
        self.engine.dispose()


def _specialty_row(s: Specialty) -> dict[str, object]:
    return {
        "key": s.key,
        "name": s.name,
        "aliases": ";".join(s.aliases),
        "acgme_code": s.acgme_code,
        "nrmp_code": s.nrmp_code,
        "match": s.match,
        "entry_level": s.entry_level,
        "notes": s.notes,
    }


def _program_row(p: Program) -> dict[str, object]:
    return {**{f: getattr(p, f) for f in _PROGRAM_FIELDS}, "name_key": search_key(p.name)}


def open_store(url: str) -> Store:
    """Open (and migrate) the store at `url`: sqlite:///path or postgresql+psycopg://..."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(
            f"'{url}' is not a database URL",
            hint="Use sqlite:///path/to/file.db or postgresql+psycopg://user@host/db",
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            f"SmartPick stores data in SQLite or PostgreSQL, not '{parsed.drivername}'"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    marker = None
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
        marker = path.with_name(path.name + MARKER)
        if not path.exists() and marker.exists():
            raise StoreDamaged(
                f"the SQLite file {path} is missing, but SmartPick made a database there "
                f"before (on {marker.read_text(encoding='utf-8').strip()}): its saved plans "
                "would be lost",
                hint=f"Restore the file from a backup; or, to start a new, empty database, "
                f"delete {marker}.",
            )
        try:
            _private_file(path)
        except OSError as exc:
            raise _problem(parsed, exc) from exc
    connect_args: dict[str, Any] = {}
    if parsed.drivername == "postgresql+psycopg":
        # A server that does not answer fails in seconds, not at the operating system's
        # TCP timeout (minutes), so a web request can say so while the user waits; and no
        # statement runs for more than STATEMENT_TIMEOUT_MS (a server hung mid-query).
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT
        if "options" not in parsed.query:
            connect_args["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    try:
        # pool_pre_ping: a connection left over from before a database restart is replaced,
        # so SmartPick recovers on its own when the server comes back.
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(
            f"cannot open the database at {_redact(parsed)}: {exc}",
            hint="SmartPick supports sqlite:///path and postgresql+psycopg://user@host/db",
        ) from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    store = Store(engine)
    store.migrate()
    if marker is not None and not marker.exists():
        marker.write_text(dt.date.today().isoformat() + "\n", encoding="utf-8")
        marker.chmod(0o600)
    return store


def _private_file(path: Path) -> None:
    """The database file readable by its owner only (0600), in a folder SmartPick creates for
    its owner only (0700); SQLite gives its -wal and -shm files the database file's mode."""
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def _sqlite_connect(dbapi_conn: Any, _record: object) -> None:
    # SQLAlchemy's recipe: let SQLAlchemy, not the sqlite3 module, emit BEGIN, so that a
    # transaction can ask for the write lock up front (BEGIN IMMEDIATE).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted plans are overwritten, not left
    # WAL is a property of the file, set once. Switching needs a moment with no other
    # connection in a transaction, and SQLite does not wait for it: retry briefly.
    for attempt in range(50):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                break
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.02)
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())
