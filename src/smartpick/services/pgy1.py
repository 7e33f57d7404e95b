"""The PGY-1 years: their catalogue, and the PGY-1 list of a plan with advanced programs
(core.plan.pgy1 has the prior and the order)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from smartpick.core.catalog import (
    PGY1_BY_KEY,
    PGY1_STAND_IN,
    PGY1_YEARS,
    Pgy1Track,
    Program,
    Specialty,
    resolve_specialty,
)
from smartpick.core.model.evaluation import Draw
from smartpick.core.plan import pgy1 as core
from smartpick.core.plan.decision import recommend
from smartpick.core.profile import Profile
from smartpick.core.seasons import signal_rule
from smartpick.errors import InputError, NotFoundError
from smartpick.services.context import build_context
from smartpick.services.program import find_named
from smartpick.services.solution import fee_schedule

if TYPE_CHECKING:
    from smartpick.services import Services

ID_NOTE = (
    "PGY-1 tracks have NRMP program codes, not ACGME ids: program_id is the NRMP code "
    "(institution, specialty, track letter, number)"
)
# The kinds an advanced specialty's applicants usually apply to, unless they choose.
DEFAULT_KINDS = ("transitional_year", "internal_medicine_preliminary")
PRIOR = (
    "a prior, not fitted: no program publishes interview rates for preliminary or transitional "
    "years, so each track is taken to interview you as its institution's {parent} program "
    "does (else the median of the state's or the nation's {parent} programs), and an "
    "interview turns into a match as in {parent}; these positions fill less often than "
    "categorical ones ({fill}), so the chance is more likely too low than too high"
)
# The specialty_figures keys of each year's published fill.
FILL_KEYS = {
    "transitional_year": "transitional_year",
    "internal_medicine_preliminary": "medicine_preliminary",
    "surgery_preliminary": "surgery_preliminary",
}


def fill_text(services: Services, kinds: Sequence[str]) -> str:
    """Each year's published share of positions filled in the Match, with its year."""
    rows = [
        r
        for r in services.dataset.rows("specialty_figures")
        if r["metric"] == "fill_rate" and r["applicant_type"] == "all"
    ]
    parts = []
    for year in PGY1_YEARS:
        if year.key not in kinds:
            continue
        mine = [r for r in rows if r["specialty_key"] == FILL_KEYS[year.key]]
        if mine:
            latest = max(mine, key=lambda r: int(r["year"]))
            parts.append(f"{year.name} {float(latest['value']):.0%} in {latest['year']}")
        else:
            parts.append(f"{year.name}: no published fill in SmartPick's data")
    return "NRMP: " + ", ".join(parts)


def supplemental_report(
    services: Services,
    profile: Profile,
    season: int,
    codes: Sequence[str],
    p_advanced: float,
    advanced: int,
) -> dict[str, Any]:
    """A supplemental rank order list of PGY-1 programs where the applicant interviewed, used
    only once an advanced program matches (the NRMP's rule, core.match.supplemental): the
    chance at each rank and of a PGY-1 position, by the prior's conversion."""
    known = {t.program_code: t for t in tracks(services)}
    codes = [_track_code(services, c) for c in codes]
    if len(set(codes)) != len(codes):
        raise InputError("a PGY-1 program is listed twice", field="supplemental")
    if not advanced:
        raise InputError(
            "a supplemental list is used only with advanced programs on your list",
            field="supplemental",
            hint="Rank your PGY-1 programs on the main list, or add the advanced programs.",
        )
    ctx = build_context(services, profile, PGY1_STAND_IN, season, [])
    if ctx is None:
        raise InputError("SmartPick has no model for the PGY-1 years", field="supplemental")
    w, _, q = services.evaluator.matrices(ctx, Draw(ctx.params, ctx.cells), profile.step2, None)
    at = core.supplemental(w, q, len(codes))
    rows, by_here = [], 0.0
    for k, code in enumerate(codes):
        by_here += float(at[k])
        t = known[code]
        rows.append(
            {
                "rank": k + 1,
                "program_id": code,
                "name": t.name,
                "state": t.state,
                "p_match_here": round(float(at[k]), 4),
                "p_match_by_here": round(by_here, 4),
            }
        )
    return {
        "programs": rows,
        "advanced_programs": advanced,
        "p_pgy1": round(by_here, 4),
        "p_advanced": round(p_advanced, 4),
        "p_both": round(by_here * p_advanced, 4),
        "method": "a prior: an interview at a PGY-1 program turns into a position as one in "
        "Internal Medicine does; the list is used only if an advanced program matches you, "
        "and then ranks each PGY-1 program in your order (one list may serve every advanced "
        "program; the NRMP also allows one per advanced program)",
    }


