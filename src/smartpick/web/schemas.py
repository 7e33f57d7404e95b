"""The JSON API's answers that are not yet typed where they are made (the standing and the
chances: their services still return dictionaries, checked against these on the way out), and
the error answer. The plan, the advice and the rank order list are typed in the core
(smartpick.core.results) and served as they are."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from smartpick.core import results
from smartpick.core.results import Chance, Interval


class OpenHeader(results.Header):
    """The header with room for the fields these answers carry beyond their declarations."""

    model_config = ConfigDict(extra="allow", frozen=False)


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


class ChancesResponse(OpenHeader):
    programs: list[ChancesProgram]
    used: dict[str, str]
    not_modelled: list[str]
    typical: dict[str, Any] | None = None
    # "list" in JSON (the applicant's own list with --apply); renamed here, where "list" is
    # the built-in type.
    own_list: dict[str, Any] | None = Field(default=None, alias="list")


class StandingResponse(OpenHeader):
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


class ErrorResponse(BaseModel):
    error: str
    field: str | None
    hint: str | None
