"""The season as it happens (`smartpick midseason`): the applicant's own list with the answers
so far, read against the season's calendar; the chance of matching now, what is still likely
to come, what to do next and why (core.plan.midseason)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smartpick.core.catalog import IDS_HINT
from smartpick.core.fees import cost
from smartpick.core.midseason_results import Midseason
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.plan.midseason import (
    FRONT_LOADING,
    Outlook,
    invitations_sent,
    outlook,
    season_elapsed,
)
from smartpick.core.profile import Profile
from smartpick.core.seasons import default_season
from smartpick.errors import InputError
from smartpick.services.calendar import review_start, season_calendar
from smartpick.services.chances import USED
from smartpick.services.context import build_context, parameter_draws
from smartpick.services.header import report_header
from smartpick.services.midseason_steps import next_steps, soap_facts, soap_step
from smartpick.services.solution import fee_schedule

if TYPE_CHECKING:
    from smartpick.services import Services

STATUSES = ("invited", "rejected", "waiting", "withdrawn")
HEADER = ("program_id", "status", "date")  # and an optional fourth column, signal
TIERS = ("gold", "silver", "signal")  # the signal tiers ERAS and ResidencyCAS name
ADD_AT_MOST = 10  # programs shown to add now
MOST_ROWS = 300
EXAMPLE = "1403511304,invited,2026-11-02"
FIELD = "applied"


@dataclass(frozen=True)
class Answer:
    """One row of the applicant's list: its line in the file, the program, the answer."""

    line: int
    program_id: str
    status: str
    date: dt.date | None
    signal: str | None = None  # the tier of the signal sent with the application
    # Where the signal was marked, when not on the row's own line: (field, place in words)
    signal_at: tuple[str, str] | None = None

    def signal_place(self) -> tuple[str, str]:
        """(field, place) a problem with the row's signal is named by."""
        return self.signal_at or (FIELD, f"line {self.line}")


