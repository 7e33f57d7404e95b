"""The JSON API's answers, declared: every field with its type, bounds and allowed values
(they are what /openapi.json publishes and what each answer is checked against)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Chance = Annotated[float, Field(ge=0, le=1, description="a probability, 0 to 1")]
Interval = Annotated[
    list[Chance], Field(min_length=2, max_length=2, description="95% interval: [low, high]")
]
Tier = Literal["reach", "target", "likely"]
ApplicantType = Literal["md", "do", "us-img", "non-us-img"]


class Header(BaseModel):
    model_config = ConfigDict(extra="allow")
    season: int = Field(ge=2024, le=2035)
    specialty: str
    specialty_name: str
    applicant_type: ApplicantType
    step2: int | None = Field(default=None, ge=1, le=300)
    flags: list[str]
    notes: list[str] = Field(default_factory=list)
    retake: dict[str, Any] | None = Field(
        default=None, description="a Step 2 CK under the passing mark: the retake path"
    )


class PlanProgram(BaseModel):
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


class CurvePoint(BaseModel):
    model_config = ConfigDict(extra="allow")
    n: int = Field(ge=1, description="number of applications")
    cost: float = Field(ge=0, description="application fees, US dollars")
    p_match: Chance
    p_match_low: Chance = Field(description="the lower end of the chance's 95% interval")


class Recommended(BaseModel):
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


class PlanResponse(Header):
    programs: list[PlanProgram]
    not_modelled: list[str]
    p_match: Chance | None = None
    p_match_interval: Interval | None = None
    recommended_applications: Recommended | None = None
    curve: list[CurvePoint] = Field(default_factory=list)
    expected_interviews: float | None = Field(default=None, ge=0)
    applications: int | None = Field(default=None, ge=1)
    cost_usd: float | None = Field(default=None, ge=0)
    total_cost_usd: float | None = Field(default=None, ge=0)
    budget_usd: float | None = Field(default=None, ge=0)
    unspent_usd: float | None = Field(default=None, ge=0, description="budget not spent")
    typical_applications: dict[str, Any] | None = Field(
        default=None, description="what a typical applicant of the type sends, and its source"
    )
    goal: str | None = None
    service: Literal["ERAS", "ResidencyCAS"] | None = None
    signals: dict[str, dict[str, int]] = Field(default_factory=dict)
    parallel: dict[str, Any] | None = None
    geography: dict[str, Any] | None = Field(default=None, description="ERAS preference chosen")
    season_update: dict[str, Any] | None = Field(default=None, description="with --interviews")
    certificate: dict[str, float] | None = Field(default=None, description="without signals")
    nrmp_fees: dict[str, Any] | None = None
    fees: list[dict[str, Any]] = Field(default_factory=list)
    pgy1: str | None = Field(default=None, description="for advanced programs on the list")
    connections: dict[str, Any] | None = Field(
        default=None, description="ResidencyCAS geographic connections applied"
    )
    fee_assistance: dict[str, float] | None = Field(
        default=None, description="the AAMC Fee Assistance discount applied: share paid, covered"
    )
    value: float | None = Field(default=None, ge=0, le=1, description="expected worth")
    method: str | None = None


class ChancesProgram(BaseModel):
    model_config = ConfigDict(extra="allow")
    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    name: str
    state: str
    in_state: bool
    p_interview: Chance
    p_interview_interval: Interval
    p_interview_signal: dict[str, Chance]
    p_match_standalone: Chance
    p_match_standalone_interval: Interval
    visa_fit: Literal["not needed", "sponsors", "does not sponsor", "unknown"]


class ChancesResponse(Header):
    programs: list[ChancesProgram]
    used: dict[str, str]
    not_modelled: list[str]
    typical: dict[str, Any] | None = None
    # "list" in JSON (the applicant's own list with --apply); renamed here, where "list" is
    # the built-in type.
    own_list: dict[str, Any] | None = Field(default=None, alias="list")


class StandingResponse(Header):
    p_match: Chance | None
    p_match_interval: Interval | None
    basis: Literal["model", "published curve"] | None = Field(
        default=None, description="where the chance comes from"
    )
    score_percentile_matched: Chance | None
    score_percentile_unmatched: Chance | None
    reasons: list[str]
    not_modelled: list[str]
    sources: list[str]


class Recommendation(BaseModel):
    section: Literal[
        "timing", "myeras", "personal_statement", "cv", "interviews", "letters", "breadth"
    ]
    text: str
    kind: Literal["general advice", "from the data"]
    sources: list[str]


class AdviseResponse(Header):
    scenario: Literal["strong", "solid", "below range", "score pending"]
    modifiers: list[Literal["expected score", "upward trajectory", "IMG", "failed attempt"]]
    reasons: list[str]
    timeline: dict[str, Any]
    recommendations: list[Recommendation]
    what_if: list[dict[str, Any]]


class ErrorResponse(BaseModel):
    error: str
    field: str | None
    hint: str | None


class RankProgram(BaseModel):
    rank: int = Field(ge=1)
    acgme_id: str = Field(pattern=r"^[0-9]{10}$")
    name: str
    city: str
    state: str
    value: float = Field(ge=0, le=1, description="the program's worth to you, 0-1")
    p_match_here: Chance
    p_match_by_here: Chance


class RankAlternative(BaseModel):
    order: str
    p_match: Chance
    expected_value: float = Field(ge=0, le=1)
    loss: float = Field(description="expected value given up against your true order")


class RankSearch(BaseModel):
    orders: int = Field(ge=1)
    best_value: float
    true_order_value: float
    true_order_is_best: bool


class RankResponse(Header):
    programs: list[RankProgram]
    p_match: Chance
    p_program_takes_you: Chance
    expected_value: float = Field(ge=0, le=1)
    value_basis: str
    alternatives: list[RankAlternative]
    search: RankSearch | None = Field(description="every order tried, up to 8 programs")
