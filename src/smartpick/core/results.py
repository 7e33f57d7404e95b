"""The answers SmartPick gives, typed: the programs' chances, the plan, the advice and the rank
order list, each with the header every report opens with. They are frozen (an answer is made
once and shown in every format: the page, the PDF, the CSV, the command line and the JSON API, whose
/openapi.json publishes these declarations with their bounds and allowed values).

A field a report leaves out is unset, not null: `dump` gives the JSON of the command line
with exactly the fields the report has."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Chance = Annotated[float, Field(ge=0, le=1, description="a probability, 0 to 1")]
Interval = Annotated[tuple[Chance, Chance], Field(description="95% interval: [low, high]")]
Tier = Literal["reach", "target", "likely"]
ApplicantType = Literal["md", "do", "us-img", "non-us-img"]


class Result(BaseModel):
    """A part of an answer: frozen, and nothing undeclared."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def dump(self) -> dict[str, Any]:
        """The JSON-ready answer with the fields the report has (unset ones left out)."""
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


class Retake(Result):
    score: int
    passing_mark: int
    on: str = Field(description="the date the passing mark applies from")
    steps: list[str]
    sources: list[str]


class Header(Result):
    season: int = Field(ge=2024, le=2035)
    specialty: str
    specialty_name: str
    applicant_type: ApplicantType
    step2: int | None = Field(default=None, ge=1, le=300)
    flags: list[str]
    notes: list[str] = Field(default_factory=list)
    retake: Retake | None = Field(
        default=None, description="a Step 2 CK under the passing mark: the retake path"
    )


class ChancesProgram(Result):
    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    name: str
    city: str
    state: str
    in_state: bool
    p_interview: Chance
    p_interview_interval: Interval
    p_interview_signal: dict[str, Chance] = Field(description="with a signal of each tier")
    p_match_standalone: Chance
    p_match_standalone_interval: Interval
    visa_fit: Literal["not needed", "sponsors", "does not sponsor", "unknown"]
    excluded: str | None = Field(default=None, description="why the program cannot take you")


class TypicalChance(Result):
    p_match: Chance
    p_match_interval: Interval
    applications: float = Field(ge=0)
    meaning: str


class OwnProgram(Result):
    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    signal: str | None
    p_interview: Chance
    p_end_up: Chance = Field(description="the chance you end up here, given the whole list")
    leave_one_out: Chance = Field(description="how much the list's chance falls without it")


class OwnList(Result):
    p_match: Chance
    p_match_interval: Interval
    expected_interviews: float = Field(ge=0)
    interviews_10_90: tuple[int, int]
    programs: list[OwnProgram]
    order: str


class Chances(Header):
    """Every program's chances for the profile (`smartpick chances`)."""

    programs: list[ChancesProgram]
    used: dict[str, str] = Field(description="the profile's fields the model uses, and how")
    not_modelled: list[str]
    model: dict[str, Any] | None = Field(default=None, description="the fitted parameters used")
    typical: TypicalChance | None = None
    # "list" in JSON (the applicant's own list with --apply); renamed here, where "list" is
    # the built-in type.
    own_list: OwnList | None = Field(default=None, alias="list")


class PlanProgram(Result):
    program_id: str = Field(pattern=r"^[0-9]{10}$", description="ACGME id")
    name: str
    city: str
    state: str
    p_interview: Chance
    p_interview_interval: Interval
    p_match_alone: Chance = Field(description="the program's stand-alone chance of matching")
    p_end_here: Chance = Field(description="the chance you end up here, given the whole list")
    loo_delta: Chance = Field(description="how much the list's chance falls without it")
    tier: Tier
    entry_level: str
    signal: str | None = Field(description="the signal tier placed here, or null")
    reason: str
    visa: Literal["yes", "no", "unknown", "not needed"] = Field(
        description="whether the program sponsors the visa you need"
    )
    visa_source: str = Field(description="where that comes from")
    us_img_interview_rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="share of the program's U.S.-citizen IMG applicants offered an interview "
        "in the rates' season (ERAS 2024); null where not published",
    )
    non_us_img_interview_rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="the same for non-U.S.-citizen IMG applicants",
    )


class Pgy1Program(Result):
    program_id: str = Field(pattern=r"^[0-9]{7}[A-Z][0-9]$", description="NRMP program code")
    id_kind: Literal["NRMP program code"]
    name: str
    kind: str
    year: str = Field(description="the PGY-1 year by name")
    institution: str
    track_name: str
    city: str
    state: str
    latitude: float | None
    longitude: float | None
    location_source: str
    state_source: str
    p_interview: Chance = Field(description="a prior (see the PGY-1 plan's method)")
    p_match_alone: Chance
    p_interview_basis: str = Field(description="which programs the prior reads")
    near_program_id: str | None = Field(description="the nearest advanced program of the list")
    distance_km: float | None = Field(ge=0)
    nearness: str
    other_tracks: list[str] = Field(
        description="the institution's other tracks of this year, reached by the same application"
    )
    visa: Literal["not needed", "unknown"] = Field(
        description="SmartPick has no sponsorship data for PGY-1 years"
    )


