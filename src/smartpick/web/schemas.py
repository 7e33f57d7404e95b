"""The JSON API's answer that is not yet typed where it is made (the standing: its service
still returns a dictionary, checked against this on the way out), and the error answer. The
chances, the plan, the advice and the rank order list are typed in the core
(smartpick.core.results) and served as they are."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from smartpick.core import results
from smartpick.core.results import Chance, Interval


class OpenHeader(results.Header):
    """The header with room for the fields these answers carry beyond their declarations."""

    model_config = ConfigDict(extra="allow", frozen=False)


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
