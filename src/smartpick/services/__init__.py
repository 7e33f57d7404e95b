"""Use cases shared by the CLI and (later) the web app: each opens what it needs and calls
the core, the dataset and the store."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartpick.core.catalog import (
    ENTRY_LEVELS,
    VISAS,
    Pgy1Track,
    Program,
    ProgramFilter,
    Specialty,
    img_rate,
    search_key,
    visa_fit,
)
from smartpick.core.catalog import resolve_specialty as _resolve
from smartpick.core.geography import normalize_state
from smartpick.core.seasons import (
    SignalRule,
    check_season,
    default_season,
    fee_tiers,
    signal_rule,
)
from smartpick.data import Dataset, load_dataset, shipped
from smartpick.errors import InputError
from smartpick.fitted import load_parameters, model_fingerprint, parameters_path, require_current
from smartpick.services.fees import NRMP_REGISTRATION, registration
from smartpick.services.memo import Answers
from smartpick.settings import Config

if TYPE_CHECKING:
    from smartpick.core.model.calibration import Fit
    from smartpick.core.model.evaluation import Evaluator
    from smartpick.data.engine import EngineData
    from smartpick.services.context import Priors
    from smartpick.store import Store

DIVISION_TABLE = "census_divisions"


@dataclass(frozen=True)
class ProgramList:
    season: int
    dataset_version: str
    programs: list[dict[str, Any]]
    notes: tuple[str, ...] = ()  # why the list is empty, where that can be said


class Services:
    """One session of SmartPick: its settings, dataset and store, opened on first use."""

    def __init__(self, config: Config) -> None:
        self.config = config

    @functools.cached_property
    def dataset(self) -> Dataset:
        if self.config.dataset_dir is not None:
            return load_dataset(self.config.dataset_dir)
        return shipped()

    @functools.cached_property
    def store(self) -> Store:
        # Imported here: SQLAlchemy takes half a second to import, and only commands that
        # query the store need it.
        from smartpick.store import open_store

        store = open_store(self.config.database_url)
        ds = self.dataset
        store.ensure_dataset(ds.version, lambda: (ds.specialties(), ds.programs()))
        return store

    @functools.cached_property
    def engine(self) -> EngineData:
        # The engine modules are imported on first use: SciPy is slow to import.
        from smartpick.data.engine import EngineData

        return EngineData(self.dataset)

    @functools.cached_property
    def answers(self) -> Answers:
        """The session's answers kept by their inputs (services.memo): a page, its CSV and its
        PDF make one plan."""
        return Answers()

    @functools.cached_property
    def evaluator(self) -> Evaluator:
        """The engine object of the session (core.model.evaluation): each program's
        intercepts, the draws behind the intervals and their typical lists, kept."""
        from smartpick.core.model.evaluation import Evaluator

        return Evaluator()

    @functools.cached_property
    def parameters(self) -> dict[str, Any]:
        """The fitted parameters: beside a dataset given by --dataset-dir if it has its own,
        else the shipped ones; refused when the model's code changed since the fit."""
        local = self.config.dataset_dir
        if local is not None and parameters_path(local).exists():
            record = load_parameters(local)
        else:
            record = load_parameters()
        require_current(
            record,
            "code_hash",
            model_fingerprint(),
            "The model's parameters",
            "smartpick calibrate",
        )
        return record

    @functools.cached_property
    def fit(self) -> Fit:
        from smartpick.fitted.records import fit_from_record

        return fit_from_record(self.parameters)

    @functools.cached_property
    def priors(self) -> Priors:
        from smartpick.services.context import priors

        return priors(self.dataset.rows("evidence"), self.dataset.rows("interview_rates"))

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()

    # -- seasons -------------------------------------------------------------------------

    @property
    def season(self) -> int:
        if self.config.season is not None:
            return check_season(self.config.season)
        return default_season(self.dataset.rows("calendar"), self.config.today)

    # -- specialties and programs ----------------------------------------------------------

    def specialties(self) -> list[Specialty]:
        return list(self._specialties)

    @functools.cached_property
    def _specialties(self) -> tuple[Specialty, ...]:
        return tuple(self.dataset.specialties())

    @functools.cached_property
    def specialty_names(self) -> dict[str, str]:
        """Each specialty's name by its key."""
        return {s.key: s.name for s in self._specialties}

    def resolve_specialty(self, text: str, field: str = "specialty") -> Specialty:
        return _resolve(list(self._specialties), text, field)

    @functools.cached_property
    def programs_by_id(self) -> dict[str, Program]:
        """Every program of the dataset by ACGME id, read once per session."""
        return {p.acgme_id: p for p in self.dataset.programs()}

    @functools.cached_property
    def pgy1_tracks(self) -> tuple[Pgy1Track, ...]:
        """The transitional and preliminary tracks, read once per session."""
        return tuple(self.dataset.pgy1_tracks())

    def program_filter(
        self,
        *,
        specialty: str | None = None,
        states: Iterable[str] = (),
        divisions: Iterable[str] = (),
        visa: str | None = None,
        entry_level: str | None = None,
        name: str | None = None,
        min_img_rate: str | None = None,
        img_type: str | None = None,
    ) -> ProgramFilter:
        """Validate what a user typed into a ProgramFilter; InputError names the bad value.
        None means "not given"; an empty value is an error, never a silent "any"."""
        if name is not None and not search_key(name):
            raise InputError(
                f"the name to search for ('{name}') has no letters or digits", field="name"
            )
        return ProgramFilter(
            specialty_key=self.resolve_specialty(specialty).key if specialty is not None else None,
            states=tuple(_state(s) for s in states),
            divisions=tuple(self.division(d) for d in divisions),
            visa=_choice(visa, VISAS, "visa") if visa is not None else None,
            entry_level=(
                _choice(entry_level, ENTRY_LEVELS, "entry level")
                if entry_level is not None
                else None
            ),
            name=name.strip() if name is not None else None,
            min_img_rate=_rate(min_img_rate) if min_img_rate is not None else None,
            img_type=_img_type(img_type, min_img_rate),
        )

    def list_programs(self, criteria: ProgramFilter) -> ProgramList:
        programs = self.store.programs(criteria)
        notes: tuple[str, ...] = ()
        if not programs and criteria.visa:
            # Nothing sponsors the visa: say whether that is known or only not known.
            anyway = self.store.programs(replace(criteria, visa=None))
            known = [p for p in anyway if visa_fit(p, criteria.visa) != "unknown"]
            if anyway and not known:
                name = {"j1": "J-1", "h1b": "H-1B"}.get(criteria.visa, criteria.visa)
                notes = (
                    f"none of these {len(anyway)} programs is known to sponsor the {name} visa: "
                    "SmartPick has sponsorship only for the Internal Medicine programs in "
                    "FREIDA's data, so elsewhere it is unknown, not no; leave the visa out and "
                    "check each program's own page",
                )
        if not programs and criteria.min_img_rate is not None:
            anyway = self.store.programs(replace(criteria, min_img_rate=None))
            rated = [p for p in anyway if img_rate(p, criteria.img_type) is not None]
            if anyway and not rated:
                who = "U.S." if criteria.img_type == "us-img" else "non-U.S."
                notes = (
                    *notes,
                    f"none of these {len(anyway)} programs has a published {who} IMG "
                    "interview rate (SmartPick has them for 22 specialties, from the ERAS 2024 "
                    "season); leave the minimum out and check each program's own page",
                )
        return ProgramList(
            self.season, self.dataset.version, [self.public_program(p) for p in programs], notes
        )

    @functools.cached_property
    def program_fields(self) -> list[str]:
        """The fields of a program SmartPick may show or export: those whose use is show."""
        allowed = {
            f
            for table in ("programs", "freida_im", "interview_rates")
            for f in self.dataset.fields(table, "show")
        }
        return [f for f in Program.__dataclass_fields__ if f in allowed]

    def public_program(self, program: Program) -> dict[str, Any]:
        """A program as SmartPick may show or export it: only fields whose use class is show."""
        record = asdict(program)
        return {f: record[f] for f in self.program_fields}

    def division(self, text: str) -> int:
        rows = self.dataset.rows(DIVISION_TABLE)
        names = {r["division"].lower(): int(r["division_number"]) for r in rows}
        value = text.strip().lower()
        if value.isdigit() and int(value) in names.values():
            return int(value)
        if value in names:
            return names[value]
        choices = ", ".join(
            f"{n} {d.title()}" for d, n in sorted(names.items(), key=lambda x: x[1])
        )
        raise InputError(
            f"'{text}' is not a census division",
            field="division",
            hint=f"Use a number or a name: {choices}.",
        )

    def signal_rules(self) -> dict[str, SignalRule | None]:
        """Each specialty's service and signals for the planned season."""
        rows = self.dataset.rows("signals")
        return {s.key: signal_rule(rows, s.key, self.season) for s in self.specialties()}

    def season_overview(self) -> dict[str, Any]:
        """The planned season: its dates, fees and exam facts, each cited and dated."""
        season = self.season
        from smartpick.services.calendar import season_calendar

        calendar = [
            {
                k: r[k]
                for k in (
                    "service",
                    "event",
                    "date",
                    "time_et",
                    "projected",
                    "source",
                    "confidence",
                )
            }
            for r in season_calendar(self, season)
        ]
        fees = []
        for service, item in FEE_ITEMS:
            rows = [
                r
                for r in self.dataset.rows("fees")
                if r["service"] == service and r["item"] == item and r["season"].isdigit()
            ]
            for r, dated in fee_tiers(rows, season):
                fee = {
                    "service": service,
                    "item": item,
                    "from": r["from_count"],
                    "to": r["to_count"],
                    "amount_usd": r["amount_usd"],
                    "unit": r["unit"],
                    "status": dated.status,
                    "source": r["source"],
                    "confidence": r["confidence"],
                }
                if item == NRMP_REGISTRATION:  # said as the plan says it
                    known = registration(self, season)
                    if known is not None:
                        fee |= {
                            "amount_usd": f"{known['amount_usd']:g}",
                            "status": known["status"],
                            "source": known["source"],
                            "confidence": known["confidence"],
                        }
                fees.append(fee)
        return {
            "season": season,
            "chosen_by": "setting" if self.config.season is not None else "default",
            "calendar": calendar,
            "fees": fees,
        }

    # -- the dataset ---------------------------------------------------------------------

    def data_info(self) -> dict[str, Any]:
        ds = self.dataset
        rates = ds.rows("interview_rates")
        rate_fields = [f for f in ds.fields("interview_rates") if f not in NON_RATE_FIELDS]
        with_rates = {r["acgme_id"] for r in rates if any(r[f] for f in rate_fields)}
        tables: dict[str, Any] = {}
        for name in ds.table_names:
            rows = ds.rows(name)
            fields = {}
            for f in ds.fields(name):
                prov = ds.field_provenance(name, f)
                filled = sum(1 for r in rows if r[f] != "")
                fields[f] = {
                    "coverage": round(filled / len(rows), 4) if rows else 0.0,
                    "use": prov["use"],
                    "source": prov["source"],
                    "year": prov["year"],
                    "confidence": prov["confidence"],
                }
            tables[name] = {"rows": len(rows), "fields": fields}
        programs = ds.rows("programs")
        return {
            "dataset_version": ds.version,
            "season": self.season,
            "programs": len(programs),
            "specialties": len({p["specialty_key"] for p in programs}),
            "programs_with_interview_rates": len(with_rates),
            "programs_with_location": sum(1 for p in programs if p["latitude"]),
            "join_sample": ds.provenance.get("join_sample", {}),
            "join_sample_doubtful": ds.provenance.get("join_sample_doubtful", {}),
            "tables": tables,
        }

    def build_data(
        self,
        shared: Path,
        out: Path,
        labels: Path | None,
        report: Path | None,
        map_out: Path | None = None,
    ) -> dict[str, Any]:
        """Build the dataset (and the map asset) from the shared folder. Every input is read
        before anything is written, so bad input leaves the old dataset as it was."""
        from smartpick.build import build_dataset, check_layout, write_report
        from smartpick.build.atlas import ASSET, read_atlas, write_atlas

        check_layout(shared)
        atlas = read_atlas(shared)
        result = build_dataset(shared, out, labels)
        if report is not None:
            write_report(result, report)
        write_atlas(atlas, map_out or ASSET)
        return {
            "counts": result.counts | {"map states": len(atlas["states"])},
            "join_sample": result.precision,
            "out": str(out),
        }


