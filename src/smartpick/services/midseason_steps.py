"""What to do next in the season as it happens, each step with its reason: register, rank,
apply to more programs or not, a backup specialty, write to the programs still silent, and
SOAP if it comes to that (services.midseason computes the numbers these read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from smartpick.core.profile import Profile
from smartpick.services.calendar import season_calendar
from smartpick.services.plan_options import PARALLEL_BELOW
from smartpick.services.program import plain_source

if TYPE_CHECKING:
    from smartpick.services import Services

STILL_WORTH_A_NOTE = 0.05  # a silent program this likely to still invite is worth a letter


def next_steps(
    services: Services,
    profile: Profile,
    specialty: str,
    season: int,
    today: dt.date,
    report: Mapping[str, Any],
    dates: Mapping[str, dt.date],
    worth: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The next steps in plain words (action and reason), and when to add a backup."""
    steps = []
    p_now, left = report["p_match_now"], report["invitations_still_to_come"]
    registration = dates.get("registration_deadline")
    if registration is not None and today <= registration:
        steps.append(
            {
                "action": f"Register for the {season} Match with the NRMP by "
                f"{registration.isoformat()}.",
                "reason": "that is the standard registration deadline; registering later costs "
                "a late fee, and only registered applicants can match or take part in SOAP",
            }
        )
    invited = report["counts"]["invited"]
    if invited:
        steps.append(
            {
                "action": f"Attend your {invited} interview{'s' if invited > 1 else ''} and "
                "rank every program that interviewed you that you would attend, by "
                f"{dates['rol_deadline'].isoformat()}.",
                "reason": f"they give you {report['p_match_from_interviews']:.0%} chance of "
                "matching on their own; each program left off your rank order list only lowers "
                "it",
            }
        )
    if worth:
        fees = sum(a["fee"] for a in worth)
        names = "; ".join(f"{a['name']} ({a['state']})" for a in worth[:3])
        more = f" and {len(worth) - 3} more listed below" if len(worth) > 3 else ""
        steps.append(
            {
                "action": f"Apply now to {len(worth)} more {specialty} program"
                f"{'s' if len(worth) > 1 else ''}: {names}{more}.",
                "reason": f"together they raise your chance from {p_now:.0%} to "
                f"{report['p_match_with_added']:.0%} for ${fees:,.0f} in fees, more than the "
                "fees are worth when a year without a match costs a year's pay; late "
                f"applications get few invitations (about {left:.0%} of the season's "
                "invitations are still to come), and that is counted",
            }
        )
    elif left > 0:
        steps.append(
            {
                "action": f"Do not apply to more {specialty} programs now.",
                "reason": "with about "
                f"{left:.0%} of the season's invitations still to come, no program adds "
                "enough to your chance to be worth its fee",
            }
        )
    silent = sorted(
        (p for p in report["programs"] if p.get("p_still_invites") is not None),
        key=lambda p: -p["p_still_invites"],
    )
    hopeful = [p for p in silent if p["p_still_invites"] >= STILL_WORTH_A_NOTE][:5]
    if hopeful:
        steps.append(
            {
                "action": "Write a short note of continued interest to the programs still "
                "silent that are most likely to invite you: "
                + "; ".join(f"{p['name']} ({p['p_still_invites']:.0%})" for p in hopeful)
                + ".",
                "reason": "each still has at least a "
                f"{STILL_WORTH_A_NOTE:.0%} chance of inviting you later (general advice: a "
                "note does not change SmartPick's numbers)",
            }
        )
    backup = _backup(profile, specialty, p_now, left, services)
    if backup is not None:
        steps.append(backup)
    return {"next_steps": steps, "backup": backup["reason"] if backup else _no_backup(p_now)}


