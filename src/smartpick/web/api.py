"""The JSON API under /api/v1: the same services as the command line, as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from smartpick.core.midseason_results import Midseason
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.profile import Profile
from smartpick.core.results import Advice, Chances, Plan, ProgramName, Ranking
from smartpick.services import Services
from smartpick.services.advice import advise_report
from smartpick.services.chances import chances_report
from smartpick.services.midseason import Answer, midseason_report
from smartpick.services.plan import plan_report
from smartpick.services.program import program_names
from smartpick.services.rank import rank_report
from smartpick.services.standing import standing_report
from smartpick.web.schemas import ErrorResponse, StandingResponse

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "a value SmartPick cannot use"},
    404: {"model": ErrorResponse, "description": "no such program or plan"},
    413: {"model": ErrorResponse, "description": "the request is larger than SmartPick reads"},
    422: {"model": ErrorResponse, "description": "the request does not follow the schema"},
    429: {"model": ErrorResponse, "description": "too many requests from one client"},
}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


class ChancesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: Profile
    apply: list[str] = Field(
        default_factory=list,
        max_length=300,
        description="ACGME ids, most preferred first; ':tier' to signal",
    )
    limit: int | None = Field(default=None, ge=1, le=1000)


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: Profile
    applications: int | None = Field(default=None, ge=1, le=300)
    budget: float | None = Field(default=None, gt=0, le=100_000)
    signals: Literal["auto", "none"] = "auto"
    target: float = Field(default=0.9, gt=0, lt=1)
    parallel_below: float = Field(default=0.8, gt=0, le=1)
    backup_value: float = Field(default=0.5, gt=0, lt=1)
    interviews: list[str] = Field(default_factory=list, max_length=300)
    ratings: dict[str, float] = Field(default_factory=dict)
    divisions: list[Annotated[int, Field(ge=1, le=9)]] = Field(default_factory=list, max_length=9)
    other_region_value: float = Field(default=0.5, gt=0, le=1)
    geography: Literal["none", "auto"] | list[Annotated[int, Field(ge=1, le=9)]] = Field(
        default="none", description="ERAS geographic preference: none, auto, or 1-3 divisions"
    )
    fee_assistance: bool = Field(
        default=False, description="the applicant has the AAMC Fee Assistance ERAS discount"
    )
    connections: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list,
        max_length=3,
        description="ResidencyCAS geographic connections: up to three states of your ties",
    )
    cost_of_not_matching: float = Field(
        default=COST_OF_NOT_MATCHING.value,
        gt=0,
        le=10_000_000,
        description="what going unmatched for a year costs the applicant, US dollars",
    )


class AdviseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: Profile
    test_date: dt.date | None = None


class RankRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "profile": {"specialty": "psychiatry", "applicant_type": "md", "step2": 240},
                    "programs": ["4004500001", "4002711108", "4004100280"],
                }
            ]
        },
    )
    profile: Profile
    programs: list[Annotated[str, Field(pattern=r"^[0-9]{10}$")]] = Field(
        min_length=1,
        max_length=40,
        description="ACGME ids of the programs that interviewed you, most wanted first",
    )
    ratings: dict[str, Annotated[float, Field(ge=1, le=10)]] = Field(
        default_factory=dict, description="optional values 1-10 by ACGME id"
    )
    supplemental: list[Annotated[str, Field(pattern=r"^[0-9]{7}[A-Z][0-9]$")]] = Field(
        default_factory=list,
        max_length=40,
        description="for advanced programs: NRMP codes of the PGY-1 programs that interviewed "
        "you, most wanted first (your supplemental list)",
    )


class AppliedProgram(BaseModel):
    model_config = ConfigDict(extra="forbid")
    program_id: str = Field(pattern=r"^[0-9]{10}$", description="ACGME id")
    status: Literal["invited", "rejected", "waiting", "withdrawn"]
    date: dt.date | None = Field(default=None, description="when the answer came; null: waiting")
    signal: Literal["gold", "silver", "signal"] | None = Field(
        default=None,
        description="the tier of the signal you sent it (signal: one-tier specialties)",
    )


class MidseasonRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "profile": {"specialty": "im", "applicant_type": "md", "step2": 238},
                    "applied": [
                        {"program_id": "1400500011", "status": "invited", "date": "2026-11-02"},
                        {"program_id": "1403600333", "status": "waiting", "date": None},
                    ],
                    "today": "2026-12-06",
                }
            ]
        },
    )
    profile: Profile
    applied: list[AppliedProgram] = Field(
        min_length=1, max_length=300, description="your programs and their answers so far"
    )
    today: dt.date | None = Field(default=None, description="the date to read them at")


@router.get("/specialties")
def specialties(request: Request) -> list[dict[str, Any]]:
    """Every specialty with its key and aliases."""
    return [
        {"key": s.key, "name": s.name, "aliases": list(s.aliases)}
        for s in _services(request).specialties()
    ]


@router.get("/programs", response_model=list[ProgramName])
def programs(
    request: Request,
    specialty: Annotated[
        str, Query(description="a specialty's key, name or alias", examples=["psychiatry"])
    ],
) -> list[ProgramName]:
    """A specialty's programs by name, city and ACGME id (the pages' search by name uses it)."""
    return program_names(_services(request), specialty)


@router.post("/standing", response_model=StandingResponse)
def standing(request: Request, profile: Profile) -> dict[str, Any]:
    """Where the profile's Step 2 CK stands in its specialty (smartpick standing)."""
    return standing_report(_services(request), profile)


@router.post("/chances", response_model=Chances)
def chances(request: Request, body: ChancesRequest) -> Chances:
    """Every program's chances for the profile (smartpick chances)."""
    return chances_report(_services(request), body.profile, body.apply, body.limit)


@router.post("/plan", response_model=Plan)
def plan(request: Request, body: PlanRequest) -> Plan:
    """The optimized list with signals, curve and parallel plan (smartpick plan)."""
    return plan_report(
        _services(request),
        body.profile,
        body.applications,
        body.budget,
        body.signals,
        body.target,
        body.parallel_below,
        body.backup_value,
        body.interviews,
        body.ratings,
        body.divisions,
        body.other_region_value,
        body.geography,
        body.fee_assistance,
        body.connections,
        body.cost_of_not_matching,
    )


@router.post("/advise", response_model=Advice)
def advise(request: Request, body: AdviseRequest) -> Advice:
    """Step 2 CK timing, release and presentation advice (smartpick advise)."""
    return advise_report(_services(request), body.profile, body.test_date)


@router.post("/midseason", response_model=Midseason)
def midseason(request: Request, body: MidseasonRequest) -> Midseason:
    """In the season: the chance of matching now and the next steps (smartpick midseason).
    A bad entry is named by its place in `applied`, counted from 1 ("line 1")."""
    answers = [
        Answer(k, a.program_id, a.status, a.date, a.signal)
        for k, a in enumerate(body.applied, start=1)
    ]
    return midseason_report(_services(request), body.profile, answers, body.today)


@router.post("/rank", response_model=Ranking)
def rank(request: Request, body: RankRequest) -> Ranking:
    """The rank order list: the chance of matching at each rank (smartpick rank)."""
    return rank_report(
        _services(request), body.profile, body.programs, body.ratings, body.supplemental
    )
