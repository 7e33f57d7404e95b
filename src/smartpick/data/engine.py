"""The engine's inputs from the dataset: program rates, the specialty mix, the calibration
targets and moments, typed for the core (the only reader of the rows the engine uses)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from smartpick.core.model.calibration import Fit
from smartpick.core.model.interview import (
    TYPES,
    CellRates,
    ProgramRates,
    Shrinkage,
    cell_rates,
    estimate_mix,
    shrink,
)
from smartpick.core.model.parameters import Pool
from smartpick.core.model.standing import Figures, figures_for
from smartpick.core.model.targets import (
    APPLICATIONS_METRIC,
    CURVE_METRIC,
    RANKS_MATCHED,
    RANKS_NOT_MATCHED,
    Curve,
    Moments,
    Ranks,
    Target,
)
from smartpick.core.seasons import signal_rule
from smartpick.data import Dataset
from smartpick.data.figures import figures_table
from smartpick.errors import DataError

_SIGNAL_COLUMNS = {
    "gold": "gold_signal",
    "silver": "silver_signal",
    "signal": "signal",
    "none": "no_signal",
}
IN_STATE_PRIOR = "interview invitation odds ratio: in-state applicant"
# The interview-rate column of each applicant type.
RATE_COLUMN = {
    "md": "md",
    "do": "do",
    "us-img": "us_img_interview_rate",
    "non-us-img": "non_us_img_interview_rate",
}
ERAS_TYPE = {"md": "md", "do": "do", "us-img": "img", "non-us-img": "img"}
# Whose fitted share of the all-specialty mean goes to the preferred specialty: U.S. seniors
# (MD and DO) share one, IMGs (U.S. and non-U.S.) another; said in docs/model.md.
SHARE_KEY = {"md": "seniors", "do": "seniors", "us-img": "img", "non-us-img": "img"}
# The published curve is a rounded summary to be used "with a tolerance of about 5 points"
# (its README): taken as two standard deviations.
CURVE_TOLERANCE = 0.025
INTERVIEW_TOLERANCE = 0.05  # relative: FREIDA's self-reported interview counts


@dataclass(frozen=True)
class Applications:
    """A published mean number of applications per applicant and what it counts."""

    value: float
    own: bool  # the specialty's own figure (True) or the type's mean over all specialties
    share_key: str
    year: int
    source: str


# Types whose Step 2 CK figures are published; U.S.-citizen IMGs borrow non-U.S. IMGs' (said).
FITTED_TYPES = ("md", "do", "non-us-img")
BORROWED = {"us-img": "non-us-img"}


def _num(text: str) -> float:
    return float(text) if text != "" else float("nan")


@dataclass(frozen=True)
class SpecialtyInputs:
    rates: ProgramRates  # shrunk toward the specialty (core.model.interview.shrink)
    cells: CellRates
    type_shares: Mapping[str, float]
    published: ProgramRates  # as published
    shrinkage: Mapping[str, Shrinkage]
    applicants_per_program: float


class EngineData:
    """Everything the engine reads from one dataset, computed once."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    @functools.cached_property
    def rates_season(self) -> int:
        """The season of the program interview rates (their provenance year)."""
        return int(self.dataset.field_provenance("interview_rates", "no_signal")["year"])

    @functools.cached_property
    def figures(self) -> tuple[Any, Any, Any]:
        return figures_table(self.dataset.rows("specialty_figures"))

    def figures_for(self, specialty: str, applicant_type: str) -> tuple[Figures | None, list[str]]:
        table, years, _ = self.figures
        return figures_for(table, years, specialty, applicant_type)

    @functools.cached_property
    def _rate_rows(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for r in self.dataset.rows("interview_rates"):
            out.setdefault(r["specialty_key"], []).append(r)
        return out

    @property
    def specialties(self) -> list[str]:
        return sorted(self._rate_rows)

    def type_shares(self, specialty: str) -> dict[str, float]:
        """Applicants by type who preferred the specialty (Charting Outcomes counts); types
        without a count are left out, which the docs say."""
        table, _, _ = self.figures
        shares: dict[str, float] = {}
        for g in FITTED_TYPES:
            f, _ = figures_for(table, self.figures[1], specialty, g)
            if f is not None and not any("pooled" in n for n in f.notes):
                shares[g] = f.share_n
        return shares or {"md": 1.0}

    def signals_then(self, specialty: str) -> dict[str, int]:
        """The signal counts of the rates' season."""
        rule = signal_rule(self.dataset.rows("signals"), specialty, self.rates_season)
        if rule is None:
            return {}
        return {
            k: v
            for k, v in (("gold", rule.gold), ("silver", rule.silver), ("signal", rule.single_tier))
            if v
        }

    @functools.cache  # noqa: B019 - one EngineData per dataset, kept for the session
    def inputs(self, specialty: str) -> SpecialtyInputs | None:
        rows = self._rate_rows.get(specialty)
        if not rows:
            return None
        if any(r["gold_signal"] for r in rows):
            tiers: tuple[str, ...] = ("gold", "silver")
        elif any(r["signal"] for r in rows):
            tiers = ("signal",)
        else:
            tiers = ()
        rates = ProgramRates(
            ids=tuple(r["acgme_id"] for r in rows),
            by_type={g: np.array([_num(r[RATE_COLUMN[g]]) for r in rows]) for g in TYPES},
            in_state=np.array([_num(r["in_state"]) for r in rows]),
            out_of_state=np.array([_num(r["out_of_state"]) for r in rows]),
            tiers=tiers,
            signal={
                t: np.array([_num(r[_SIGNAL_COLUMNS[t]]) for r in rows]) for t in (*tiers, "none")
            },
            season=self.rates_season,
        )
        shares = self.type_shares(specialty)
        then = self.signals_then(specialty)
        per_program = self.applicants_per_program(specialty, shares, rates.size)
        shrunk, shrinkage = shrink(rates, per_program, shares, estimate_mix(rates, shares, then))
        cells = cell_rates(shrunk, shares, then, self.location_cap)
        return SpecialtyInputs(shrunk, cells, shares, rates, shrinkage, per_program)

    @functools.cached_property
    def location_cap(self) -> float | None:
        """The largest published odds ratio of an interview for an in-state applicant (log):
        a program's own in-state ratio is taken at most at it (core.model.interview.cell_rates)."""
        row = next(
            (r for r in self.dataset.rows("evidence") if r["quantity"] == IN_STATE_PRIOR), None
        )
        return math.log(float(row["value_high"])) if row and row["value_high"] else None

    def applicants_per_program(
        self, specialty: str, type_shares: Mapping[str, float], programs: int
    ) -> float:
        """The stated prior on how many applicants stand behind a program's published rates:
        the specialty's applicants by type (Charting Outcomes counts) times their published
        mean applications (the type's over every specialty where the specialty has none: an
        upper end, so the least shrinkage), over its programs."""
        total = sum(
            count * self.published_applications(specialty, g).value
            for g, count in type_shares.items()
        )
        return total / max(programs, 1)

    def published_applications(self, specialty: str, applicant_type: str) -> Applications:
        """The published mean number of applications behind a typical list: the specialty's
        own (for the type where published, else for all applicants), else the type's mean
        over every specialty (ERAS pools U.S. and non-U.S. IMGs), the latest year in each
        case."""
        table = [
            r for r in self.dataset.rows("specialty_figures")
            if r["metric"] == APPLICATIONS_METRIC and r["year"]
        ]  # fmt: skip
        eras_type = ERAS_TYPE[applicant_type]

        def latest(key: str, who: str) -> dict[str, str] | None:
            rows = [r for r in table if r["specialty_key"] == key and r["applicant_type"] == who]
            return max(rows, key=lambda r: int(r["year"]), default=None)

        for key, who, own in (
            (specialty, eras_type, True),
            (specialty, "all", True),
            ("all", eras_type, False),
        ):
            row = latest(key, who)
            if row is not None:
                return Applications(
                    float(row["value"]),
                    own,
                    SHARE_KEY[applicant_type],
                    int(row["year"]),
                    f"ERAS {row['year']} mean applications per applicant, "
                    + (
                        ("this specialty" if own else "all specialties")
                        + (", all applicants" if who == "all" else f", {who.upper()} applicants")
                    )
                    + f" ({row['source']}, {row['confidence']})",
                )
        raise DataError("the dataset lacks the ERAS applications-per-applicant figures")

    def applications(self, specialty: str, applicant_type: str, fit: Fit) -> float:
        """The typical applicant's number of applications to the specialty under a fit."""
        count = self.published_applications(specialty, applicant_type)
        return count.value if count.own else count.value * fit.share(count.share_key, specialty)

    def targets(self, exclude: str | None = None) -> list[Target]:
        """Every published cell with program rates behind it."""
        out = []
        for spec in self.specialties:
            inputs = self.inputs(spec)
            if spec == exclude or inputs is None:
                continue
            for g in FITTED_TYPES:
                f, _ = self.figures_for(spec, g)
                if f is None:
                    continue
                count = self.published_applications(spec, g)
                out.append(
                    Target(
                        spec, g, f, Pool.from_figures(f), inputs.cells, count.value, count.own,
                        count.share_key, self.signals_then(spec),
                    )
                )  # fmt: skip
        return out

    def moments(self) -> Moments:
        """The published figures on interviews the fit also meets: the U.S. MD share matched
        by programs ranked, the non-U.S. IMG contiguous-rank medians, and Internal Medicine's
        interviews per filled position."""
        rows = self.dataset.rows("specialty_figures")
        curve: dict[int, float] = {}
        for r in rows:
            if r["metric"].startswith(CURVE_METRIC) and r["applicant_type"] == "md":
                curve[int(r["metric"].removeprefix(CURVE_METRIC))] = float(r["value"])
        ranks = []
        for spec in self.specialties:
            found = {
                r["metric"]: float(r["value"]) for r in rows
                if r["specialty_key"] == spec and r["applicant_type"] == "non-us-img"
                and r["metric"] in (RANKS_MATCHED, RANKS_NOT_MATCHED)
            }  # fmt: skip
            if len(found) == 2:
                ranks.append(
                    Ranks(spec, "non-us-img", found[RANKS_MATCHED], found[RANKS_NOT_MATCHED])
                )
        wanted, _ = interviews_per_match(self.dataset)
        return Moments(
            curves=(Curve("md", tuple(sorted(curve)), tuple(curve[k] for k in sorted(curve)),
                          CURVE_TOLERANCE),) if curve else (),
            ranks=tuple(ranks),
            interviews=((INTERVIEW_SPECIALTY, wanted, INTERVIEW_TOLERANCE),),
        )  # fmt: skip


# -- fitted parameters ------------------------------------------------------------------------


INTERVIEW_SPECIALTY = "internal_medicine"


def interviews_per_match(dataset: Dataset) -> tuple[float, str]:
    """Internal Medicine programs' interviews per filled first-year position (FREIDA 2025
    interview counts and positions, NRMP 2025 fill rate): how many interviews a matched
    applicant had, on average, in the one specialty where the dataset has interview counts."""
    rows = tuple(
        (r["interviews_conducted"], r["first_year_positions"])
        for r in dataset.rows("freida_im")
        if r["interviews_conducted"] and r["first_year_positions"]
    )
    fill = next(
        float(r["value"])
        for r in dataset.rows("specialty_figures")
        if r["specialty_key"] == INTERVIEW_SPECIALTY and r["metric"] == "fill_rate"
    )
    interviews = sum(float(i) for i, _ in rows)
    positions = sum(float(p) for _, p in rows)
    return interviews / (positions * fill), (
        f"FREIDA 2025 Internal Medicine: interviews conducted over first-year positions "
        f"({len(rows)} programs), over the NRMP 2025 fill rate {fill:g}"
    )