class Pgy1Signals(Result):
    year: str
    allowed: int = Field(ge=0)
    programs: list[str]
    status: str
    source: str
    effect: str


class Pgy1Plan(Result):
    """The PGY-1 year for the advanced programs of a plan (services.pgy1)."""

    needed: int = Field(ge=1, description="advanced programs on the list")
    kinds: list[str]
    applications: int = Field(ge=1)
    applications_by_year: dict[str, int]
    p_match: Chance = Field(description="the chance of a PGY-1 position from this list (prior)")
    p_match_with_advanced: Chance = Field(
        description="with the advanced list's, taken as independent (a cautious product)"
    )
    expected_interviews: float = Field(ge=0)
    cost_usd: float = Field(ge=0, description="ERAS fees, each PGY-1 year billed on its own")
    why: str
    signals: list[Pgy1Signals]
    method: str
    notes: list[str]
    programs: list[Pgy1Program]


class CurvePoint(Result):
    n: int = Field(ge=1, description="number of applications")
    cost: float = Field(ge=0, description="application fees, US dollars")
    p_match: Chance
    p_match_low: Chance = Field(description="the lower end of the chance's 95% interval")
    usd_per_point: float | None = Field(
        default=None, ge=0, description="this application's fee per point of chance it adds"
    )
    value: float | None = Field(
        default=None, ge=0, le=1, description="expected worth (with ratings or regions)"
    )


class Recommended(Result):
    n: int = Field(ge=1)
    why: str
    reaches_target: int | None = Field(
        ge=1, description="the fewest applications whose cautious chance reaches the target"
    )
    best_value: int = Field(
        ge=1, description="the count maximizing cost of not matching x cautious chance - fees"
    )
    target: Chance
    p_match_low: Chance = Field(description="the cautious chance at the recommended count")
    cost_of_not_matching_usd: float = Field(gt=0)
    cost_of_not_matching_source: str
    usd_per_point: float | None = Field(
        default=None, ge=0, description="the last application's fee per point of chance it adds"
    )
    usd_per_point_average: float | None = Field(
        default=None, ge=0, description="the whole list's fees per point of chance"
    )


class Typical(Result):
    applications: float = Field(ge=0)
    share: float | None = Field(
        description="the share of all-specialty applications fitted to go to the specialty"
    )
    source: str
    meaning: str


class SignalUse(Result):
    allowed: int = Field(ge=0)
    used: int = Field(ge=0)


class Certificate(Result):
    value_greedy: float
    upper_bound: float
    certified_gap: float


class Plan(Header):
    """The optimized list with signals, the curve and the parallel plan (`smartpick plan`)."""

    programs: list[PlanProgram]
    not_modelled: list[str]
    p_match: Chance | None = None
    p_match_interval: Interval | None = None
    recommended_applications: Recommended | None = None
    curve: list[CurvePoint] = Field(default_factory=list)
    expected_interviews: float | None = Field(default=None, ge=0)
    interviews_10_90: tuple[int, int] | None = Field(
        default=None, description="the 10th and 90th percentiles of the number of interviews"
    )
    applications: int | None = Field(default=None, ge=1)
    cost_usd: float | None = Field(default=None, ge=0)
    total_cost_usd: float | None = Field(
        default=None,
        ge=0,
        description="application fees + exam transcript fees + NRMP registration and extra ranks",
    )
    budget_usd: float | None = Field(default=None, ge=0)
    unspent_usd: float | None = Field(default=None, ge=0, description="budget not spent")
    typical_applications: Typical | None = Field(
        default=None, description="what a typical applicant of the type sends, and its source"
    )
    goal: str | None = None
    service: Literal["ERAS", "ResidencyCAS"] | None = None
    signals: dict[str, SignalUse] = Field(default_factory=dict)
    parallel: dict[str, Any] | None = None
    geography: dict[str, Any] | None = Field(default=None, description="ERAS preference chosen")
    season_update: dict[str, Any] | None = Field(default=None, description="with --interviews")
    certificate: Certificate | None = Field(default=None, description="without signals")
    nrmp_fees: dict[str, Any] | None = None
    transcript_fees: list[dict[str, Any]] = Field(
        default_factory=list, description="each exam's transcript fee, once per season"
    )
    fees: list[dict[str, Any]] = Field(default_factory=list)
    pgy1: str | None = Field(default=None, description="for advanced programs on the list")
    pgy1_plan: Pgy1Plan | None = Field(default=None, description="the PGY-1 list, a prior")
    connections: dict[str, Any] | None = Field(
        default=None, description="ResidencyCAS geographic connections applied"
    )
    fee_assistance: dict[str, float] | None = Field(
        default=None, description="the AAMC Fee Assistance discount applied: share paid, covered"
    )
    value: float | None = Field(default=None, ge=0, le=1, description="expected worth")
    method: str | None = None

    def cost_parts(self) -> list[str]:
        """What the total cost is made of, each part with how it is known."""
        parts = []
        if self.cost_usd is not None:
            parts.append(f"${self.cost_usd:g} in {self.service or 'application'} fees")
        for fee in self.transcript_fees:
            parts.append(f"${fee['amount_usd']:g} {fee['exam']} transcript ({fee['status']})")
        nrmp = self.nrmp_fees or {}
        if nrmp.get("registration_usd") is not None:
            parts.append(
                f"${nrmp['registration_usd']:g} NRMP registration ({nrmp['registration_status']})"
            )
        if nrmp.get("extra_ranks") and nrmp.get("extra_ranks_usd") is not None:
            parts.append(f"${nrmp['extra_ranks_usd']:g} for {nrmp['extra_ranks']} ranks beyond 20")
        if self.pgy1_plan is not None:
            parts.append(
                f"${self.pgy1_plan.cost_usd:g} in ERAS fees for the PGY-1 year "
                f"({self.pgy1_plan.applications} programs)"
            )
        return parts