def _backup(
    profile: Profile, specialty: str, p_now: float, left: float, services: Services
) -> dict[str, str] | None:
    """Add a backup specialty when the chance now is under the parallel plan's threshold:
    now, because every week leaves fewer invitations to come."""
    if p_now >= PARALLEL_BELOW:
        return None
    why = (
        f"your chance in {specialty} is {p_now:.0%}, under {PARALLEL_BELOW:.0%}, where "
        "SmartPick makes a parallel plan; the sooner the better: about "
        f"{left:.0%} of the season's invitations are still to come, fewer each week"
    )
    if profile.backup_specialty:
        name = services.resolve_specialty(profile.backup_specialty, "backup_specialty").name
        return {"action": f"Apply now to {name} programs as well, as a backup.", "reason": why}
    return {
        "action": "Choose a backup specialty, less competitive for your profile, and apply to "
        "it now.",
        "reason": why,
    }


def _no_backup(p_now: float) -> str:
    return (
        f"no backup specialty is needed now: your chance, {p_now:.0%}, is at or above "
        f"{PARALLEL_BELOW:.0%}"
    )


SOAP_OFFERED = "main_residency_match:soap_positions_offered"
SOAP_FILLED = "main_residency_match:soap_positions_filled"


def soap_facts(services: Services, season: int, p_match_now: float) -> dict[str, Any]:
    """SOAP if it comes to that: its dates in the season's calendar and the positions it
    offered and filled in the latest year the dataset has at a confidence above unverified
    (else the latest year)."""
    rows = season_calendar(services, season)
    week = next((r for r in rows if r["event_key"] == "match_week"), None)
    rounds = [r for r in rows if r["service"] == "NRMP" and "SOAP offer round" in r["event"]]
    ends = next((r for r in rows if r["service"] == "NRMP" and r["event"] == "SOAP ends"), None)
    figures = [
        r
        for r in services.dataset.rows("specialty_figures")
        if r["metric"] in (SOAP_OFFERED, SOAP_FILLED) and r["value"]
    ]
    known = [r for r in figures if r["confidence"] != "unverified"] or figures
    year = max((int(r["year"]) for r in known), default=None)
    chosen = {r["metric"]: r for r in known if year is not None and int(r["year"]) == year}
    offered, filled = chosen.get(SOAP_OFFERED), chosen.get(SOAP_FILLED)
    sources = sorted(
        {plain_source(r["source"]) for r in (week, *rounds, ends) if r is not None}
        | {plain_source(r["source"]) for r in chosen.values()}
    )
    return {
        "p_needed": round(1 - p_match_now, 4),
        "match_week": _when(week),
        "offer_rounds": [w for w in map(_when, rounds) if w],
        "ends": _when(ends),
        "positions_offered": int(float(offered["value"])) if offered else None,
        "positions_filled": int(float(filled["value"])) if filled else None,
        "positions_year": year if chosen else None,
        "sources": sources,
    }


def _when(row: Mapping[str, str] | None) -> str | None:
    if row is None:
        return None
    time = f" {row['time_et']} ET" if row.get("time_et") else ""
    return f"{row['date']}{time}"


def soap_step(soap: Mapping[str, Any]) -> dict[str, str]:
    """What to prepare for SOAP, said with its dates and last year's positions."""
    week = soap["match_week"] or "Match Week"
    rounds = soap["offer_rounds"]
    when = f"; its offer rounds are on {rounds[0][:10]}" if rounds else ""
    positions = (
        f"; in {soap['positions_year']}, {soap['positions_offered']:,} positions were offered "
        f"through SOAP and {soap['positions_filled']:,} filled"
        if soap["positions_offered"] and soap["positions_filled"]
        else ""
    )
    return {
        "action": "Prepare for SOAP in case you do not match: keep your application up to date "
        "and ask your school now how it helps applicants in Match Week.",
        "reason": f"you have a {soap['p_needed']:.0%} chance of not matching as things stand; "
        f"you learn whether you matched on {week[:10]} and SOAP offers the positions left "
        f"unfilled to applicants who did not match{when}{positions}",
    }