NRMP_CODE = re.compile(r"^[0-9]{7}[A-Z][0-9]$")  # an NRMP track code


def _track_code(services: Services, text: str) -> str:
    """The NRMP code of the PGY-1 track a line names: its code, or its institution and track
    name (services.program.find_named); unsure or unknown: an InputError with suggestions."""
    wanted = text.strip()
    if NRMP_CODE.match(wanted) and wanted not in {t.program_code for t in tracks(services)}:
        raise InputError(
            f"not among the PGY-1 tracks SmartPick knows: {wanted}",
            field="supplemental",
            hint="Use the NRMP codes of transitional or preliminary tracks, as the lists of "
            "Transitional Year and preliminary programs show them (such as 1837999P0), or "
            "their names.",
        )
    found = find_named(
        tracks(services), lambda t: t.program_code, wanted, "supplemental", "NRMP code"
    )
    return found.program_code


def track_answer(services: Services, code: str) -> dict[str, Any]:
    """A PGY-1 track as its page shows it: where it is and how SmartPick knows, its year and
    the institution's other tracks of that year; NotFoundError for an unknown code."""
    track = next((t for t in tracks(services) if t.program_code == code), None)
    if track is None:
        raise NotFoundError(
            f"no PGY-1 track has the NRMP code {code}",
            field="program",
            hint="Open it from your plan's PGY-1 list, or check the code.",
        )
    year = PGY1_BY_KEY[track.kind]
    located = track.latitude is not None
    return {
        **track_row(track),
        "year": year.name,
        "year_notes": year.notes,
        "located": located,
        "where": f"{track.city}, {track.state}" if located else track.state,
        "where_basis": _where_basis(services, track),
        "state_note": ""
        if track.state_source == "wavegate_nrmp_codes"
        else ("the state comes from the NRMP results file, which is wrong for a few institutions"),
        "other_tracks": other_tracks(services, track),
        "chance_note": "no program publishes interview rates for preliminary or transitional "
        "years; a plan with advanced programs estimates this program's chance for you from its "
        "institution's Internal Medicine program (a stated prior)",
    }


def _where_basis(services: Services, track: Pgy1Track) -> str:
    """How SmartPick knows where a track is, in words."""
    found = re.search(r"[0-9]{10}", track.location_source)
    program = services.programs_by_id.get(found.group(0)) if found else None
    if track.latitude is None or program is None:
        return (
            "the city is not known: no ACGME program of the same institution matches its "
            "name surely"
        )
    how = (
        "a track of it joined to that program"
        if "joined" in track.location_source
        else ("the institution's name matches that program's surely")
    )
    return f"the city of the institution's {program.name}: {how}"


def pgy1_year(text: str) -> Specialty | None:
    """The PGY-1 year a user names, or None when the text names none."""
    try:
        return resolve_specialty(PGY1_YEARS, text)
    except InputError:
        return None


def tracks(services: Services, kind: str | None = None) -> list[Pgy1Track]:
    return [t for t in services.pgy1_tracks if kind is None or t.kind == kind]


def applications(services: Services, kinds: Sequence[str]) -> list[Pgy1Track]:
    """One track per institution and PGY-1 year, the first by code: one ERAS application
    reaches all of a program's tracks, which are ranked separately (the others are named on
    the row)."""
    first: dict[tuple[str, str], Pgy1Track] = {}
    for t in sorted(tracks(services), key=lambda t: t.program_code):
        if t.kind in kinds:
            first.setdefault((t.program_code[:4], t.kind), t)
    return list(first.values())


