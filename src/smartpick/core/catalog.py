"""Programs and specialties as the core reads them, and the pure operations on them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from smartpick.errors import InputError

ENTRY_LEVELS = ("categorical", "advanced", "independent")
VISAS = ("j1", "h1b")


@dataclass(frozen=True)
class Specialty:
    key: str
    name: str
    aliases: tuple[str, ...]
    acgme_code: str
    nrmp_code: str
    match: str
    entry_level: str
    notes: str


@dataclass(frozen=True)
class Program:
    """One ACGME program with the fields SmartPick may show."""

    acgme_id: str
    name: str
    specialty_key: str
    city: str
    state: str
    latitude: float | None
    longitude: float | None
    census_division: int | None
    entry_level: str
    entry_level_basis: str
    visa_j1: str  # yes / no / unknown
    visa_h1b: str
    location_source: str = ""
    location_note: str = ""
    division_note: str = ""
    setting: str = ""
    first_year_positions: int | None = None
    participates_in_eras: str = "unknown"
    # Shares (0-1) of the U.S. / non-U.S. IMG applicants the program offered an interview, in
    # the rates' season; None where not published or not joined.
    us_img_interview_rate: float | None = None
    non_us_img_interview_rate: float | None = None
    pct_img: float | None = None  # % of current residents who are IMGs (FREIDA, IM only)


@dataclass(frozen=True)
class Pgy1Track:
    """One NRMP transitional or preliminary track: a PGY-1 year, with its NRMP code as id."""

    program_code: str
    kind: str  # a key of PGY1_YEARS
    institution: str
    track_name: str
    city: str
    state: str
    latitude: float | None
    longitude: float | None
    location_source: str
    state_source: str
    anchor_acgme_id: str  # the same institution's program in the parent specialty, or ""

    @property
    def name(self) -> str:
        """What a person calls it: the institution and the track."""
        where = self.institution or f"NRMP institution {self.program_code[:4]}"
        return f"{where}: {self.track_name}"


# The PGY-1 years advanced specialties need (NRMP specialty 999 track P, 140 P, 440 P), as
# specialties the user can name.
PGY1_YEARS = (
    Specialty(
        "transitional_year", "Transitional Year",
        ("transitional", "ty", "transitional year pgy 1", "transitional pgy 1"),
        "999", "999", "NRMP", "pgy1",
        "a one-year broad clinical year (NRMP specialty 999)",
    ),
    Specialty(
        "internal_medicine_preliminary", "Internal Medicine (Preliminary)",
        ("medicine preliminary", "preliminary medicine", "prelim medicine", "im prelim",
         "medicine prelim", "internal medicine preliminary year", "prelim im"),
        "140", "140", "NRMP", "pgy1",
        "a preliminary year of Internal Medicine (NRMP 140, track P)",
    ),
    Specialty(
        "surgery_preliminary", "Surgery (Preliminary)",
        ("surgery preliminary", "preliminary surgery", "prelim surgery", "surgical prelim",
         "surgery prelim", "general surgery preliminary", "general surgery prelim"),
        "440", "440", "NRMP", "pgy1",
        "a preliminary year of General Surgery (NRMP 440, track P)",
    ),
)  # fmt: skip
PGY1_BY_KEY = {y.key: y for y in PGY1_YEARS}
# The specialty whose programs stand in for every PGY-1 year in the chance prior and in the
# location of a track (core.plan.pgy1 says why).
PGY1_STAND_IN = "internal_medicine"


def _fold(text: str) -> str:
    """Lower-case words (any script) and the symbols specialty names use: & / +."""
    return " ".join(re.findall(r"[^\W_]+|[&/+]", text.lower()))


def search_key(text: str) -> str:
    """A program name as searched: lower-case words, apostrophes and periods dropped, so that
    "St. John's" and "St Johns" are the same."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"['.’]", "", text.lower())))


def resolve_specialty(
    specialties: Sequence[Specialty], text: str, field: str = "specialty"
) -> Specialty:
    """The specialty a user means by `text` (a key, a name or an alias), or an InputError
    on `field` that names the closest known ones."""
    what = field.replace("_", " ")
    wanted = _fold(text)
    if not wanted:
        if not text.strip():
            raise InputError(f"the {what} is empty", field=field)
        raise InputError(
            f"the {what} '{text[:40]}' has no letters or digits",
            field=field,
            hint="Give a specialty's name, such as Psychiatry or Internal Medicine.",
        )
    names: dict[str, Specialty] = {}
    for s in specialties:
        for label in (s.key.replace("_", " "), s.name, *s.aliases):
            names.setdefault(_fold(label), s)
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=6, cutoff=0.5)
    suggestions = list(dict.fromkeys(names[c].name for c in close))[:3]
    hint = (
        "Did you mean: " + ", ".join(suggestions) + "?"
        if suggestions
        else "Choose one of the specialties SmartPick lists."
    )
    raise InputError(f"unknown {what} '{text[:80]}'", field=field, hint=hint)


# What to do with an ACGME id SmartPick does not know, on the page and the command line alike.
IDS_HINT = (
    "Use the 10-digit ACGME id of one of the specialty's programs, as SmartPick's lists of "
    "programs show it."
)


@dataclass(frozen=True)
class ProgramFilter:
    """What a user asks of the program list; every field is optional."""

    specialty_key: str | None = None
    states: tuple[str, ...] = ()
    divisions: tuple[int, ...] = ()
    visa: str | None = None  # "j1" or "h1b": programs known to sponsor it
    entry_level: str | None = None
    name: str | None = None
    # Programs whose interview rate for this IMG group is at least min_img_rate (a share, 0-1);
    # programs without a published rate are left out.
    min_img_rate: float | None = None
    img_type: str = "non-us-img"  # or "us-img": which of the two rates min_img_rate reads


def img_rate(program: Program, img_type: str) -> float | None:
    """The program's interview rate for U.S. ("us-img") or non-U.S. IMGs."""
    if img_type == "us-img":
        return program.us_img_interview_rate
    return program.non_us_img_interview_rate


def exclusion(program: Program, visa: str) -> str | None:
    """Why the applicant cannot enter the program, or None."""
    if program.entry_level == "independent":
        return "independent program: entered after other residency training"
    if visa_fit(program, visa) == "does not sponsor":
        return f"does not sponsor the {visa.upper()} visa (FREIDA)"
    return None


# What visa_fit says, as a plan row says it for the applicant's own visa need.
VISA_ANSWER = {
    "sponsors": "yes",
    "does not sponsor": "no",
    "unknown": "unknown",
    "not needed": "not needed",
}
VISA_SOURCE = "AMA FREIDA, Internal Medicine programs (2025)"
VISA_UNKNOWN = (
    "not in SmartPick's data: it has sponsorship only for the Internal Medicine programs in "
    "FREIDA's data; check the program's own page"
)


def visa_source(program: Program, visa: str) -> str:
    """Where a plan row's visa answer comes from."""
    if visa == "none":
        return "no visa needed"
    return VISA_UNKNOWN if visa_fit(program, visa) == "unknown" else VISA_SOURCE


def visa_fit(program: Program, visa: str) -> str:
    if visa == "none":
        return "not needed"
    wanted = {
        "j1": (program.visa_j1,),
        "h1b": (program.visa_h1b,),
        "either": (program.visa_j1, program.visa_h1b),
    }[visa]
    if "yes" in wanted:
        return "sponsors"
    return "does not sponsor" if all(v == "no" for v in wanted) else "unknown"
