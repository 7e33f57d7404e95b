"""The plan use case: the best list of programs for the money, with signals (METHODS §2).

The goal is the chance of matching (every program worth the same). The exact joint program
of applications and signals (core.plan.optimize.signal_dp) runs on each program's chance averaged
over the applicant's strength; every list it gives is then scored under correlated strength
(the chance of matching integrates over the strength nodes), which is the number shown.
Without signals, greedy under correlation (core.plan.optimize.mixture_greedy) gives the list with
a certified gap to the best possible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from smartpick.core.catalog import VISA_ANSWER, visa_fit, visa_source
from smartpick.core.fees import cost
from smartpick.core.model.evaluation import Context
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.plan.options import list_value, season_update, utilities
from smartpick.core.plan.report import (
    Line,
    certificate,
    chance_curve,
    list_intervals,
    list_outcome,
)
from smartpick.core.plan.solution import Solution, decode
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.results import Plan
from smartpick.errors import InputError
from smartpick.services.chances import USED, typical_applications
from smartpick.services.context import build_context, parameter_draws
from smartpick.services.fees import registration, transcript_fees
from smartpick.services.header import report_header
from smartpick.services.memo import remembered
from smartpick.services.midseason import invitations_sent_by
from smartpick.services.pgy1 import DEFAULT_KINDS, pgy1_plan
from smartpick.services.plan_options import (
    BACKUP_VALUE,
    OTHER_REGION_VALUE,
    PARALLEL_BELOW,
    apply_connections,
    choose_geography,
    parallel_plan,
)
from smartpick.services.scores import scored
from smartpick.services.solution import assistance_for, choose_count, plan_limit, solve

if TYPE_CHECKING:
    from smartpick.services import Services

# The columns of the list when it is exported (CSV on the command line and the web).
LIST_COLUMNS = (
    "program_id",
    "name",
    "city",
    "state",
    "tier",
    "signal",
    "entry_level",
    "p_interview",
    "p_match_alone",
    "p_end_here",
    "loo_delta",
    "reason",
    "visa",
    "us_img_interview_rate",
    "non_us_img_interview_rate",
    "list",
)
MAIN_LIST, PGY1_LIST = "main", "PGY-1 year"


def list_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan's rows as the CSV has them: the list, then its PGY-1 year where it has one
    (their chances a prior, their ids NRMP codes; the `list` column says which)."""
    rows = [{**p.model_dump(), "list": MAIN_LIST} for p in plan.programs]
    extra = plan.pgy1_plan
    if extra is None:
        return rows
    signalled = {code for s in extra.signals for code in s.programs}
    for p in extra.programs:
        rows.append(
            {
                "program_id": p.program_id,
                "name": p.name,
                "city": p.city,
                "state": p.state,
                "tier": "",
                "signal": "signal" if p.program_id in signalled else None,
                "entry_level": "PGY-1",
                "p_interview": p.p_interview,
                "p_match_alone": p.p_match_alone,
                "reason": f"prior from {p.p_interview_basis}; {p.nearness}",
                "visa": p.visa,
                "list": PGY1_LIST,
            }
        )
    return rows


def nrmp_fees(services: Services, season: int, ranks: float) -> dict[str, Any]:
    """The NRMP registration fee of the season (services.fees.registration, with its status)
    and the fee for ranks beyond 20, for a rank order list of `ranks` programs."""
    rows = services.dataset.rows("fees")
    fee = registration(services, season)
    extra = next(
        (r for r in rows if r["service"] == "NRMP" and r["item"] == "additional ranks beyond 20"),
        None,
    )
    per_rank = float(extra["amount_usd"]) if extra else None
    beyond = max(0, round(ranks) - 20)
    out: dict[str, Any] = {
        "registration_usd": fee["amount_usd"] if fee else None,
        "registration_status": fee["status"] if fee else "not in the dataset",
        "registration_source": fee["source"] if fee else "",
        "extra_ranks": beyond,
        "extra_ranks_usd": beyond * per_rank if per_rank is not None else None,
        "ranks_assumed": "one rank per expected interview",
    }
    if fee is not None and out["extra_ranks_usd"] is not None:
        out["total_usd"] = fee["amount_usd"] + out["extra_ranks_usd"]
    return out