FEE_ITEMS = [
    ("ERAS", "residency application fee"),
    ("ERAS", "USMLE transcript fee"),
    ("ERAS", "COMLEX transcript fee"),
    ("ResidencyCAS", "application fee"),
    ("ResidencyCAS", "transcript fee"),
    ("NRMP", "standard registration fee"),
]

NON_RATE_FIELDS = ("acgme_id", "specialty_key", "join_score", "join_doubtful")


def _state(text: str) -> str:
    if not text.strip():
        raise InputError("a state is empty", field="state", hint="Use a code such as NY.")
    code = normalize_state(text)
    if code is None:
        raise InputError(
            f"'{text}' is not a US state or territory",
            field="state",
            hint="Use a two-letter code such as NY, or a name such as 'New York'.",
        )
    return code


def _rate(text: str) -> float:
    """An interview rate as typed: a share (0.1) or a percentage (10%)."""
    value = text.strip()
    hint = "Use a share from 0 to 1 (0.1) or a percentage (10%)."
    try:
        rate = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise InputError(
            f"'{text}' is not an interview rate", field="min_img_rate", hint=hint
        ) from None
    if not 0 <= rate <= 1:
        raise InputError(
            f"'{text}' is more than all applicants or less than none",
            field="min_img_rate",
            hint=hint,
        )
    return rate


