"""One program's page: what SmartPick may show about it, which groups its published interview
rates cover (the rates themselves only for U.S. and non-U.S. IMGs: the others are `derive`
data, docs/data.md) and, for a
profile, the applicant's own chances there from the chances use case. And the programs of a
specialty by name, for the search that fills in an ACGME id."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from smartpick.core.catalog import Program
from smartpick.core.profile import Profile
from smartpick.core.results import ProgramAnswer, ProgramFact, ProgramName, PublishedRate, Source
from smartpick.errors import InputError, NotFoundError
from smartpick.services.chances import chances_report

if TYPE_CHECKING:
    from smartpick.services import Services

# The published groups, in the order a student reads them: by applicant type, by the state of
# the medical school, by signal. A signal column shows only where the specialty's rates use it.
RATE_GROUPS = (
    ("md", "U.S. MD applicants"),
    ("do", "U.S. DO applicants"),
    ("us_img_interview_rate", "U.S.-citizen international graduates"),
    ("non_us_img_interview_rate", "Non-U.S.-citizen international graduates"),
    ("in_state", "Applicants from a medical school in the program's state"),
    ("out_of_state", "Applicants from a medical school in another state"),
    ("no_signal", "Applicants who did not signal the program"),
    ("signal", "Applicants who signaled the program"),
    ("gold_signal", "Applicants who sent a gold signal"),
    ("silver_signal", "Applicants who sent a silver signal"),
)
SIGNAL_GROUPS = ("no_signal", "signal", "gold_signal", "silver_signal")
SHOWN_RATES = ("us_img_interview_rate", "non_us_img_interview_rate")
ENTRY_WORDS = {
    "categorical": "categorical: starts in the first year after medical school and runs the "
    "whole residency",
    "advanced": "advanced: starts in the second year, after a separate first year",
    "independent": "independent: entered after other residency training, not from medical school",
}
VISA_WORDS = {"yes": "sponsors", "no": "does not sponsor"}
NRMP_NOT_SHOWN = (
    "not shown: SmartPick's figure comes from NRMP's Match results (or is estimated from them), "
    "which may not be republished without NRMP's written permission; SmartPick uses it only "
    "inside its model"
)
FREIDA_ONLY = "SmartPick has this from FREIDA for Internal Medicine programs only"
# A repository, a file path or a commit in a citation: the page says the source in words.
_CODE_REF = re.compile(r",?\s*(?:as scraped |as compiled )?(?:in|@)\s+[\w.-]+/[\w./*-]+.*$")
_PATH_PARENS = re.compile(r"\s*\([^)]*/[^)]*\)")
_REPOSITORY = re.compile(r"^[\w.-]+/[\w.-]+\b")


def plain_source(source: str) -> str:
    """A provenance citation in plain words: the publisher and document, without the
    repositories, paths and commits the dataset keeps for checking."""
    parts = []
    for part in source.split(";"):
        part = _PATH_PARENS.sub("", _CODE_REF.sub("", part.strip())).strip(" ,")
        if part and not _REPOSITORY.match(part) and "@" not in part:
            parts.append(part[0].upper() + part[1:])
    return "; ".join(parts) or "SmartPick's dataset"


def program_answer(
    services: Services, acgme_id: str, profile: Profile | None = None
) -> ProgramAnswer:
    """The program page's answer; with a profile, its chances come from one chances report."""
    program = services.programs_by_id.get(acgme_id)
    if program is None:
        raise NotFoundError(
            f"no program with ACGME id '{acgme_id}'",
            hint="Program ids are the 10 digits SmartPick lists.",
        )
    spec = services.resolve_specialty(program.specialty_key)
    row = next(
        (r for r in services.dataset.rows("interview_rates") if r["acgme_id"] == acgme_id), None
    )
    rates_year = services.dataset.field_provenance("interview_rates", "md")["year"]
    answer: dict[str, object] = {
        "acgme_id": program.acgme_id,
        "name": program.name,
        "specialty": spec.key,
        "specialty_name": spec.name,
        "city": program.city,
        "state": program.state,
        "facts": _facts(services, program, profile),
        "rates": _rates(services, program, row),
        "rates_season": rates_year,
        "rates_doubtful": bool(row and row["join_doubtful"]),
        "sources": _sources(services, program),
    }
    if profile is not None:
        answer.update(_chance(services, program, profile))
    return ProgramAnswer.model_validate(answer)


