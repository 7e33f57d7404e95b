"""What the national market is built from beyond the specialties' own cells: each specialty's
NRMP 2026 positions, the share of applicants with a parallel plan, applicant counts scaled to
the national totals (U.S.-citizen IMGs spread where they fill positions), the PGY-1 years as
one market, the NRMP's national figures, fill and who filled each specialty, and its
registered per active applicant (services.simulate builds the rest and reads the fitted
record)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from smartpick.core.match.engine_terms import prepare
from smartpick.core.match.market import SpecialtyMarket
from smartpick.core.match.national import OTHER, TYPES, program_positions
from smartpick.core.match.positions import (
    borrowed_levels,
    interview_slots,
    mean_interviews,
    scaled_counts,
)
from smartpick.core.model.cell_predictions import cell_results
from smartpick.data.engine import BORROWED, INTERVIEW_SPECIALTY
from smartpick.errors import DataError, InputError
from smartpick.services.midseason_steps import SOAP_FILLED, SOAP_OFFERED

if TYPE_CHECKING:
    from smartpick.services import Services

PGY1 = "pgy1_years"
# The others (no published type) are drawn like U.S.-citizen IMGs (assumed, said)
RATES_OF = {OTHER: "us-img"}
# The NRMP's national figures (specialty_figures metrics)
RATE = "main_residency_match:pgy1_match_rate"
APPLICANTS = "main_residency_match:pgy1_applicants"
FILLED = "main_residency_match:positions_filled_rate"
OFFERED = "main_residency_match:positions_offered"
REGISTERED = "main_residency_match:registered_applicants"
ACTIVE = "main_residency_match:active_applicants"
# The PGY-1 years' published fill rates, by the dataset's keys (one market in the simulator)
PGY1_YEARS_FILL = ("transitional_year", "medicine_preliminary", "surgery_preliminary")


def missing_keys(match_of: Mapping[str, str | None], markets: list[SpecialtyMarket]) -> list[str]:
    have = {mk.specialty for mk in markets}
    return [s for s, m in match_of.items() if m == "NRMP" and s not in have]


def nrmp_totals(services: Services) -> dict[str, int]:
    """Each specialty's NRMP 2026 positions: all its tracks but the preliminary ones."""
    key_of = {s.nrmp_code: s.key for s in services.specialties() if s.nrmp_code}
    out: dict[str, int] = {}
    for r in services.dataset.rows("nrmp_tracks"):
        key = key_of.get(r["specialty_code"])
        if key and r["track_type"] != "preliminary" and r["quota_2026"]:
            out[key] = out.get(key, 0) + int(r["quota_2026"])
    return out


def backup_shares(services: Services) -> dict[str, float]:
    """The share of a specialty's applicants who also rank a second one: the published
    non-U.S. IMG mean of distinct specialties ranked (matched and not, weighed by their
    counts), less one; "all": the applicant-weighted mean over specialties."""
    rows = [r for r in services.dataset.rows("specialty_figures")
            if r["applicant_type"] == "non-us-img" and r["specialty_key"] != "all"
            and r["metric"].startswith("distinct_specialties_ranked_")]  # fmt: skip
    value = {(r["specialty_key"], r["metric"]): float(r["value"]) for r in rows if r["value"]}
    out: dict[str, float] = {}
    weight: dict[str, float] = {}
    for s in sorted({k for k, _ in value}):  # one order: one sum
        parts = [
            (value.get((s, f"distinct_specialties_ranked_{w}_n")),
             value.get((s, f"distinct_specialties_ranked_{w}_mean")))
            for w in ("matched", "not_matched")
        ]  # fmt: skip
        usable = [(n, m) for n, m in parts if n and m]
        if usable:
            n = sum(n for n, _ in usable)
            out[s] = min(max(sum(n * m for n, m in usable) / n - 1.0, 0.0), 1.0)
            weight[s] = n
    total = sum(weight.values())
    out["all"] = sum(out[s] * weight[s] for s in weight) / total if total else 0.0
    return out


