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


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_dataset", _create(schema.dataset_info, schema.specialties, schema.programs)),
]


def migrate(engine: sa.Engine) -> list[str]:
    """Apply the migrations not yet applied; return their names."""
    with engine.begin() as conn:
        schema.migrations_table.create(conn, checkfirst=True)
    applied: list[str] = []
    for name, run in MIGRATIONS:
        with engine.begin() as conn:
            done = conn.execute(
                sa.select(schema.migrations_table.c.name)
                .where(schema.migrations_table.c.name == name)
                .with_for_update()
            ).first()
            if done:
                continue
            run(conn)
            conn.execute(
                schema.migrations_table.insert().values(
                    name=name, applied_at=dt.datetime.now(dt.UTC)
                )
            )
            applied.append(name)
    return applied