@remembered
def plan_report(
    services: Services,
    profile: Profile,
    applications: int | None = None,
    budget: float | None = None,
    signals: str = "auto",
    target: float = 0.9,
    parallel_below: float = PARALLEL_BELOW,
    backup_value: float = BACKUP_VALUE,
    interviews: Sequence[str] = (),
    ratings: Mapping[str, float] | None = None,
    divisions: Sequence[int] = (),
    other_region_value: float = OTHER_REGION_VALUE,
    geography: str | Sequence[int] = "none",
    fee_assistance: bool = False,
    connections: Sequence[str] = (),
    cost_of_not_matching: float = COST_OF_NOT_MATCHING.value,
    pgy1_kinds: Sequence[str] = DEFAULT_KINDS,
) -> Plan:
    """`geography`: "none" (no ERAS geographic preference), "auto" (the best of the 130
    choices for the chance of matching) or the divisions to state; `fee_assistance`: the
    applicant has the AAMC Fee Assistance Program's ERAS discount; `cost_of_not_matching`:
    what a lost year costs the applicant, in dollars (core.plan.decision); `pgy1_kinds`: the
    PGY-1 years to plan for advanced programs (services.pgy1)."""
    if not 0 < cost_of_not_matching <= 10_000_000:
        raise InputError(
            f"cost of not matching {cost_of_not_matching:g}: a dollar amount above 0 "
            f"(the default, ${COST_OF_NOT_MATCHING.value:,.0f}, is {COST_OF_NOT_MATCHING.what})",
            field="cost_of_not_matching",
        )
    if not 0 < backup_value < 1:
        raise InputError(
            f"backup value {backup_value}: between 0 and 1 (matching in the "
            "preferred specialty is worth 1, not matching 0)",
            field="backup_value",
        )
    if applications is not None and budget is not None:
        raise InputError("give a number of applications or a budget, not both")
    if not 0 < target < 1:
        raise InputError(f"target {target}: a chance between 0 and 1 (0.9 is 90%)", field="target")
    scoring = scored(services, profile)
    profile = scoring.profile
    spec, season, header = report_header(services, profile)
    if scoring.flag:
        header["flags"].insert(0, scoring.flag)
    report: dict[str, Any] = {
        **header,
        "not_modelled": [f for f in Profile.model_fields if f not in USED],
        "notes": [],
        "programs": [],
    }
    if header["retake"] is not None:
        report["notes"].append(
            "the Step 2 CK score is under the passing mark: no list and no chance are given "
            "until you have a passing score (see the retake path)"
        )
        return Plan.model_validate(report)
    ctx = build_context(services, profile, spec.key, season, report["notes"])
    if ctx is None:
        return Plan.model_validate(report)
    assistance = None
    if fee_assistance:
        assistance, fap_notes = assistance_for(services, ctx.service, season)
        report["notes"] += fap_notes
    report["fee_assistance"] = (
        None
        if assistance is None
        else {"share_paid": round(assistance.share_paid, 4), "covered": assistance.covered}
    )
    limit = plan_limit(services, ctx, season, applications, budget, assistance)
    utility = utilities(ctx, ratings or {}, divisions, other_region_value, report["notes"])
    ctx, report["connections"] = apply_connections(services, ctx, connections)
    ctx, report["geography"] = choose_geography(
        services,
        ctx,
        profile,
        season,
        limit,
        signals,
        utility,
        geography,
        target,
        applications,
        budget,
    )
    sol = solve(services, ctx, profile, season, limit, signals, utility, assistance)
    report["notes"] += sol.fee_notes
    schedule = sol.schedule
    curve = [
        {"n": h, "cost": round(cost(schedule, h), 2), "p_match": round(p, 4)}
        for h, p in enumerate(chance_curve(sol), start=1)
    ]
    lists = {h: decode(sol.every[h - 1]) for h in range(1, limit + 1)}
    if sol.utility is not None:
        for h, point in enumerate(curve, start=1):
            point["value"] = round(list_value(sol, *lists[h]), 4)
    recommended = choose_count(
        services, sol, profile.step2, target, applications, budget, cost_of_not_matching
    )
    lower = recommended.pop("lower")
    for point, low in zip(curve, lower, strict=True):
        point["p_match_low"] = round(float(low), 4)
    recommended["cost_of_not_matching_source"] = (
        f"{COST_OF_NOT_MATCHING.what}; {COST_OF_NOT_MATCHING.source}"
        if cost_of_not_matching == COST_OF_NOT_MATCHING.value
        else "your own figure"
    )
    _dollars_per_point(curve, recommended)
    report["curve"] = curve
    report["recommended_applications"] = recommended
    report["typical_applications"] = typical_applications(services, ctx)
    if budget is not None:
        report["budget_usd"] = budget
        report["unspent_usd"] = round(budget - cost(schedule, recommended["n"]), 2)
    chosen, sig = lists[recommended["n"]]
    if not chosen:  # no program gives a chance worth a place on the list
        report["notes"].append(
            "no program of the specialty gives you a chance of matching at this score: "
            "SmartPick recommends no list; see the Step 2 CK advice and consider a backup "
            "specialty"
        )
        report["recommended_applications"] = None
        return Plan.model_validate(report)
    report |= _list_report(ctx, profile, sol, chosen, sig)
    report["flags"] = [*report["flags"], *_visa_flags(profile, report["programs"])]
    if profile.visa != "none":
        report["notes"].append(VISA_KINDS)
    programs = [int(sol.sub[j]) for j in chosen]
    spread = list_intervals(
        services.evaluator,
        ctx,
        parameter_draws(services, ctx),
        profile.step2,
        programs,
        [sol.tiers[sig[j] - 1] if j in sig else None for j in chosen],
    )
    report["p_match_interval"] = [round(v, 4) for v in spread.p_match]
    by_id = {
        ctx.programs[i].acgme_id: [round(lo, 4), round(hi, 4)]
        for i, (lo, hi) in zip(programs, spread.p_interview, strict=True)
    }
    for row in report["programs"]:
        row["p_interview_interval"] = by_id[row["program_id"]]
    advanced = [
        services.programs_by_id[p["program_id"]]
        for p in report["programs"]
        if p["entry_level"] == "advanced"
    ]
    # The chance of matching at an advanced program of the list: the one a PGY-1 year serves.
    p_advanced = sum(p["p_end_here"] for p in report["programs"] if p["entry_level"] == "advanced")
    if advanced:
        report["pgy1"] = (
            f"{len(advanced)} of the programs are advanced (they start at PGY-2): you also need "
            "a PGY-1 year, preliminary or transitional, applied to separately and ranked on a "
            "supplemental list for each advanced program"
        )
        report["pgy1_plan"] = pgy1_plan(
            services, profile, season, advanced, (p_advanced, report["p_match"]), target,
            cost_of_not_matching, pgy1_kinds,
        )  # fmt: skip
        extra = report["pgy1_plan"]
        if budget is not None and extra and extra["cost_usd"] > report["unspent_usd"]:
            report["notes"].append(
                f"your budget of ${budget:,.0f} is spent on the advanced list; the PGY-1 list "
                f"costs ${extra['cost_usd']:,.0f} more, in ERAS fees of its own: plan the "
                "budget for both, or give a smaller one to the advanced list"
            )
    if not sol.tiers:
        bound = certificate(sol, recommended["n"])
        report["certificate"] = {
            "value_greedy": round(bound.value_greedy, 4),
            "upper_bound": round(bound.upper_bound, 4),
            "certified_gap": round(bound.certified_gap, 4),
        }
    if sol.utility is not None:
        report["goal"] = "expected value of where you match (your ratings and regions)"
        report["value"] = round(list_value(sol, chosen, sig), 4)
    else:
        report["goal"] = "the chance of matching"
    report["signals"] = {
        t: {"allowed": ctx.signal_counts[t], "used": sum(1 for v in sig.values() if v == i + 1)}
        for i, t in enumerate(sol.tiers)
    }
    report["service"] = ctx.service
    report["nrmp_fees"] = nrmp_fees(services, season, report["expected_interviews"])
    report["transcript_fees"] = transcript_fees(services, season, ctx.service, profile)
    report["total_cost_usd"] = (
        report["cost_usd"]
        + sum(f["amount_usd"] for f in report["transcript_fees"])
        + report["nrmp_fees"].get("total_usd", 0.0)
        + (report["pgy1_plan"]["cost_usd"] if report.get("pgy1_plan") else 0.0)
    )
    report["fees"] = [
        {"from": t.first, "to": t.last, "amount_usd": t.amount, "unit": t.unit} for t in schedule
    ]
    report["method"] = (
        "exact joint program of applications and signals on each program's chance averaged "
        "over your strength; every list scored under correlated strength"
    )
    if interviews:
        sent = invitations_sent_by(services, season, ctx.service, services.config.today)
        report["season_update"] = season_update(sol, chosen, sig, interviews, sent)
    report["parallel"] = parallel_plan(
        services,
        profile,
        season,
        sol,
        report,
        applications,
        budget,
        signals,
        parallel_below,
        backup_value,
        fee_assistance,
    )
    return Plan.model_validate(report)


