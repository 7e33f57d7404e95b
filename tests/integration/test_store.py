"""The store on SQLite and on PostgreSQL: migrations, loading the dataset, queries."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from smartpick.core.catalog import ProgramFilter
from smartpick.data import shipped
from smartpick.errors import StoreDamaged, StoreError
from smartpick.store import MIGRATIONS, Store, open_store
from smartpick.store.schema import metadata

PG_URL = os.environ.get("SMARTPICK_TEST_POSTGRES_URL")


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nested' / 'smartpick.db'}"
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server: SMARTPICK_TEST_POSTGRES_URL is not set")
    _reset_postgres(PG_URL)
    yield PG_URL
    _reset_postgres(PG_URL)


@pytest.fixture
def loaded(store_url: str) -> Iterator[Store]:
    store = open_store(store_url)
    ds = shipped()
    store.load_dataset(ds.version, ds.specialties(), ds.programs())
    yield store
    store.close()


def test_migrations_run_once_and_are_recorded(store_url: str) -> None:
    store = open_store(store_url)
    assert store.migrate() == []  # open_store already applied them
    with store.engine.connect() as conn:
        names = [r[0] for r in conn.execute(sa.text("select name from smartpick_migrations"))]
    assert names == [name for name, _ in MIGRATIONS]
    store.close()


def test_the_dataset_loads_whole(loaded: Store) -> None:
    assert loaded.count_programs() == len(shipped().programs())
    assert loaded.dataset_version() == shipped().version


def test_loading_again_replaces_rather_than_duplicates(loaded: Store) -> None:
    ds = shipped()
    loaded.load_dataset("next-version", ds.specialties(), ds.programs())
    assert loaded.count_programs() == len(ds.programs())
    assert loaded.dataset_version() == "next-version"


def test_programs_filter_by_specialty_and_state(loaded: Store) -> None:
    found = loaded.programs(ProgramFilter(specialty_key="dermatology", states=("NY",)))
    assert found and all(p.specialty_key == "dermatology" and p.state == "NY" for p in found)
    expected = [
        p for p in shipped().programs() if p.specialty_key == "dermatology" and p.state == "NY"
    ]
    assert sorted(p.acgme_id for p in found) == sorted(p.acgme_id for p in expected)


def test_programs_filter_by_visa_division_entry_and_name(loaded: Store) -> None:
    j1 = loaded.programs(ProgramFilter(specialty_key="internal_medicine", visa="j1"))
    assert j1 and all(p.visa_j1 == "yes" for p in j1)
    pacific = loaded.programs(ProgramFilter(divisions=(9,), entry_level="advanced"))
    assert pacific and all(p.census_division == 9 and p.entry_level == "advanced" for p in pacific)
    named = loaded.programs(ProgramFilter(name="mayo clinic"))
    assert named and all("mayo clinic" in p.name.lower() for p in named)


def test_a_name_search_ignores_punctuation(loaded: Store) -> None:
    dotted = {p.acgme_id for p in loaded.programs(ProgramFilter(name="St. John's"))}
    plain = {p.acgme_id for p in loaded.programs(ProgramFilter(name="st johns"))}
    assert dotted and dotted == plain


def test_programs_round_trip_with_their_fields(loaded: Store) -> None:
    by_id = {p.acgme_id: p for p in shipped().programs()}
    for p in loaded.programs(ProgramFilter(specialty_key="physical_medicine_rehabilitation")):
        assert p == by_id[p.acgme_id]


def test_an_unreachable_postgres_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_a_non_database_url_is_refused() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("hello")
    with pytest.raises(StoreError, match="SQLite or PostgreSQL"):
        open_store("mysql://x@y/z")


def test_sessions_starting_at_once_on_a_new_store_load_the_dataset_once(store_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ds = shipped()

    def first_use(_: int) -> tuple[bool, int]:
        store = open_store(store_url)
        try:
            loaded = store.ensure_dataset(ds.version, lambda: (ds.specialties(), ds.programs()))
            return loaded, store.count_programs()
        finally:
            store.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(first_use, range(4)))
    assert sum(loaded for loaded, _ in results) == 1
    assert {count for _, count in results} == {len(ds.programs())}


def test_a_saved_plan_round_trips_and_deletes_only_with_its_key(store_url: str) -> None:
    import datetime as dt

    store = open_store(store_url)
    when = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    store.save_plan("a" * 64, "b" * 64, '{"specialty": "psychiatry"}', "v1", when)
    inputs, version, saved_at = store.saved_plan("a" * 64)  # type: ignore[misc]
    assert inputs == '{"specialty": "psychiatry"}' and version == "v1"
    # PostgreSQL returns an aware time in the session's zone; SQLite a naive UTC one.
    aware = saved_at.astimezone(dt.UTC) if saved_at.tzinfo else saved_at.replace(tzinfo=dt.UTC)
    assert aware == when
    assert store.saved_plan("c" * 64) is None
    assert not store.delete_plan("a" * 64, "c" * 64)
    assert store.saved_plan("a" * 64) is not None
    assert store.delete_plan("a" * 64, "b" * 64)
    assert store.saved_plan("a" * 64) is None
    store.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_deleted_plan_leaves_no_trace_in_any_database_file(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "data"
    store = open_store(f"sqlite:///{folder / 'plans.db'}")
    when = dt.datetime.now(dt.UTC)
    marker = "ZEBRA-4711-private-profile"
    store.save_plan("t" * 64, "d" * 64, f'{{"note": "{marker}"}}', "v1", when)
    store.save_plan("u" * 64, "e" * 64, '{"note": "someone else"}', "v1", when)
    assert any(marker.encode() in b for b in _files(folder).values())  # it was written
    assert store.delete_plan("t" * 64, "d" * 64)
    found = [name for name, b in _files(folder).items() if marker.encode() in b]
    assert not found, f"the deleted plan is still in {found}"
    assert store.saved_plan("u" * 64) is not None  # the other plan is kept
    store.close()
    assert not [name for name, b in _files(folder).items() if marker.encode() in b]


def test_database_files_and_new_folders_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "made" / "here"
    store = open_store(f"sqlite:///{folder / 'plans.db'}")
    store.save_plan("t" * 64, "d" * 64, "{}", "v1", dt.datetime.now(dt.UTC))
    for p in folder.iterdir():
        assert p.stat().st_mode & 0o777 == 0o600, p
    for made in (folder, folder.parent):
        assert made.stat().st_mode & 0o777 == 0o700, made
    store.close()
    old = tmp_path / "old.db"
    old.touch(mode=0o644)
    old.chmod(0o644)
    open_store(f"sqlite:///{old}").close()
    assert old.stat().st_mode & 0o777 == 0o600


def test_a_damaged_file_is_said_to_be_damaged_not_unreachable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database, just text that someone put here\n" * 10)
    with pytest.raises(StoreDamaged, match="damaged or is not a SmartPick database") as caught:
        open_store(f"sqlite:///{bad}")
    assert caught.value.hint is not None and "Restore it" in caught.value.hint


def test_a_database_deleted_after_it_was_made_is_not_silently_replaced(tmp_path: Path) -> None:
    path = tmp_path / "plans.db"
    store = open_store(f"sqlite:///{path}")
    store.save_plan("t" * 64, "d" * 64, "{}", "v1", dt.datetime.now(dt.UTC))
    store.close()
    for p in tmp_path.glob("plans.db*"):
        if not p.name.endswith(".created"):
            p.unlink()
    with pytest.raises(StoreDamaged, match="is missing") as caught:
        open_store(f"sqlite:///{path}")
    assert caught.value.hint is not None and "plans.db.created" in caught.value.hint
    (tmp_path / "plans.db.created").unlink()  # what the hint says to start afresh
    assert open_store(f"sqlite:///{path}").saved_plan("t" * 64) is None


def test_a_store_made_before_the_img_fields_gets_them_and_reloads(tmp_path: Path) -> None:
    """A database migrated up to 0002 (programs without the IMG fields, a dataset loaded)
    gains the columns with 0003, which empties the dataset version so that it loads again."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    old = sa.MetaData()
    programs = sa.Table(
        "programs", old, sa.Column("acgme_id", sa.String(10), primary_key=True)
    )  # the old columns do not matter: the table is made again
    with engine.begin() as conn:
        old.create_all(conn)
        conn.execute(programs.insert(), [{"acgme_id": "0000000001"}])
        for table in ("smartpick_migrations", "dataset_info", "specialties", "saved_plans"):
            metadata.tables[table].create(conn)
        conn.execute(
            metadata.tables["smartpick_migrations"].insert(),
            [{"name": n, "applied_at": dt.datetime.now(dt.UTC)} for n, _ in MIGRATIONS[:2]],
        )
        conn.execute(
            metadata.tables["dataset_info"]
            .insert()
            .values(id=1, version="old", loaded_at=dt.datetime.now(dt.UTC))
        )
    engine.dispose()
    store = open_store(url)
    assert store.dataset_version() is None and store.count_programs() == 0
    ds = shipped()
    assert store.ensure_dataset(ds.version, lambda: (ds.specialties(), ds.programs()))
    rated = store.programs(ProgramFilter(specialty_key="neurology", min_img_rate=0.2))
    assert rated and all((p.non_us_img_interview_rate or 0) >= 0.2 for p in rated)
    store.close()


def test_the_img_rate_minimum_reads_the_rate_of_the_type_asked(loaded: Store) -> None:
    non_us = loaded.programs(ProgramFilter(specialty_key="neurology", min_img_rate=0.2))
    us = loaded.programs(
        ProgramFilter(specialty_key="neurology", min_img_rate=0.2, img_type="us-img")
    )
    assert non_us and us and {p.acgme_id for p in non_us} != {p.acgme_id for p in us}
    assert all(p.non_us_img_interview_rate is not None for p in non_us)
    assert all((p.us_img_interview_rate or 0) >= 0.2 for p in us)
    everyone = loaded.programs(ProgramFilter(specialty_key="neurology"))
    expected = [p for p in everyone if (p.non_us_img_interview_rate or -1) >= 0.2]
    assert len(non_us) == len(expected)