def read_applied(text: str) -> list[Answer]:
    """The list from CSV text with the header program_id,status,date and, optionally, a fourth
    column signal (gold, silver or signal; empty or none for no signal); a bad row is an
    InputError naming its line and how to fix it."""
    lines = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [(n, r) for n, r in enumerate(lines, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise InputError(
            "your list of applications is empty",
            field=FIELD,
            hint=f"Write the header {','.join(HEADER)}, then one program a line, e.g. {EXAMPLE}.",
        )
    first, header = rows[0]
    if [c.strip().lower() for c in header][:3] != list(HEADER):
        raise InputError(
            f"line {first}: the first line should be the header {','.join(HEADER)}",
            field=FIELD,
            hint=f"Put that header above your rows, such as {EXAMPLE}.",
        )
    if len(rows) - 1 > MOST_ROWS:
        raise InputError(f"at most {MOST_ROWS} programs in the list", field=FIELD)
    named = [c.strip().lower() for c in header]
    column = named.index("signal") if "signal" in named[3:] else None  # other columns: kept out
    return [_answer(n, r, column) for n, r in rows[1:]]


def _answer(line: int, row: list[str], column: int | None = None) -> Answer:
    cells = [c.strip() for c in row] + [""] * (4 if column is None else column + 1)
    pid, status, date = cells[0], cells[1].lower(), cells[2]
    given = cells[column] if column is not None else ""
    signal = given.lower()
    if not re.fullmatch(r"[0-9]{10}", pid):
        raise InputError(
            f"line {line}: '{pid}' is not an ACGME program id",
            field=FIELD,
            hint=f"The first column is the program's 10-digit ACGME id. {IDS_HINT}",
        )
    if status not in STATUSES:
        raise InputError(
            f"line {line}: status '{cells[1]}' is not one of {', '.join(STATUSES)}",
            field=FIELD,
            hint=f"Write one of them in the second column, e.g. {EXAMPLE}.",
        )
    when = None
    if date:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(
                f"line {line}: date '{date}' is not a date",
                field=FIELD,
                hint="Write the day the answer came as YYYY-MM-DD, e.g. 2026-11-02, or leave "
                "it empty for a program that has not answered.",
            ) from None
    if signal not in ("", "none", *TIERS):
        raise InputError(
            f"line {line}: signal '{given}' is not one of {', '.join(TIERS)}",
            field=FIELD,
            hint="Write the signal's tier in the signal column (gold or silver where the "
            "specialty has two kinds, else signal), or leave it empty.",
        )
    return Answer(line, pid, status, when, signal if signal in TIERS else None)


def season_in_progress(services: Services, today: dt.date) -> int:
    """The Match whose application season is open on `today` (the one before the next to
    open)."""
    return default_season(services.dataset.rows("calendar"), today) - 1


def midseason_report(
    services: Services,
    profile: Profile,
    answers: Sequence[Answer],
    today: dt.date | None = None,
) -> Midseason:
    """The chance of matching now and the next steps, for the answers read on `today` (the
    session's today by default). The season is the one in progress on that day unless the
    profile or a setting names one."""
    today = today or services.config.today
    if services.config.season is None and profile.season is None:
        profile = profile.model_copy(update={"season": season_in_progress(services, today)})
    spec, season, header = report_header(services, profile)
    report: dict[str, Any] = {
        **header,
        "today": today.isoformat(),
        "notes": [],
        "counts": {s: sum(a.status == s for a in answers) for s in STATUSES},
        "programs": [],
        "not_modelled": [f for f in Profile.model_fields if f not in USED],
    }
    _check_answers(services, answers, today, spec.key, spec.name)
    by_id = services.programs_by_id
    report["programs"] = [
        {
            "program_id": a.program_id,
            "name": by_id[a.program_id].name,
            "state": by_id[a.program_id].state,
            "status": a.status,
            "date": a.date.isoformat() if a.date else None,
            "signal": a.signal,
        }
        for a in answers
    ]
    if header["retake"] is not None:
        report["notes"].append(
            "the Step 2 CK score is under the passing mark: no chance is given until you have "
            "a passing score (see the retake path)"
        )
        return Midseason.model_validate(report)
    ctx = build_context(services, profile, spec.key, season, report["notes"])
    if ctx is None:
        return Midseason.model_validate(report)
    dates = _dates(services, season, ctx.service)
    elapsed, sent = season_progress(dates, today)
    index = {p.acgme_id: j for j, p in enumerate(ctx.programs)}
    report["notes"] += _unrated(answers, index)
    groups = tuple(
        [index[a.program_id] for a in answers if a.status == status and a.program_id in index]
        for status in ("invited", "rejected", "waiting")
    )
    read = _signals(answers, ctx, spec.name)
    for row in report["programs"]:  # each signal as the model reads it
        row["signal"] = read.get(row["program_id"])
    signals = {
        index[a.program_id]: read[a.program_id]
        for a in answers
        if a.program_id in read and a.program_id in index and a.status != "withdrawn"
    }
    out = outlook(
        services.evaluator,
        ctx,
        parameter_draws(services, ctx),
        profile.step2,
        (groups[0], groups[1], groups[2]),
        sent,
        ADD_AT_MOST,
        signals,
        sum(a.status == "invited" and a.program_id not in index for a in answers),
    )
    still = iter(out.still)
    for row in report["programs"]:
        if row["status"] == "waiting" and row["program_id"] in index:
            row["p_still_invites"] = round(next(still), 4)
    report |= {
        "season_elapsed": round(elapsed, 4),
        "invitations_still_to_come": round(1 - sent, 4),
        "p_match_now": round(out.p_match_now, 4),
        "p_match_now_interval": [round(v, 4) for v in out.p_match_now_interval],
        "p_match_from_interviews": round(out.p_from_interviews, 4),
        "expected_more_invitations": round(out.expected_more, 2),
        "add_programs": _additions(services, ctx, season, out, len(answers)),
        "assumption": assumption(dates, elapsed, sent),
    }
    worth = [a for a in report["add_programs"] if a["worth_it"]]
    if worth:
        report["p_match_with_added"] = round(out.p_with_added[len(worth) - 1], 4)
    report |= next_steps(services, profile, spec.name, season, today, report, dates, worth)
    report["soap"] = soap_facts(services, season, out.p_match_now)
    report["next_steps"].append(soap_step(report["soap"]))
    report["notes"] += [
        "your answers count as evidence of your strength: an invitation raises it, a rejection "
        "and a long silence lower it; a program you signaled is read with your signal",
        "how each interview turns into a match is the model's weakest part (docs/model.md, "
        "known limits): the chance from a few interviews is on the optimistic side",
    ]
    return Midseason.model_validate(report)


def _signals(answers: Sequence[Answer], ctx: Any, name: str) -> dict[str, str]:
    """The tier of the signal sent to each program of the list (by ACGME id), withdrawn ones
    too, checked against the specialty's tiers and how many of each the season allows. A gold
    signal in a specialty with one kind is its signal (the page's first signal list)."""
    tiers = list(ctx.tiers)
    out: dict[str, str] = {}
    where: dict[str, tuple[str, str]] = {}
    for a in answers:
        if a.signal is None:
            continue
        tier = "signal" if a.signal == "gold" and tiers == ["signal"] else a.signal
        field, place = a.signal_place()
        if tier not in tiers:
            if tiers == ["signal"]:
                hint = "It has signals of one kind: write signal, or use the first signal list."
            elif tiers:
                hint = f"Its signals this season: {' and '.join(_kind(t) for t in tiers)}."
            else:
                hint = "It has no signals this season: leave the signal out."
            raise InputError(
                f"{place}: {name} has no {_kind(tier)} this season", field=field, hint=hint
            )
        out[a.program_id] = tier
        where[tier] = (field, place)
    for tier in tiers:
        sent = sum(t == tier for t in out.values())
        allowed = ctx.signal_counts.get(tier, 0)
        if sent > allowed:
            raise InputError(
                f"{sent} programs are marked with a {_kind(tier)}; {name} allows {allowed} "
                "this season",
                field=where[tier][0],
                hint="Mark only the programs you really signaled.",
            )
    return out


def _kind(tier: str) -> str:
    """A tier in words: 'gold signal', 'silver signal', 'signal' for the one kind."""
    return "signal" if tier == "signal" else f"{tier} signal"


def _unrated(answers: Sequence[Answer], index: dict[str, int]) -> list[str]:
    """The note on the programs of the list without published interview rates: an invitation
    from one counts as an interview, but no answer of theirs is read as evidence of strength,
    and a silent one is not expected to invite; said with the direction."""
    missing = [a for a in answers if a.program_id not in index and a.status != "withdrawn"]
    if not missing:
        return []
    count = {s: sum(a.status == s for a in missing) for s in ("invited", "rejected", "waiting")}
    said = []
    if count["invited"]:
        said.append(f"{count['invited']} invited you: counted as an interview")
    if count["waiting"]:
        said.append(
            f"{count['waiting']} may still invite you, which the chance does not expect, so it "
            "is likely higher than shown"
        )
    if count["rejected"]:
        said.append(f"{count['rejected']} turned you down: not weighed")
    n = len(missing)
    return [
        f"{n} program{'s' if n > 1 else ''} of your list publish{'' if n > 1 else 'es'} no "
        "interview rates, so SmartPick cannot read their answers as signs of your strength ("
        + "; ".join(said)
        + ")"
    ]


def _check_answers(
    services: Services, answers: Sequence[Answer], today: dt.date, key: str, name: str
) -> None:
    """Every row names a program of the specialty once, with no answer from the future."""
    seen: dict[str, int] = {}
    for a in answers:
        program = services.programs_by_id.get(a.program_id)
        if program is None:
            raise InputError(
                f"line {a.line}: no program has the ACGME id {a.program_id}",
                field=FIELD,
                hint=f"Check the id against the program's page. {IDS_HINT}",
            )
        if program.specialty_key != key:
            other = services.resolve_specialty(program.specialty_key).name
            raise InputError(
                f"line {a.line}: {a.program_id} ({program.name}) is a {other} program, not {name}",
                field=FIELD,
                hint="Give one specialty's list at a time: the profile's specialty.",
            )
        if a.program_id in seen:
            raise InputError(
                f"lines {seen[a.program_id]} and {a.line} both list {a.program_id}",
                field=FIELD,
                hint="Keep one row a program, with its latest answer.",
            )
        seen[a.program_id] = a.line
        if a.date is not None and a.date > today:
            raise InputError(
                f"line {a.line}: the date {a.date.isoformat()} is after today "
                f"({today.isoformat()})",
                field=FIELD,
                hint="Write the day the answer came, or check the date taken as today.",
            )


def season_progress(dates: dict[str, dt.date], today: dt.date) -> tuple[float, float]:
    """The share of the invitation season gone by `today` and the share of its invitations
    sent (core.plan.midseason)."""
    elapsed = season_elapsed(today, dates["review"], dates["rol_deadline"])
    return elapsed, invitations_sent(elapsed)


def invitations_sent_by(services: Services, season: int, service: str, today: dt.date) -> float:
    """The share of the season's interview invitations sent by `today` (0 before programs
    start reviewing): how `plan --interviews` reads the programs that have not answered."""
    return season_progress(_dates(services, season, service), today)[1]


def _dates(services: Services, season: int, service: str) -> dict[str, dt.date]:
    """The season's dates the answers are read against: programs' first review, the NRMP
    registration and rank order list deadlines, Match Week."""
    review, _ = review_start(services, season, service)
    rows = season_calendar(services, season)
    found = {
        r["event_key"]: dt.date.fromisoformat(r["date"])
        for r in rows
        if r["service"] == "NRMP" and r["event_key"]
    }
    if "rol_deadline" not in found:
        raise InputError(f"the dataset has no rank order list deadline for the {season} Match")
    return {"review": review, **found}


def assumption(dates: dict[str, dt.date], elapsed: float, sent: float) -> str:
    """How silence is read, in plain words, with today's numbers."""
    return (
        f"SmartPick's assumption: the invitation season runs from the day programs start "
        f"reviewing ({dates['review'].isoformat()}) to the rank order list deadline "
        f"({dates['rol_deadline'].isoformat()}), and invitations are sent mostly early: after "
        f"a share e of that season, a share 1 - (1 - e)^{FRONT_LOADING:g} of them have gone out. "
        f"Today {elapsed:.0%} of the season has gone and about {sent:.0%} of the invitations "
        f"have been sent, so {_silence(sent)}; an application sent today is discounted the "
        "same way. No published count of invitations by date was found: the curve is chosen "
        "so as not to overstate late invitations"
    )


def _silence(sent: float) -> str:
    """What a program's silence means with a share `sent` of the invitations out."""
    if sent < 0.005:
        return "silence says nothing yet: a program that has not answered may still invite you"
    if sent < 0.5:
        return (
            "a program that has not answered keeps most of its chance of inviting you, a little "
            "less each week"
        )
    return "a program that has not answered invites you later only with a small chance"


def _additions(
    services: Services, ctx: Any, season: int, out: Outlook, applied: int
) -> list[dict[str, Any]]:
    """The best programs to add now, each with the fee of adding it after the applications
    already sent, and whether it adds more chance than its fee is worth."""
    schedule, _ = fee_schedule(services, ctx.service, season)
    rows = []
    for k, added in enumerate(out.added):
        program = ctx.programs[added.program]
        n = applied + k + 1
        fee = cost(schedule, n) - cost(schedule, n - 1)
        rows.append(
            {
                "program_id": program.acgme_id,
                "name": program.name,
                "state": program.state,
                "p_interview": round(added.p_interview, 4),
                "fee": round(fee, 2),
                "adds": round(max(added.adds, 0.0), 4),
                "worth_it": added.adds * COST_OF_NOT_MATCHING.value >= fee,
            }
        )
    # Worth it in order: the first one that is not ends the recommended additions.
    for k, row in enumerate(rows):
        if not row["worth_it"]:
            for later in rows[k:]:
                later["worth_it"] = False
            break
    return rows
