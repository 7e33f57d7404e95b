"""Ordered, named migrations. Each runs once, in its own transaction, and is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from smartpick.store import schema

Migration = Callable[[sa.Connection], None]


def _create(*tables: sa.Table) -> Migration:
    def run(conn: sa.Connection) -> None:
        for table in tables:
            table.create(conn)

    return run


def _recreate_programs(conn: sa.Connection) -> None:
    """The programs table as the schema has it now, emptied: the dataset version is cleared
    too, so the next open loads the programs again (they are a copy of the shipped dataset)."""
    schema.programs.drop(conn, checkfirst=True)
    schema.programs.create(conn)
    conn.execute(schema.dataset_info.delete())


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_dataset", _create(schema.dataset_info, schema.specialties, schema.programs)),
    ("0002_saved_plans", _create(schema.saved_plans)),
    # The two IMG interview rates and FREIDA's share of IMG residents (issue 15).
    ("0003_program_img_fields", _recreate_programs),
]


# Any constant: PostgreSQL sessions that migrate take this advisory lock, one at a time.
_LOCK = 7_361_027


def migrate(engine: sa.Engine) -> list[str]:
    """Apply the migrations not yet applied, all in one transaction; return their names.

    Two processes never migrate at once: PostgreSQL takes an advisory lock, SQLite begins
    the transaction IMMEDIATE (the write lock first, see store.open_store).
    """
    applied: list[str] = []
    with engine.connect() as conn:  # most opens find nothing to do: no write lock for them
        if sa.inspect(conn).has_table(schema.migrations_table.name):
            done = set(conn.execute(sa.select(schema.migrations_table.c.name)).scalars())
            if done >= {name for name, _ in MIGRATIONS}:
                return applied
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK)))
        schema.migrations_table.create(conn, checkfirst=True)
        done = set(conn.execute(sa.select(schema.migrations_table.c.name)).scalars())
        for name, run in MIGRATIONS:
            if name in done:
                continue
            run(conn)
            conn.execute(
                schema.migrations_table.insert().values(
                    name=name, applied_at=dt.datetime.now(dt.UTC)
                )
            )
            applied.append(name)
    return applied