def scaled_to_totals(
    markets: list[SpecialtyMarket], totals: Mapping[str, float]
) -> list[SpecialtyMarket]:
    """The cohorts of each type scaled to the type's national count of PGY-1 applicants."""
    cells = [(k, i, c) for k, mk in enumerate(markets) for i, c in enumerate(mk.cohorts)]
    counts: dict[tuple[int, int], int] = {}
    for g in TYPES:
        mine = [(k, i, c) for k, i, c in cells if c.applicant_type == g]
        if g not in totals or not mine:
            continue
        scaled = scaled_counts([c.count for *_, c in mine], totals[g])
        for (k, i, _), n in zip(mine, scaled, strict=True):
            counts[(k, i)] = n
    return [
        dataclasses.replace(
            mk,
            cohorts=tuple(
                dataclasses.replace(c, count=counts.get((k, i), c.count))
                for i, c in enumerate(mk.cohorts)
            ),
        )
        for k, mk in enumerate(markets)
    ]


def pgy1_market(
    services: Services, markets: list[SpecialtyMarket], counts: Mapping[str, float] | None = None
) -> tuple[SpecialtyMarket, list[str]]:
    """The transitional and preliminary years as one market: each track with its NRMP 2026
    quota, interviewing like its institution's Internal Medicine program (else the state's
    median, else the nation's); preferred by the applicants of `counts` (by type), by nobody
    else."""
    im = next(mk for mk in markets if mk.specialty == "internal_medicine")
    lost = sorted(g for g, n in (counts or {}).items()
                  if round(n) >= 1 and im.cohort(g) is None)  # fmt: skip
    if lost:  # drawn like Internal Medicine's applicants of the type: there must be some
        raise DataError(
            f"the dataset gives Internal Medicine no {', '.join(lost)} applicants, and the "
            "simulated PGY-1 years draw theirs like Internal Medicine's: check its applicant "
            "counts, or rebuild it (smartpick data build)"
        )
    quota = {r["program_code"]: int(r["quota_2026"] or 0)
             for r in services.dataset.rows("nrmp_tracks")}  # fmt: skip
    tracks = [t for t in services.dataset.pgy1_tracks() if quota.get(t.program_code, 0) > 0]
    index = {a: j for j, a in enumerate(im.program_ids)}
    state_of = {p.acgme_id: p.state for p in services.dataset.programs()}
    parent_state = [state_of.get(a, "") for a in im.program_ids]
    anchor = [index.get(t.anchor_acgme_id, -1) for t in tracks]
    states = [t.state for t in tracks]
    location, basis = borrowed_levels(im.location, anchor, parent_state, states)
    cohorts = tuple(
        dataclasses.replace(
            c,
            count=round((counts or {}).get(c.applicant_type, 0.0)),
            backup_share=0.0,
            log_rate=None,
            intercepts=None,
            level=borrowed_levels(c.level, anchor, parent_state, states)[0],
        )
        for c in im.cohorts
    )
    market = SpecialtyMarket(
        specialty=PGY1,
        program_ids=tuple(t.program_code for t in tracks),
        positions=program_positions([quota[t.program_code] for t in tracks]),
        location=location,
        signal={},
        in_state_share=im.in_state_share,
        signal_share={},
        signal_limit={},
        cohorts=cohorts,
        pgy1=True,
    )
    return prepare(market), basis


def engine_interviews(
    services: Services, markets: Sequence[SpecialtyMarket], proxy: Mapping[str, str] | None = None
) -> dict[str, float]:
    """Each specialty's interviews per position as the engine has them: its cohorts (counts
    as active applicants) times the interviews of the engine's typical applicant of the cell
    who has at least one, over its positions. U.S.-citizen IMGs (and the others, drawn like
    them) apply at their own program rates with the non-U.S. IMGs' published cell and
    parameters, as the market draws them; a specialty without program rates takes its
    proxy's cells (`proxy`); a specialty without cohorts is left out."""
    targets = services.engine.targets()
    borrowed = [dataclasses.replace(t, applicant_type=g) for t in targets
                for g, like in BORROWED.items() if t.applicant_type == like]  # fmt: skip
    per = {
        cell: mean_interviews(result.all_by_k)
        for cell, result in cell_results([*targets, *borrowed], services.fit, BORROWED).items()
    }
    out = {}
    for mk in markets:
        cell = [(c.count, RATES_OF.get(c.applicant_type, c.applicant_type)) for c in mk.cohorts]
        like = (proxy or {}).get(mk.specialty, mk.specialty)
        total = sum(n * per.get((like, g), 0.0) for n, g in cell)
        if total > 0 and mk.positions.sum() > 0:
            out[mk.specialty] = total / float(mk.positions.sum())
    return out