class Recommendation(Result):
    section: Literal[
        "timing", "application", "personal_statement", "cv", "interviews", "letters", "breadth"
    ]
    text: str
    kind: Literal["general advice", "from the data"]
    sources: list[str]


class WhatIf(Result):
    step2: int
    p_match: Chance
    recommended_applications: int = Field(ge=1)


class Advice(Header):
    """How to time, release and present the Step 2 CK score (`smartpick advise`)."""

    scenario: Literal["strong", "solid", "below range", "score pending"]
    modifiers: list[Literal["expected score", "upward trajectory", "IMG", "failed attempt"]]
    reasons: list[str]
    timeline: dict[str, Any]
    recommendations: list[Recommendation]
    plan: dict[str, Any] | None = Field(
        default=None, description="the plan of the same profile the advice speaks of"
    )
    what_if: list[WhatIf]


class RankProgram(Result):
    rank: int = Field(ge=1)
    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    name: str
    city: str
    state: str
    value: float = Field(ge=0, le=1, description="the program's worth to you, 0-1")
    p_match_here: Chance
    p_match_by_here: Chance


class RankAlternative(Result):
    order: str
    p_match: Chance
    expected_value: float = Field(ge=0, le=1)
    loss: float = Field(description="expected value given up against your true order")


class RankSearch(Result):
    orders: int = Field(ge=1)
    best_value: float
    true_order_value: float
    true_order_is_best: bool


class SupplementalRow(Result):
    rank: int = Field(ge=1)
    program_id: str = Field(pattern=r"^[0-9]{7}[A-Z][0-9]$", description="NRMP program code")
    name: str
    state: str
    p_match_here: Chance
    p_match_by_here: Chance


class Supplemental(Result):
    """A supplemental list of PGY-1 programs for the advanced programs ranked (a prior)."""

    programs: list[SupplementalRow]
    advanced_programs: int = Field(ge=1)
    p_pgy1: Chance = Field(description="a PGY-1 position, given an advanced match")
    p_advanced: Chance = Field(description="an advanced program of the primary list")
    p_both: Chance
    method: str


class Ranking(Header):
    """The rank order list: the chance of matching at each rank (`smartpick rank`)."""

    programs: list[RankProgram]
    p_match: Chance
    p_program_takes_you: Chance
    expected_value: float = Field(ge=0, le=1)
    value_basis: str
    alternatives: list[RankAlternative]
    search: RankSearch | None = Field(description="every order tried, up to 8 programs")
    supplemental: Supplemental | None = None


class ProgramFact(Result):
    """One fact about a program in plain words; a missing one says why."""

    label: str
    value: str | None = Field(description="null when SmartPick does not show it")
    why_missing: str | None = None


class PublishedRate(Result):
    """Whether the program's published interview-offer rates have a figure for a group, and
    the figure for the two IMG groups (the others are `derive` data: used by the model, never
    shown; docs/data.md says why)."""

    group: str
    published: bool
    rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="the share offered an interview: U.S. and non-U.S. IMGs only, else null",
    )


class Source(Result):
    what: str = Field(description="what the source gives, in plain words")
    source: str = Field(description="the source in plain words: no paths, no commits")
    year: str


class ProgramName(Result):
    """A program as the search by name shows it."""

    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    name: str
    city: str
    state: str


class ProgramAnswer(Result):
    """One program: what SmartPick may show about it, the groups its published interview rates
    cover and, for a profile, the applicant's own chances there."""

    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    name: str
    specialty: str
    specialty_name: str
    city: str
    state: str
    facts: list[ProgramFact]
    rates: list[PublishedRate] = Field(description="empty when the program has none")
    rates_season: str
    rates_doubtful: bool = Field(description="joined to the program by name with doubt")
    chance: ChancesProgram | None = None
    no_chance: str | None = Field(default=None, description="why no chance is given here")
    notes: list[str] = Field(default_factory=list, description="what the chances assume")
    sources: list[Source]
