"""The typed answer of `smartpick midseason`: the season as it happens (services.midseason)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from smartpick.core.results import Chance, Header, Interval, Result


class AnsweredProgram(Result):
    """One program of the applicant's own list, as it stands."""

    program_id: str = Field(pattern=r"^[0-9]{10}$", description="ACGME id")
    name: str
    state: str
    status: Literal["invited", "rejected", "waiting", "withdrawn"]
    date: str | None = Field(description="when the answer came (ISO date), null for waiting")
    signal: str | None = Field(
        default=None, description="the tier of the signal sent to the program, null for none"
    )
    p_still_invites: Chance | None = Field(
        default=None, description="for a program still silent: its chance of inviting you later"
    )


class AddProgram(Result):
    program_id: str = Field(pattern=r"^[0-9]{10}$", description="ACGME id")
    name: str
    state: str
    p_interview: Chance = Field(
        description="its chance of inviting you if you apply today (late: discounted)"
    )
    fee: float = Field(ge=0, description="the application fee of adding it, US dollars")
    adds: float = Field(ge=0, le=1, description="what it adds to your chance after those above")
    worth_it: bool = Field(description="it adds more chance than its fee is worth")


class NextStep(Result):
    action: str
    reason: str


class Soap(Result):
    """What happens in SOAP (the Supplemental Offer and Acceptance Program) if it comes to it."""

    p_needed: Chance = Field(description="the chance of not matching now: SOAP's door")
    match_week: str | None = Field(description="when applicants learn whether they matched")
    offer_rounds: list[str] = Field(description="the SOAP offer rounds (dates and times)")
    ends: str | None = None
    positions_offered: int | None = Field(default=None, ge=0)
    positions_filled: int | None = Field(default=None, ge=0)
    positions_year: int | None = None
    sources: list[str]


class Midseason(Header):
    """The season as it happens: the chance of matching given the answers so far, what to do
    next and why (`smartpick midseason`)."""

    today: str = Field(description="the date the answers are read at (ISO)")
    season_elapsed: Chance | None = Field(
        default=None, description="the share of the invitation season gone by today"
    )
    invitations_still_to_come: Chance | None = Field(
        default=None, description="the share of a season's invitations not yet sent today"
    )
    counts: dict[str, int] = Field(description="the list's programs by status")
    programs: list[AnsweredProgram]
    p_match_now: Chance | None = None
    p_match_now_interval: Interval | None = None
    p_match_from_interviews: Chance | None = Field(
        default=None, description="from the interviews you hold alone"
    )
    expected_more_invitations: float | None = Field(default=None, ge=0)
    add_programs: list[AddProgram] = Field(default_factory=list)
    p_match_with_added: Chance | None = Field(
        default=None, description="with the programs worth adding now"
    )
    backup: str | None = Field(default=None, description="when to add a backup specialty")
    soap: Soap | None = None
    next_steps: list[NextStep] = Field(default_factory=list)
    assumption: str | None = Field(default=None, description="how silence is read, plainly")
    not_modelled: list[str] = Field(default_factory=list)