def _list_report(
    ctx: Context,
    profile: Profile,
    sol: Solution,
    chosen: list[int],
    sig: dict[int, int],
) -> dict[str, Any]:
    """The recommended list in your order of preference (core.plan.report.list_outcome)."""
    result = list_outcome(sol, chosen, sig)
    rows = []
    for line in result.lines:
        program = ctx.programs[line.program]
        rows.append(
            {
                "program_id": program.acgme_id,
                "name": program.name,
                "city": program.city,
                "state": program.state,
                "p_interview": round(line.p_interview, 4),
                "p_match_alone": round(line.p_match_alone, 4),
                "p_end_here": round(line.p_end_here, 4),
                "loo_delta": round(line.loo_delta, 4),
                "tier": line.tier,
                "entry_level": program.entry_level,
                "signal": sol.tiers[line.signal - 1] if line.signal else None,
                "reason": _reason(ctx, profile, line, sol.tiers),
                "visa": VISA_ANSWER[visa_fit(program, profile.visa)],
                "visa_source": visa_source(program, profile.visa),
                "us_img_interview_rate": program.us_img_interview_rate,
                "non_us_img_interview_rate": program.non_us_img_interview_rate,
            }
        )
    n = len(rows)
    return {
        "p_match": round(result.p_match, 4),
        "expected_interviews": round(result.expected_interviews, 2),
        "interviews_10_90": list(result.interviews_10_90),
        "applications": n,
        "cost_usd": round(cost(sol.schedule, n), 2),
        "programs": rows,
    }