def other_tracks(services: Services, track: Pgy1Track) -> list[str]:
    return [
        t.program_code
        for t in tracks(services, track.kind)
        if t.program_code[:4] == track.program_code[:4] and t.program_code != track.program_code
    ]


def track_row(track: Pgy1Track) -> dict[str, Any]:
    """A track as `programs` lists it."""
    record = asdict(track)
    record.pop("anchor_acgme_id")
    return {
        "program_id": record.pop("program_code"),
        "id_kind": "NRMP program code",
        "name": track.name,
        **record,
    }


def track_row_fields() -> list[str]:
    return [
        "program_id",
        "id_kind",
        "name",
        *(
            f
            for f in Pgy1Track.__dataclass_fields__
            if f not in ("program_code", "anchor_acgme_id")
        ),
    ]


def list_tracks(
    services: Services, year: Specialty, states: Sequence[str], name: str | None
) -> list[dict[str, Any]]:
    """The tracks of a PGY-1 year, filtered by state and by words of the name."""
    words = (name or "").lower().split()
    out = []
    for t in tracks(services, year.key):
        if states and t.state not in states:
            continue
        if words and not all(w in t.name.lower() for w in words):
            continue
        out.append(track_row(t))
    return sorted(out, key=lambda r: (r["state"], r["name"]))


def kinds_from(text: str | None) -> tuple[str, ...]:
    """The PGY-1 years asked for ("ty,medicine"), or the default; InputError names a bad one."""
    if text is None or not text.strip():
        return DEFAULT_KINDS
    keys = []
    for part in text.split(","):
        year = pgy1_year(part)
        if year is None:
            names = ", ".join(y.name for y in PGY1_YEARS)
            raise InputError(
                f"'{part.strip()}' is not a PGY-1 year",
                field="pgy1",
                hint=f"Use one or more of: {names}.",
            )
        keys.append(year.key)
    return tuple(dict.fromkeys(keys))


def _division(services: Services) -> dict[str, int]:
    return {
        r["state_code"]: int(r["division_number"])
        for r in services.dataset.rows("census_divisions")
        if r["division_number"]
    }