def _chance(services: Services, program: Program, profile: Profile) -> dict[str, object]:
    own = services.resolve_specialty(profile.specialty)
    if own.key != program.specialty_key:
        return {
            "no_chance": f"your profile is for {own.name}, and this program trains in "
            f"{services.resolve_specialty(program.specialty_key).name}"
        }
    report = chances_report(services, profile)
    mine = next((p for p in report.programs if p.acgme_id == program.acgme_id), None)
    if mine is not None:
        return {"chance": mine, "notes": report.notes}
    if report.retake is not None:
        why = "your Step 2 CK score is under the passing mark: the plan shows the retake path"
    elif not report.programs:
        why = "SmartPick has no published interview rates for this specialty"
    else:
        why = (
            "this program's interview rates were not published, or SmartPick could not match "
            "them to it by name, so the model has nothing to start from here"
        )
    return {"no_chance": why, "notes": report.notes}


def _facts(services: Services, program: Program, profile: Profile | None) -> list[ProgramFact]:
    freida = any(r["acgme_id"] == program.acgme_id for r in services.dataset.rows("freida_im"))
    positions = next(
        r for r in services.dataset.rows("program_positions") if r["acgme_id"] == program.acgme_id
    )
    tracks = any(r["acgme_id"] == program.acgme_id for r in services.dataset.rows("nrmp_tracks"))
    entry = ENTRY_WORDS.get(program.entry_level, program.entry_level)
    if "estimate" in program.entry_level_basis:
        entry += " (SmartPick's estimate from the specialty)"
    facts = [
        ProgramFact(label="ACGME program id", value=program.acgme_id),
        ProgramFact(label="City", value=f"{program.city}, {program.state}"),
        ProgramFact(label="Entry level", value=entry),
        _fact("Setting", program.setting or None, "not known: " + FREIDA_ONLY),
        _fact(
            "First-year positions",
            None if program.first_year_positions is None else str(program.first_year_positions),
            NRMP_NOT_SHOWN
            if positions["basis"] != "missing"
            else "not known: no source SmartPick has counts this specialty's positions",
        ),
        _fact(
            "Positions filled in the Match",
            None,
            NRMP_NOT_SHOWN
            if tracks
            else "not known: SmartPick could not match this program to NRMP's Match results",
        ),
        _fact("J-1 visa", VISA_WORDS.get(program.visa_j1), "not known: " + FREIDA_ONLY),
        _fact("H-1B visa", VISA_WORDS.get(program.visa_h1b), "not known: " + FREIDA_ONLY),
        _fact(
            "Share of international graduates among residents",
            None if program.pct_img is None else f"{program.pct_img:g}% of current residents",
            "not known: FREIDA does not give it for this program"
            if freida
            else "not known: " + FREIDA_ONLY,
        ),
        _fact(
            "Takes applications through ERAS",
            program.participates_in_eras if program.participates_in_eras != "unknown" else None,
            "not known: " + FREIDA_ONLY,
        ),
    ]
    if profile is not None and profile.home_state is not None:
        same = "yes" if profile.home_state == program.state else "no"
        facts.append(ProgramFact(label="In your state of legal residence", value=same))
    return facts


def _fact(label: str, value: str | None, why: str) -> ProgramFact:
    return ProgramFact(label=label, value=value, why_missing=None if value else why)