def with_interview_slots(
    services: Services,
    markets: list[SpecialtyMarket],
    active: list[SpecialtyMarket],
    proxy: Mapping[str, str] | None = None,
) -> tuple[list[SpecialtyMarket], str]:
    """Each program's interview slots: an Internal Medicine program's positions times its
    FREIDA interviews conducted per first-year position where it has them (FREIDA's count
    the preliminary tracks too, which the PGY-1 years hold: their interviews go with them,
    as many a position), else times FREIDA's interviews per position (its programs pooled);
    every other specialty's programs their positions times
    the specialty's interviews per position as the engine has them for the NRMP's active
    applicants (`active`: the markets with the cohorts counted so, `engine_interviews`), so
    that the market's interviews follow the engine's where no program counts them; the PGY-1
    years (which only the others prefer) FREIDA's Internal Medicine per position."""
    counted, per_position = freida_interviews(services)
    engine = engine_interviews(services, active, proxy)
    out = []
    own = 0
    for mk in markets:
        mine = mk.specialty == INTERVIEW_SPECIALTY
        known = [
            counted[a] * float(p) if mine and a in counted else None
            for a, p in zip(mk.program_ids, mk.positions, strict=True)
        ]
        own += sum(k is not None for k in known)
        rate = per_position if mine else engine.get(mk.specialty, per_position)
        out.append(dataclasses.replace(mk, slots=interview_slots(mk.positions, rate, known)))
    spread = sorted(engine.items(), key=lambda kv: kv[1])
    if spread:
        (low, least), (high, most) = spread[0], spread[-1]
        name_of = services.specialty_names
        model = (
            "every other specialty's programs their positions times its interviews per "
            "position as SmartPick's model has them for the NRMP's active applicants (the "
            f"programs' published interview rates and the typical lists: from {least:.1f} in "
            f"{name_of[low]} to {most:.1f} in {name_of[high]}; no program "
            "counts are published outside Internal Medicine, where the model has "
            f"{engine.get(INTERVIEW_SPECIALTY, 0.0):.1f} and FREIDA's programs "
            f"{per_position:.1f})"
        )
    else:  # no published cell to take a specialty's interviews from
        model = f"every other specialty's programs their positions times {per_position:.1f}"
    note = (
        f"interview slots: a program interviews at most as many applicants as it has slots, "
        f"keeping the invitations that cleared its bar by the most; {own} Internal Medicine "
        "programs have their positions times their own FREIDA interviews conducted per "
        "first-year position (FREIDA counts the preliminary tracks too: alike in every track, "
        f"assumed), the others their positions times FREIDA's {per_position:.1f}; {model}; the "
        f"PGY-1 years {per_position:.1f} a position, as FREIDA's Internal Medicine"
    )
    return out, note


def active_totals(services: Services) -> dict[str, float]:
    """The NRMP's active applicants (with a rank order list) of the latest year by type, and
    the others (no published type): its active applicants less the four types' (none where
    the year has no active total or it falls short of the four types')."""
    year = latest_year(services, APPLICANTS)
    totals = year_figures(services, year, APPLICANTS)
    others = year_figures(services, year, ACTIVE).get("all", 0.0) - sum(totals.values())
    totals[OTHER] = max(others, 0.0)
    return totals


def freida_interviews(services: Services) -> tuple[dict[str, float], float]:
    """FREIDA's Internal Medicine programs with both counts: each one's interviews conducted
    per first-year position (by ACGME id), and the same pooled. FREIDA counts the positions
    and interviews of every first-year track, the preliminary ones too."""
    counted = {
        r["acgme_id"]: (float(r["interviews_conducted"]), float(r["first_year_positions"]))
        for r in services.dataset.rows("freida_im")
        if r["interviews_conducted"] and r["first_year_positions"]
    }
    per_position = sum(i for i, _ in counted.values()) / sum(p for _, p in counted.values())
    return {a: i / p for a, (i, p) in counted.items()}, per_position