def pgy1_plan(
    services: Services,
    profile: Profile,
    season: int,
    advanced: Sequence[Program],
    chances_of_list: tuple[float, float],
    target: float,
    cost_of_not_matching: float,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> dict[str, Any] | None:
    """The PGY-1 list for the advanced programs of a plan: near them, by the prior;
    `chances_of_list` is the plan's chance of matching at an advanced program and at all."""
    p_advanced, p_list = chances_of_list
    notes: list[str] = []
    division = _division(services)
    places = [_place(p.latitude, p.longitude, p.state, p.census_division) for p in advanced]
    schedule, _ = fee_schedule(services, "ERAS", season)
    # The stand-in specialty's own notes are not the PGY-1 list's.
    ctx = build_context(services, profile, PGY1_STAND_IN, season, [])
    chosen_tracks = applications(services, kinds)
    if ctx is None or not chosen_tracks:
        return None
    w, p0, q = services.evaluator.matrices(ctx, Draw(ctx.params, ctx.cells), profile.step2, None)
    pri = core.prior(p0, ctx.programs, chosen_tracks)
    nearest = [
        core.nearest(_place(t.latitude, t.longitude, t.state, division.get(t.state)), places)
        for t in chosen_tracks
    ]
    parent = next(s.name for s in services.specialties() if s.key == PGY1_STAND_IN)
    alone = core.alone(w, q, pri.columns)
    order = core.order([n.group for n in nearest], alone)[:MAX_PGY1]
    ordered = pri.columns[:, order]
    kinds_in_order = [chosen_tracks[k].kind for k in order]
    chances = core.curve(w, q, ordered, kinds_in_order, schedule)
    # The target is a floor only where the advanced programs carry most of the list's chance:
    # a first year serves only an advanced match.
    floor = target if p_advanced >= 0.5 * p_list else 0.0
    rec = recommend(
        chances.p_match, chances.fees, floor, cost_of_not_matching * max(p_advanced, 0.0)
    )
    n = rec.n
    if n == len(order) and len(order) == MAX_PGY1:
        notes.append(
            f"the list stops at {MAX_PGY1} PGY-1 programs, SmartPick's limit: more would still "
            "add a little by the rule"
        )
    if not floor:
        notes.append(
            f"your advanced programs carry {p_advanced:.0%} of your {p_list:.0%} chance: the "
            "PGY-1 list is sized by what a first year is worth to that part alone; leaving "
            "the advanced programs off your list would spare these applications"
        )
    interview = core.interview_chances(w, ordered)
    rows = []
    for rank, k in enumerate(order[:n]):
        t, near = chosen_tracks[k], nearest[k]
        rows.append(
            {
                **track_row(t),
                "p_interview": round(float(interview[rank]), 4),
                "p_match_alone": round(float(alone[k]), 4),
                "p_interview_basis": BASIS[pri.basis[k]].format(parent=parent, state=t.state),
                "near_program_id": advanced[near.program].acgme_id
                if near.program is not None
                else None,
                "distance_km": round(near.distance_km) if near.distance_km is not None else None,
                "nearness": NEARNESS[near.group],
                "other_tracks": other_tracks(services, t),
                "year": PGY1_BY_KEY[t.kind].name,
                "visa": "not needed" if profile.visa == "none" else "unknown",
            }
        )
    p_match = float(chances.p_match[n - 1])
    signals = _signals(services, season, rows, notes)
    by_kind = {y.key: sum(r["kind"] == y.key for r in rows) for y in PGY1_YEARS}
    return {
        "needed": len(advanced),
        "kinds": [y.name for y in PGY1_YEARS if y.key in kinds],
        "applications": n,
        "applications_by_year": {y.name: by_kind[y.key] for y in PGY1_YEARS if by_kind[y.key]},
        "p_match": round(p_match, 4),
        "p_match_with_advanced": round(p_match * p_advanced, 4),
        "expected_interviews": round(float(chances.expected_interviews[n - 1]), 2),
        "cost_usd": round(float(chances.fees[n - 1]), 2),
        "why": (
            rec.why
            if rec.reaches_target is not None and rec.reaches_target > rec.best_value
            else "past this count a PGY-1 application adds less to your chance than its fee is "
            f"worth, counting a year without a PGY-1 position as {_usd(cost_of_not_matching)} "
            f"(a lost year) times your chance of matching an advanced program, {p_advanced:.0%}"
        ),
        "signals": signals,
        "method": PRIOR.format(parent=parent, fill=fill_text(services, kinds)),
        "notes": [ID_NOTE, *dict.fromkeys(notes)],
        "programs": rows,
    }


MAX_PGY1 = 60
BASIS = {
    "institution": "its institution's {parent} program",
    "state": "the median of {parent} programs in {state}",
    "nation": "the median of {parent} programs nationally",
}
NEARNESS = {
    core.NEAR: "near an advanced program on your list",
    core.DIVISION: "in the region of an advanced program on your list",
    core.ELSEWHERE: "away from the advanced programs on your list",
}


def _usd(value: float) -> str:
    return f"${value:,.0f}"


def _place(
    latitude: float | None, longitude: float | None, state: str, division: int | None
) -> core.Place:
    point = (latitude, longitude) if latitude is not None and longitude is not None else None
    return core.Place(point, state, division)


def _signals(
    services: Services, season: int, rows: list[dict[str, Any]], notes: list[str]
) -> list[dict[str, Any]]:
    """Signals of each PGY-1 year on the list, sent to its first programs (the nearest and
    likeliest); their effect is not counted in the chance (no published rates)."""
    out = []
    table = services.dataset.rows("signals")
    for year in PGY1_YEARS:
        mine = [r for r in rows if r["kind"] == year.key]
        if not mine:
            continue
        rule = signal_rule(table, year.key, season)
        allowed = rule.single_tier if rule is not None else None
        if not allowed:
            notes.append(f"no signal rule for {year.name} in SmartPick's data for {season}")
            continue
        out.append(
            {
                "year": year.name,
                "allowed": allowed,
                "programs": [r["program_id"] for r in mine[:allowed]],
                "status": rule.dated.status if rule is not None else "",
                "source": rule.source if rule is not None else "",
                "effect": "not counted in the chance: no published interview rates with and "
                "without a signal for these years",
            }
        )
    return out