def _img_type(text: str | None, min_img_rate: str | None) -> str:
    """Which IMG rate a minimum reads: the non-U.S. IMG rate unless the applicant is a U.S. IMG."""
    if text is None:
        return "non-us-img"
    if min_img_rate is None:
        raise InputError(
            "the applicant type only chooses which IMG interview rate the minimum reads",
            field="type",
            hint="Give a minimum IMG interview rate with it, or leave the type out.",
        )
    folded = text.strip().lower().replace("-", "")
    for option in IMG_TYPES:
        if folded == option.replace("-", ""):
            return option
    raise InputError(
        f"'{text}' has no IMG interview rate to read",
        field="type",
        hint="Use us-img or non-us-img: the rates SmartPick shows are those of IMG applicants.",
    )


IMG_TYPES = ("us-img", "non-us-img")


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    if not value.strip():
        raise InputError(
            f"the {what} is empty", field=what, hint=f"Use one of: {', '.join(allowed)}."
        )
    folded = value.strip().lower().replace("-", "")
    for option in allowed:
        if folded == option.replace("-", ""):
            return option
    article = "an" if what[0] in "aeiou" else "a"
    raise InputError(
        f"'{value}' is not {article} {what}", field=what, hint=f"Use one of: {', '.join(allowed)}."
    )


__all__ = ["ProgramList", "Services"]
