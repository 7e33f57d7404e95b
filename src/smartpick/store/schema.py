"""Tables of the store, as SQLAlchemy Core metadata. Migrations create them in order."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

migrations_table = sa.Table(
    "smartpick_migrations",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

dataset_info = sa.Table(
    "dataset_info",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
)

specialties = sa.Table(
    "specialties",
    metadata,
    sa.Column("key", sa.String(60), primary_key=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("aliases", sa.Text, nullable=False),
    sa.Column("acgme_code", sa.String(3), nullable=False),
    sa.Column("nrmp_code", sa.String(3), nullable=False),
    sa.Column("match", sa.String(20), nullable=False),
    sa.Column("entry_level", sa.String(20), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
)

programs = sa.Table(
    "programs",
    metadata,
    sa.Column("acgme_id", sa.String(10), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("specialty_key", sa.String(60), sa.ForeignKey("specialties.key"), nullable=False),
    sa.Column("city", sa.String(80), nullable=False),
    sa.Column("state", sa.String(2), nullable=False),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("census_division", sa.Integer, nullable=True),
    sa.Column("entry_level", sa.String(20), nullable=False),
    sa.Column("entry_level_basis", sa.String(60), nullable=False),
    sa.Column("visa_j1", sa.String(8), nullable=False),
    sa.Column("visa_h1b", sa.String(8), nullable=False),
    sa.Column("location_source", sa.String(60), nullable=False),
    sa.Column("location_note", sa.Text, nullable=False),
    sa.Column("division_note", sa.String(80), nullable=False),
    sa.Column("setting", sa.String(60), nullable=False),
    sa.Column("first_year_positions", sa.Integer, nullable=True),
    sa.Column("participates_in_eras", sa.String(8), nullable=False),
    sa.Column("us_img_interview_rate", sa.Float, nullable=True),
    sa.Column("non_us_img_interview_rate", sa.Float, nullable=True),
    sa.Column("pct_img", sa.Float, nullable=True),
    # The name as searched (core.catalog.search_key), so a search ignores punctuation.
    sa.Column("name_key", sa.Text, nullable=False),
    sa.Index("ix_programs_specialty_state", "specialty_key", "state"),
)

# A plan a user chose to save: only its inputs (the query of the plan page), never more.
# The read link's token and the delete key are stored as SHA-256 hashes only.
saved_plans = sa.Table(
    "saved_plans",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("delete_hash", sa.String(64), nullable=False),
    sa.Column("inputs", sa.Text, nullable=False),
    sa.Column("dataset_version", sa.String(40), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)