# What the two visas ask (said on a plan for an applicant who needs one).
VISA_KINDS = (
    "visa: the J-1 is sponsored by ECFMG for clinical training, and a program need only accept "
    "it; the H-1B is the program's own petition, fewer programs offer it, and it needs USMLE "
    "Step 3 passed (in practice before programs rank)"
)


def _visa_flags(profile: Profile, rows: list[dict[str, Any]]) -> list[str]:
    """For a visa need: how many listed programs have unknown sponsorship, said at the top."""
    if profile.visa == "none":
        return []
    name = {"j1": "J-1", "h1b": "H-1B", "either": "J-1 or H-1B"}.get(profile.visa, profile.visa)
    unknown = sum(r["visa"] == "unknown" for r in rows)
    if not unknown:
        return []
    return [
        f"visa: {unknown} of the {len(rows)} programs on your list have unknown {name} "
        "sponsorship (SmartPick has it only for the Internal Medicine programs in FREIDA's "
        "data); "
        "programs known not to sponsor it are left out. Check each program's policy before "
        "you apply: your chance is likely lower than shown if some do not sponsor"
    ]


def _reason(ctx: Context, profile: Profile, line: Line, tiers: list[str]) -> str:
    """One line, one number, its origin."""
    p_interview, j = line.p_interview, line.program
    if line.signal:
        tier = tiers[line.signal - 1]
        basis = (
            "the program's own signal rates"
            if ctx.tiers.get(tier) is None
            else "the published effect of a signal: the program publishes no signal rate"
        )
        return (
            f"{signal_name(tier)}: raises your interview chance from "
            f"{line.p_before_signal:.0%} to {p_interview:.0%} (SmartPick's estimate from "
            f"{basis})"
        )
    if ctx.in_state[j] > 0:
        return (
            f"in-state school: your interview chance here is {p_interview:.0%} "
            "(SmartPick's estimate from the program's in-state rates)"
        )
    if visa_fit(ctx.programs[j], profile.visa) == "sponsors":
        return (
            f"sponsors the visa you need (FREIDA); your interview chance here is "
            f"{p_interview:.0%} (SmartPick's estimate)"
        )
    kind = APPLICANT_TYPES[ctx.applicant_type]
    if line.half_score is None:
        return f"interview chance {p_interview:.0%} (SmartPick's estimate)"
    return (
        f"SmartPick's estimate: a {kind} with Step 2 CK about {line.half_score:.0f} has an "
        "even chance of an interview here"
    )


def _dollars_per_point(curve: list[dict[str, Any]], recommended: dict[str, Any]) -> None:
    """What each application adds costs per point (percentage point) of the chance of
    matching: its fee over the points it adds (None where it adds none); and the same for
    the recommended count's last application and for its whole list."""
    before_cost, before_p = 0.0, 0.0
    for point in curve:
        gain = 100 * (point["p_match"] - before_p)
        fee = point["cost"] - before_cost
        point["usd_per_point"] = round(fee / gain, 2) if gain > 0 else None
        before_cost, before_p = point["cost"], point["p_match"]
    chosen = curve[recommended["n"] - 1] if curve else None
    recommended["usd_per_point"] = None if chosen is None else chosen["usd_per_point"]
    recommended["usd_per_point_average"] = (
        round(chosen["cost"] / (100 * chosen["p_match"]), 2)
        if chosen is not None and chosen["p_match"] > 0
        else None
    )


# The options plan_report takes beyond the profile and the count or budget
PREFERENCES = {
    "signals",
    "target",
    "parallel_below",
    "backup_value",
    "interviews",
    "ratings",
    "divisions",
    "other_region_value",
    "geography",
    "fee_assistance",
    "connections",
    "cost_of_not_matching",
}


def signal_name(tier: str) -> str:
    """ "gold signal", "silver signal", and a single tier's "signal" (not "signal signal")."""
    return "signal" if tier == "signal" else f"{tier} signal"