def _rates(services: Services, program: Program, row: dict[str, str] | None) -> list[PublishedRate]:
    if row is None:
        return []
    used = {
        g
        for r in services.dataset.rows("interview_rates")
        if r["specialty_key"] == program.specialty_key
        for g in SIGNAL_GROUPS
        if r[g]
    }
    # A specialty without any rate by signal still gets its row, saying none was published.
    return [
        PublishedRate(
            group=words,
            published=bool(row[g]),
            rate=float(row[g]) if g in SHOWN_RATES and row[g] else None,
        )
        for g, words in RATE_GROUPS
        if g not in SIGNAL_GROUPS or g in used or (not used and g == "signal")
    ]


def _sources(services: Services, program: Program) -> list[Source]:
    cited = [
        ("Name, city and state", "programs", "name"),
        ("Entry level", "programs", "entry_level"),
        ("Interview-offer rates", "interview_rates", "md"),
    ]
    if program.setting or program.first_year_positions is not None or program.pct_img is not None:
        cited.append(
            ("Setting, positions, visas, international graduates and ERAS", "freida_im", "setting")
        )
    out = []
    for what, table, field in cited:
        prov = services.dataset.field_provenance(table, field)
        out.append(Source(what=what, source=plain_source(prov["source"]), year=prov["year"]))
    return out


def program_names(services: Services, specialty: str) -> list[ProgramName]:
    """Every program of a specialty by name, for the search that fills in an ACGME id."""
    key = services.resolve_specialty(specialty).key
    return sorted(
        (
            ProgramName(acgme_id=p.acgme_id, name=p.name, city=p.city, state=p.state)
            for p in services.programs_by_id.values()
            if p.specialty_key == key
        ),
        key=lambda p: (p.name, p.city),
    )


class _Named(Protocol):
    """Anything the search by name can find: a name, a city and a state."""

    @property
    def name(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def state(self) -> str: ...


Named = TypeVar("Named", bound=_Named)

SURE = 90.0  # a name this close to one program (0-100), and clearly closer than any other
CLEAR = 5.0  # the lead over the next program that makes a match sure
SUGGESTIONS = 3


def find_program(programs: Sequence[ProgramName], text: str) -> ProgramName:
    """The program of `programs` (a specialty's, from program_names) a pasted line names: its
    ACGME id, or its name (words in any order, abbreviations such as 'Univ' or 'Med Ctr'
    understood). A name that is not clearly one program is an InputError whose hint suggests
    the closest ones."""
    return find_named(programs, lambda p: p.acgme_id, text, "applied", "ACGME id")


def find_named(
    entries: Sequence[Named], id_of: Callable[[Named], str], text: str, field: str, id_word: str
) -> Named:
    """The entry a pasted line names: by its id, else by its name and city (see find_program);
    unsure: an InputError on `field` naming the closest."""
    wanted = text.strip()
    by_id = {id_of(p): p for p in entries}
    if wanted in by_id:
        return by_id[wanted]
    from smartpick.build.names import key  # the build's name rules (rapidfuzz)

    asked = key(wanted)
    if not asked:
        raise InputError(f"'{wanted}' names no program", field=field)
    exact = [p for p in entries if key(p.name) == asked]
    if len(exact) == 1:
        return exact[0]
    scored = sorted(
        ((_closeness(asked, key(f"{p.name} {p.city}")), p) for p in entries),
        key=lambda x: -x[0],
    )
    best, program = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best >= SURE and best - runner_up >= CLEAR:
        return program
    close = "; ".join(
        f"{p.name}, {p.city or 'city not known'}, {p.state} ({id_of(p)})"
        for _, p in scored[:SUGGESTIONS]
    )
    raise InputError(
        f"'{wanted}': SmartPick is not sure which program this is",
        field=field,
        hint=f"Did you mean: {close}? Paste the full name as listed, or its {id_word}.",
    )


def _closeness(asked: str, name: str) -> float:
    """0-100: how well a typed name fits a program's name and city (every typed word found
    scores high, in any order)."""
    from rapidfuzz import fuzz

    return max(fuzz.token_sort_ratio(asked, name), fuzz.token_set_ratio(asked, name) - 2.0)
