"""The applicant profile: defined once, validated once at the boundary.

The same model is the JSON Schema of profile files and (later) of the API, and the source of
the CLI's shared flags. Values are checked here; what they mean for the model is decided in
the model, and docs/model.md says, field by field, whether and how each one is used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from smartpick.core.geography import normalize_state
from smartpick.core.numbers import sensible_date, whole_number
from smartpick.errors import InputError

ApplicantType = Literal["md", "do", "us-img", "non-us-img"]
Visa = Literal["none", "j1", "h1b", "either"]
Step2Kind = Literal["actual", "expected"]

APPLICANT_TYPES: dict[str, str] = {
    "md": "U.S. MD senior",
    "do": "U.S. DO senior",
    "us-img": "U.S.-citizen international medical graduate",
    "non-us-img": "non-U.S.-citizen international medical graduate",
}

AcgmeId = Annotated[str, Field(pattern=r"^[0-9]{10}$", description="a 10-digit ACGME id")]


class Profile(BaseModel):
    """What a student tells SmartPick about themselves."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="SmartPick applicant profile")

    specialty: str = Field(
        min_length=1,
        max_length=80,
        description="the specialty applied to: name, key or alias",
        examples=["psychiatry", "Internal Medicine", "ob-gyn"],
    )
    applicant_type: ApplicantType = Field(
        description="md (U.S. MD senior), do (U.S. DO senior), us-img (U.S.-citizen IMG), "
        "non-us-img (non-U.S.-citizen IMG)"
    )
    step2: int | None = Field(
        default=None, ge=1, le=300, description="USMLE Step 2 CK score; omit if not taken yet"
    )
    step2_kind: Step2Kind = Field(
        default="actual", description="actual (reported) or expected (a practice-test estimate)"
    )
    step2_date: dt.date | None = Field(
        default=None, description="date Step 2 CK was or will be taken (YYYY-MM-DD)"
    )
    step1: Literal["pass", "fail"] | int | None = Field(
        default=None,
        description="USMLE Step 1: pass, fail, or the 3-digit score of an exam taken before "
        "pass/fail reporting (2022-01-26)",
    )
    comlex2: int | None = Field(
        default=None, ge=9, le=999, description="COMLEX-USA Level 2-CE score (DO students)"
    )
    graduation_year: int | None = Field(
        default=None, ge=1950, le=2040, description="year of graduation from medical school"
    )
    failed_attempts: int = Field(
        default=0, ge=0, le=20, description="failed attempts at any USMLE or COMLEX exam"
    )
    research_items: int = Field(
        default=0, ge=0, le=1000, description="abstracts, presentations and publications"
    )
    us_clinical_months: float = Field(
        default=0, ge=0, le=240, description="months of U.S. clinical experience"
    )
    visa: Visa = Field(default="none", description="visa needed: none, j1, h1b or either")
    home_state: str | None = Field(default=None, description="state of legal residence")
    school_state: str | None = Field(
        default=None, description="state of the medical school (empty for schools abroad)"
    )
    home_program: AcgmeId | None = Field(
        default=None, description="ACGME id of the home program in the specialty, if any"
    )
    away_rotations: list[AcgmeId] = Field(
        default_factory=list, max_length=10, description="ACGME ids of away-rotation programs"
    )
    backup_specialty: str | None = Field(
        default=None, max_length=80, description="a second specialty for a parallel plan"
    )
    season: int | None = Field(
        default=None, ge=2024, le=2035, description="Match season (year); default: the next one"
    )

    @field_validator("step1", mode="before")
    @classmethod
    def _step1(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("pass", "fail"):
                return text
            number = whole_number(text)
            if number is None:
                raise ValueError("must be pass, fail, or a 3-digit score")
            value = number
        if isinstance(value, int) and not 1 <= value <= 300:
            raise ValueError("a numeric Step 1 score is 1-300")
        return value

    @field_validator(
        "step2", "comlex2", "graduation_year", "failed_attempts", "research_items",
        "us_clinical_months", "season", "step1", mode="before",
    )  # fmt: skip
    @classmethod
    def _not_true_or_false(cls, value: Any) -> Any:
        """JSON's true and false are not numbers (Python would read them as 1 and 0)."""
        if isinstance(value, bool):
            raise ValueError("must be a number, not true or false")
        return value

    @field_validator("step2_date")
    @classmethod
    def _date(cls, value: dt.date | None) -> dt.date | None:
        return None if value is None else sensible_date(value)

    @field_validator("home_program", mode="before")
    @classmethod
    def _acgme(cls, value: Any) -> Any:
        return normalize_acgme(value) if isinstance(value, str) else value

    @field_validator("away_rotations", mode="before")
    @classmethod
    def _acgmes(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [normalize_acgme(v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("home_state", "school_state")
    @classmethod
    def _state(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = normalize_state(value)
        if code is None:
            raise ValueError("must be a US state or territory, as a code (NY) or a name")
        return code


def parse_profile(data: dict[str, Any]) -> Profile:
    """A Profile from plain data (a profile file merged with flags); InputError names the
    first bad field, its value and what is allowed."""
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "profile"
        value = error.get("input")
        shown = "" if isinstance(value, dict) else f" '{value}'"
        allowed = _allowed(where.split(".")[0], error)
        raise InputError(
            f"{where}{shown}: {error['msg'].rstrip('.')}",
            field=where,
            hint=allowed,
        ) from None


def _allowed(field: str, error: Any) -> str | None:
    info = Profile.model_fields.get(field)
    if error["type"] == "extra_forbidden":
        return "Known fields: " + ", ".join(Profile.model_fields)
    if info is None or not info.description:
        return None
    return f"{field}: {info.description}"


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of a profile (profile files and the API)."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://smartpick.invalid/schemas/profile.schema.json"
    return schema


def passing_score(schedule: list[tuple[dt.date, int]], on: dt.date) -> int | None:
    """The minimum passing score in force on a date, from (effective date, score) pairs."""
    known = sorted((d, s) for d, s in schedule if d <= on)
    return known[-1][1] if known else None


def step1_reading(profile: Profile, step1_marks: Sequence[int]) -> tuple[str, str] | None:
    """How a Step 1 result is read: ("fail", why) for a fail or a numeric score under every
    passing mark the dataset holds for the years of numeric scores, ("pass", why) for a numeric
    score that passed, ("unclear", why) between the marks; None without a numeric Step 1 (a
    pass or fail says itself). A numeric score is never compared with matched applicants:
    the dataset holds no Step 1 figures of matched applicants, only the passing marks."""
    if not isinstance(profile.step1, int):
        return None
    score = profile.step1
    if not step1_marks:
        return "unclear", (
            f"a numeric Step 1 ({score}) is not compared: the dataset holds neither Step 1 "
            "figures of matched applicants nor the Step 1 passing marks"
        )
    low, high = min(step1_marks), max(step1_marks)
    marks = f"{low}" if low == high else f"{low}-{high}"
    if score < low:
        return "fail", (
            f"a numeric Step 1 of {score} is under the passing mark of the years of numeric "
            f"scores ({marks}, exams.csv): it is read as a failed attempt"
        )
    if score < high:
        return "unclear", (
            f"a numeric Step 1 of {score} is between the passing marks of the years of numeric "
            f"scores ({marks}, exams.csv): whether it passed depends on its date"
        )
    return "pass", (
        f"a numeric Step 1 of {score} passed (passing mark {marks}, exams.csv); it is not "
        "compared with matched applicants: the dataset holds no Step 1 figures of matched "
        "applicants, only Step 2 CK ones"
    )


def step1_failed(profile: Profile, step1_marks: Sequence[int]) -> bool:
    reading = step1_reading(profile, step1_marks)
    return profile.step1 == "fail" or (reading is not None and reading[0] == "fail")


def profile_flags(
    profile: Profile,
    season: int,
    step2_passing: list[tuple[dt.date, int]],
    today: dt.date,
    step1_marks: Sequence[int] = (),
) -> list[str]:
    """Warnings a profile carries: values accepted but worth saying out loud, first the red
    flags the model does not count (each with the direction of the error)."""
    flags = red_flags(profile, season)
    reading = step1_reading(profile, step1_marks)
    if reading is not None and reading[0] == "fail":
        flags.insert(0, f"{reading[1]}; it is not counted in these numbers, so {LOWER}")
    elif reading is not None:
        flags.append(reading[1])
    below = below_passing(profile, step2_passing, today)
    if below is not None:
        flags.insert(
            0,
            f"Step 2 CK {profile.step2} is under the passing mark of {below[0]} in force on "
            f"{below[1].isoformat()}: a failing score gets no chance of matching here, see the "
            "retake path",
        )
    if profile.applicant_type in ("md", "do") and profile.graduation_year not in (None, season):
        flags.append(
            f"graduation in {profile.graduation_year} is not with the {season} Match: the "
            "model is calibrated on seniors, so its numbers are less sure for graduates"
        )
    if profile.step2 is None and profile.comlex2 is None:
        flags.append("no Step 2 CK or COMLEX Level 2-CE score: standing cannot use a score yet")
    return flags


def below_passing(
    profile: Profile, step2_passing: list[tuple[dt.date, int]], today: dt.date
) -> tuple[int, dt.date] | None:
    """(the passing mark, the date it applies on) when the Step 2 CK score is under it."""
    if profile.step2 is None:
        return None
    when = profile.step2_date or today
    mark = passing_score(step2_passing, when)
    return (mark, when) if mark is not None and profile.step2 < mark else None


# A recent graduate applies in the year of graduation or the one after: graduating in the
# Match year minus RECENT_YEARS or later raises no flag. Programs' screens on the years since
# graduation commonly fall at 3 to 5 years for IMGs (the evidence rows on years since
# graduation, build/evidence_added.csv: published advice, no count of programs); past
# SCREEN_YEARS most programs that screen would screen the applicant out. No effect size is in
# the dataset, so neither is counted: the flag says so and the direction of the error.
RECENT_YEARS = 2
SCREEN_YEARS = 5
IMG_TYPES = ("us-img", "non-us-img")
LOWER = "your chance is likely lower than shown"
SCREENS = (
    "programs screen on the years since graduation, commonly at 3 to 5 years for IMGs "
    "(published advice to IMGs; SmartPick's data give no effect size)"
)


def red_flags(profile: Profile, season: int) -> list[str]:
    """The profile's red flags that the model does not count, each said with the direction
    of the error (no cited effect size for any of them is in the dataset)."""
    flags = []
    if profile.step1 == "fail":
        flags.append(
            f"a Step 1 failure is not counted in these numbers (no published effect size in "
            f"SmartPick's data); many programs screen on it, so {LOWER}"
        )
    if profile.failed_attempts:
        flags.append(
            f"{profile.failed_attempts} failed exam attempt"
            f"{'s are' if profile.failed_attempts > 1 else ' is'} not counted in these numbers "
            f"(no published effect size in SmartPick's data); {LOWER}"
        )
    if profile.graduation_year is not None and season - profile.graduation_year > RECENT_YEARS:
        years = season - profile.graduation_year
        some = "many" if years > SCREEN_YEARS else "some"
        flags.append(
            f"graduation in {profile.graduation_year} ({years} years before the {season} "
            f"Match) is not counted in these numbers: {some} {SCREENS}, so {LOWER}"
        )
    if profile.applicant_type in IMG_TYPES and not profile.us_clinical_months:
        flags.append(
            "no U.S. clinical experience is given, and it is not counted in these numbers: some "
            "programs ask IMGs for U.S. clinical experience, or screen on it (SmartPick's data "
            f"give no effect size), so without it {LOWER}; if you have some, the numbers do "
            "not change either"
        )
    if profile.visa != "none":
        flags.append(
            "a visa need is counted only where a program's sponsorship is known (programs known "
            "not to sponsor are left out); where it is unknown the program is kept as if it "
            f"sponsored, so {LOWER}"
        )
    return flags


def normalize_acgme(value: str) -> str:
    """Digits only, a 9-digit id padded to 10 (Anesthesiology and Dermatology lose a 0)."""
    digits = re.sub(r"\D", "", value)
    return digits.zfill(10) if len(digits) == 9 else digits