def nrmp_year(services: Services, year: int | None) -> int:
    """The year of the NRMP's Match figures to compare with: `year`, or the latest in the
    dataset; a year without figures is refused with the years that have them."""
    available = sorted(
        {int(r["year"]) for r in services.dataset.rows("specialty_figures")
         if r["metric"] == RATE and r["year"]}
    )  # fmt: skip
    chosen = available[-1] if year is None else year
    if chosen not in available:
        raise InputError(
            f"the dataset has no NRMP Match figures for {chosen}",
            field="year",
            hint="Years with figures: " + ", ".join(map(str, available)),
        )
    return chosen


def latest_year(services: Services, metric: str) -> int:
    """The latest year with a figure of `metric`."""
    years = [
        int(r["year"])
        for r in services.dataset.rows("specialty_figures")
        if r["metric"] == metric and r["year"]
    ]
    return max(years)


def year_figures(services: Services, year: int, metric: str) -> dict[str, float]:
    """{applicant type: value} of a national NRMP figure in one year."""
    return {
        r["applicant_type"]: float(r["value"])
        for r in services.dataset.rows("specialty_figures")
        if r["specialty_key"] == "all" and r["metric"] == metric and r["year"] == str(year)
    }


def national_figures(services: Services) -> dict[str, dict[str, float]]:
    """{metric: {applicant type: value}} of the NRMP's national figures, each metric of its
    latest year in the dataset."""
    latest: dict[str, int] = {}
    rows = [r for r in services.dataset.rows("specialty_figures")
            if r["specialty_key"] == "all" and r["year"] and r["value"]]  # fmt: skip
    for r in rows:
        latest[r["metric"]] = max(latest.get(r["metric"], 0), int(r["year"]))
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        if int(r["year"]) == latest[r["metric"]]:
            out.setdefault(r["metric"], {})[r["applicant_type"]] = float(r["value"])
    return out


def registered_per_active(services: Services) -> float:
    """The NRMP's registered applicants per active applicant (one who submits a rank order
    list), in the latest year with both: how many register for each who takes part."""
    year = latest_year(services, REGISTERED)
    registered = year_figures(services, year, REGISTERED).get("all")
    active = year_figures(services, year, ACTIVE).get("all")
    if not registered or not active:
        raise DataError(f"the dataset has no NRMP registered and active applicants for {year}")
    return registered / active


def soap_target(services: Services) -> tuple[int, float, float]:
    """(year, positions offered, positions filled) of the NRMP's SOAP, the latest year with
    both: the share filled is what the simulated SOAP is fitted to."""
    year = latest_year(services, SOAP_FILLED)
    offered = year_figures(services, year, SOAP_OFFERED).get("all")
    filled = year_figures(services, year, SOAP_FILLED).get("all")
    if not offered or not filled:
        raise DataError(f"the dataset has no NRMP SOAP positions offered and filled for {year}")
    return year, offered, filled


def soap_of(simulator: Mapping[str, Any] | None, applications: float) -> tuple[float, str]:
    """The SOAP's fitted consideration in the simulator's record (0 where it has none) and
    the market's note on the SOAP."""
    soap = (simulator or {}).get("soap", {})
    published = soap.get("published")
    how = (
        f"programs consider applicants more widely than in the Match, by "
        f"{soap['consideration']:+.2f} log-odds, fitted to the NRMP's SOAP fill "
        f"({published['filled'] / published['offered']:.0%} in {published['year']})"
        if published
        else "programs consider applicants as in the Match (not fitted)"
    )
    note = (
        f"SOAP: unmatched applicants apply to {applications:.0f} programs with unfilled "
        f"positions on average (assumed), matched by deferred acceptance on those positions; " + how
    )
    return float(soap.get("consideration", 0.0)), note


def latest_values(
    services: Services, metrics: set[str], dated_by: set[str]
) -> dict[tuple[str, str], float]:
    """{(specialty, metric): value} of the all-applicant figures of `metrics`, in the latest
    year with any of `dated_by`; the first row where a year has several."""
    rows = [r for r in services.dataset.rows("specialty_figures")
            if r["metric"] in metrics and r["year"] and r["value"]
            and r["applicant_type"] == "all"]  # fmt: skip
    year = max((int(r["year"]) for r in rows if r["metric"] in dated_by), default=0)
    value: dict[tuple[str, str], float] = {}
    for r in rows:
        if int(r["year"]) == year:
            value.setdefault((r["specialty_key"], r["metric"]), float(r["value"]))
    return value


def filled_by_type(services: Services) -> dict[str, dict[str, tuple[float, float]]]:
    """Who filled each specialty's positions in the Match, by type, of the latest year with
    figures: the published shares of filled positions (U.S. MD seniors, DO seniors, U.S. and
    non-U.S. IMGs; the rest, graduates of earlier years and others, are the market's
    "other" applicants), with the positions filled; the PGY-1 years' together."""
    metric_of = {
        "us_md_senior_share": "md", "us_do_senior_share": "do", "us_img_share": "us-img",
        "non_us_img_share": "non-us-img",
    }  # fmt: skip
    value = latest_values(services, {*metric_of, "positions_filled"}, dated_by=set(metric_of))
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for s in sorted({s for s, m in value if m in metric_of}):  # one order: one PGY-1 sum
        shares = {g: value.get((s, m)) for m, g in metric_of.items()}
        filled = value.get((s, "positions_filled"))
        if None in shares.values() or not filled:
            continue
        out[s] = {g: (v, filled) for g, v in shares.items() if v is not None}
    years = [out.pop(s) for s in PGY1_YEARS_FILL if s in out]
    if len(years) == len(PGY1_YEARS_FILL):  # one market: weighed by positions filled
        n = sum(next(iter(y.values()))[1] for y in years)
        out[PGY1] = {
            g: (sum(y[g][0] * y[g][1] for y in years) / n, n) for g in years[0]
        }  # fmt: skip
    return out


def fill_by_specialty(services: Services) -> dict[str, tuple[float, float]]:
    """Each specialty's published share of positions filled in the Match, with its positions
    offered (else its NRMP 2026 positions), of the latest year with figures; the PGY-1
    years': the transitional, medicine- and surgery-preliminary years' together, weighed by
    their positions offered."""
    value = latest_values(services, {"fill_rate", "positions_offered"}, dated_by={"fill_rate"})
    totals = nrmp_totals(services)
    out: dict[str, tuple[float, float]] = {}
    for (s, metric), rate in value.items():
        n = value.get((s, "positions_offered")) or totals.get(s)
        if metric == "fill_rate" and n:
            out[s] = (rate, n)
    years = [out.pop(s) for s in PGY1_YEARS_FILL if s in out]
    if len(years) == len(PGY1_YEARS_FILL):
        n = sum(n for _, n in years)
        out[PGY1] = (sum(r * n for r, n in years) / n, n)
    return out


def others_share(shares: Mapping[str, tuple[float, float]]) -> float:
    """The share of a specialty's filled positions that the four published types leave
    (`filled_by_type`'s shares): graduates of earlier years and others."""
    return max(1.0 - sum(v for v, _ in shares.values()), 0.0)


def spread_by_filled(
    filled: Mapping[str, Mapping[str, tuple[float, float]]],
    keys: Sequence[str],
    non_us: Mapping[str, float | None],
    applicant_type: str = "us-img",
) -> dict[str, float]:
    """A type's weight by preferred specialty (its count is the national one, spread in
    proportion): the positions it filled in each specialty where the NRMP publishes who
    filled them (`filled`, of `filled_by_type`: U.S.-citizen IMGs their share; the others, of no
    published type, what the four published types leave); elsewhere the non-U.S. IMGs'
    count (`non_us`), scaled so that both measures give the same total over the specialties
    that have both."""

    def took(shares: Mapping[str, tuple[float, float]]) -> float | None:
        if applicant_type == OTHER:
            return others_share(shares) * next(iter(shares.values()))[1]
        share = shares.get(applicant_type)
        return None if share is None else share[0] * share[1]

    published = {s: v for s in keys if s in filled and (v := took(filled[s])) is not None}
    both = [s for s in published if non_us.get(s)]  # the two measures, where both are known
    base = sum(non_us[s] or 0.0 for s in both)
    scale = sum(published[s] for s in both) / base if base else 1.0
    return {s: published.get(s, (non_us.get(s) or 0.0) * scale) for s in keys}
