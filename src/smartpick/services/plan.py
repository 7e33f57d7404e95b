"""The plan use case: the best list of programs for the money, with signals (METHODS §2).

The goal is the chance of matching (every program worth the same). The exact joint program
of applications and signals (core.optimize.signal_dp) runs on each program's chance averaged
over the applicant's strength; every list it gives is then scored under correlated strength
(the chance of matching integrates over the strength nodes), which is the number shown.
Without signals, greedy under correlation (core.optimize.mixture_greedy) gives the list with
a certified gap to the best possible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.fees import Tier, cost, most_programs
from smartpick.core.interview import anchor
from smartpick.core.model import Params, Pool, conversion, interview, strength, variance
from smartpick.core.optimize import candidates, mixture_greedy, signal_dp
from smartpick.core.outcomes import outcomes
from smartpick.core.profile import APPLICANT_TYPES, Profile, parse_profile
from smartpick.core.seasons import fee_tiers
from smartpick.errors import InputError
from smartpick.services.chances import (
    USED,
    Context,
    Draw,
    build_context,
    matrices,
    parameter_draws,
    population_logits,
    visa_fit,
)
from smartpick.services.standing import report_header

if TYPE_CHECKING:
    from smartpick.services import Services

Array = NDArray[np.float64]
# Tiers by the stand-alone chance of matching at the program (interviewed and ranked high
# enough), the probability that the program alone would give the applicant a match.
LIKELY, TARGET = 0.30, 0.10
KNEE_STEP, KNEE_RUN = 0.0025, 3  # the knee: gains under 0.25 points for 3 programs running
MAX_CURVE = 150  # the curve goes to this many applications at most
PARALLEL_BELOW = 0.80  # a parallel plan is made when the preferred chance is under this
BACKUP_VALUE = 0.5  # matching in the backup, against 1 for the preferred and 0 for none
OTHER_REGION_VALUE = 0.5  # a program outside the preferred divisions, against 1 inside
UNRATED = 5.0  # the rating of a program left unrated when others are rated (1-10)
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
)
FEE_ITEM = {"ERAS": "residency application fee", "ResidencyCAS": "application fee"}


def fee_schedule(services: Services, service: str, season: int) -> tuple[list[Tier], list[str]]:
    """The season's application fee tiers for the service, with how each is known."""
    item = FEE_ITEM.get(service, FEE_ITEM["ERAS"])
    rows = [
        r
        for r in services.dataset.rows("fees")
        if r["service"] == service and r["item"] == item and r["season"].isdigit()
    ]
    tiers, notes = [], []
    for r, dated in fee_tiers(rows, season):
        tiers.append(
            Tier(
                int(r["from_count"] or 1),
                int(r["to_count"]) if r["to_count"] else None,
                float(r["amount_usd"]),
                r["unit"],
            )
        )
        if not dated.published:
            notes.append(f"{service} fee from {r['from_count'] or 1} programs: {dated.status}")
    if not tiers:
        raise InputError(f"the dataset has no {service} fees for the {season} season")
    return tiers, notes


def _geography(
    services: Services,
    ctx: Context,
    profile: Profile,
    season: int,
    limit: int,
    signals: str,
    utility: Array | None,
    geography: str | Sequence[int],
    target: float,
    applications: int | None,
    budget: float | None,
) -> tuple[Context, dict[str, Any] | None]:
    """The context with the ERAS geographic preference applied, and what was chosen."""
    from dataclasses import replace

    from smartpick.services.geography import choices, geo_prior, offsets

    if geography == "none":
        return ctx, None
    if isinstance(geography, str) and geography != "auto":
        raise InputError(
            f"geography '{geography}': auto, none or census divisions", field="geography"
        )
    if ctx.service != "ERAS":
        raise InputError(
            f"geographic preferences are an ERAS choice; {ctx.specialty} uses "
            f"{ctx.service} (its geographic connections are not modelled)",
            field="geography",
        )
    prior = geo_prior(services.dataset.rows("evidence"))
    divisions = [p.census_division for p in ctx.programs]
    if geography == "auto":
        candidates_ = choices(sorted({d for d in divisions if d is not None}))
    else:
        stated = tuple(sorted({int(d) for d in geography}))
        if not 1 <= len(stated) <= 3 or any(not 1 <= d <= 9 for d in stated):
            raise InputError(
                "geographic preferences: one to three census divisions (1-9)", field="geography"
            )
        candidates_ = [stated]
    # The count to compare at: what the plan would recommend without a preference.
    base = _solve(services, ctx, profile, season, limit, signals, utility)
    p_base = 1 - base.miss[1:] @ base.w
    n = _recommend(np.round(p_base, 4), target, applications, budget)["n"]
    scored = []
    for stated in candidates_:
        trial = replace(ctx, away=ctx.away + offsets(divisions, stated, prior))
        sol = _solve(services, trial, profile, season, n, signals, utility)
        scored.append((1 - float(sol.miss[n] @ sol.w), stated))
    scored.sort(key=lambda x: (-x[0], len(x[1])))
    best_p, best = scored[0]
    chosen = replace(ctx, away=ctx.away + offsets(divisions, best, prior))
    return chosen, {
        "divisions": list(best),
        "p_match_at": n,
        "p_match": round(best_p, 4),
        "p_match_no_preference": round(float(p_base[n - 1]), 4),
        "alternatives": [{"divisions": list(d), "p_match": round(p, 4)} for p, d in scored[1:4]],
        "prior": prior.source,
        "method": "every choice of none or one to three census divisions tried"
        if geography == "auto"
        else "the divisions given",
    }


def nrmp_fees(services: Services, season: int, ranks: float) -> dict[str, Any]:
    """The NRMP registration fee of the season (the latest published at or before it) and the
    fee for ranks beyond 20, for a rank order list of `ranks` programs."""
    rows = services.dataset.rows("fees")
    dated = [
        r
        for r in rows
        if r["service"] == "NRMP"
        and r["item"] == "standard registration fee"
        and r["season"].isdigit()
    ]
    chosen = fee_tiers(dated, season)
    extra = next(
        (r for r in rows if r["service"] == "NRMP" and r["item"] == "additional ranks beyond 20"),
        None,
    )
    registration = float(chosen[0][0]["amount_usd"]) if chosen else None
    per_rank = float(extra["amount_usd"]) if extra else None
    beyond = max(0, round(ranks) - 20)
    out: dict[str, Any] = {
        "registration_usd": registration,
        "registration_status": chosen[0][1].status if chosen else "not in the dataset",
        "extra_ranks": beyond,
        "extra_ranks_usd": beyond * per_rank if per_rank is not None else None,
        "ranks_assumed": "one rank per expected interview",
    }
    if registration is not None and out["extra_ranks_usd"] is not None:
        out["total_usd"] = registration + out["extra_ranks_usd"]
    return out


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
) -> dict[str, Any]:
    """`geography`: "none" (no ERAS geographic preference), "auto" (the best of the 130
    choices for the chance of matching) or the divisions to state."""
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
    spec, season, header = report_header(services, profile)
    report: dict[str, Any] = {
        **header,
        "not_modelled": [f for f in Profile.model_fields if f not in USED],
        "notes": [],
        "programs": [],
    }
    ctx = build_context(services, profile, spec.key, season, report["notes"])
    if ctx is None:
        return report
    limit = _limit(services, ctx, season, applications, budget)
    utility = utilities(ctx, ratings or {}, divisions, other_region_value, report["notes"])
    ctx, report["geography"] = _geography(
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
    sol = _solve(services, ctx, profile, season, limit, signals, utility)
    report["notes"] += sol.fee_notes
    schedule = sol.schedule
    p_curve = 1 - sol.miss[1:] @ sol.w
    curve = [
        {"n": h, "cost": cost(schedule, h), "p_match": round(float(p_curve[h - 1]), 4)}
        for h in range(1, limit + 1)
    ]
    lists = {h: _decode(sol.every[h - 1]) for h in range(1, limit + 1)}
    if sol.utility is not None:
        for h, point in enumerate(curve, start=1):
            point["value"] = round(_list_value(sol, *lists[h]), 4)
    w, p0, p_tier, q, sub, tiers = sol.w, sol.p0, sol.p_tier, sol.q, sol.sub, sol.tiers
    f_nodes = sol.f_nodes
    chances = np.array([c["p_match"] for c in curve])
    recommended = _recommend(chances, target, applications, budget)
    report["curve"] = curve
    report["recommended_applications"] = recommended
    usual = (
        services.engine.applications_by_type[ctx.applicant_type] * services.fit.application_scale
    )
    if recommended["n"] < usual:
        report["notes"].append(
            f"{recommended['n']} applications is fewer than the about {usual:.0f} that "
            f"{APPLICANT_TYPES[ctx.applicant_type]}s usually send in a specialty: the chance "
            "for a short list rests on how interviews turn into a match, which the published "
            "figures SmartPick has do not pin down (docs/model.md, known limits); treat it as "
            "optimistic"
        )
    chosen, sig = lists[recommended["n"]]
    report |= _list_report(
        ctx, profile, w, p0, p_tier, q, sub, chosen, sig, tiers, schedule, sol.utility
    )
    report["p_match_interval"], by_id = _interval(services, ctx, profile, sub, chosen, sig, tiers)
    for row in report["programs"]:
        row["p_interview_interval"] = by_id[row["program_id"]]
    advanced = sum(p["entry_level"] == "advanced" for p in report["programs"])
    if advanced:
        report["pgy1"] = (
            f"{advanced} of the programs are advanced (they start at PGY-2): you also need a "
            "PGY-1 year, preliminary or transitional, applied to and ranked on a supplemental "
            "list. SmartPick does not plan that list yet: the dataset has the NRMP preliminary "
            "and transitional tracks but no interview rates for them."
        )
    if not tiers:
        utility_or_ones = sol.utility if sol.utility is not None else np.ones(sub.size)
        report["certificate"] = _certificate(w, f_nodes[0], recommended["n"], utility_or_ones)
    if sol.utility is not None:
        report["goal"] = "expected value of where you match (your ratings and regions)"
        report["value"] = round(_list_value(sol, chosen, sig), 4)
    else:
        report["goal"] = "the chance of matching"
    report["signals"] = {
        t: {"allowed": ctx.signal_counts[t], "used": sum(1 for v in sig.values() if v == i + 1)}
        for i, t in enumerate(tiers)
    }
    report["service"] = ctx.service
    report["nrmp_fees"] = nrmp_fees(services, season, report["expected_interviews"])
    if "total_usd" in report["nrmp_fees"]:
        report["total_cost_usd"] = report["cost_usd"] + report["nrmp_fees"]["total_usd"]
    report["fees"] = [
        {"from": t.first, "to": t.last, "amount_usd": t.amount, "unit": t.unit} for t in schedule
    ]
    report["method"] = (
        "exact joint program of applications and signals on each program's chance averaged "
        "over your strength; every list scored under correlated strength"
    )
    if interviews:
        report["season_update"] = _season_update(sol, chosen, sig, interviews)
    report["parallel"] = _parallel(
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
    )
    return report


WORTH_IT = 0.01  # more applications are worth it when they add at least a point


def _season_update(
    sol: Solution, chosen: list[int], sig: dict[int, int], interviews: Sequence[str]
) -> dict[str, Any]:
    """The chances given the interview invitations received so far, and whether applying to
    more programs is worth it. The invitations are evidence of strength: the strength nodes
    are reweighted by the chance of receiving them. Programs that have not answered keep
    their chance of inviting (optimistic late in the season)."""
    ids = {sol.ctx.programs[i].acgme_id: k for k, i in enumerate(sol.sub)}
    invited = []
    for entry in interviews:
        pid = entry.strip()
        if pid not in ids:
            raise InputError(
                f"interview at '{pid}': not among the programs of the specialty that can take you",
                field="interviews",
                hint="Use the ACGME ids that `smartpick plan` lists.",
            )
        invited.append(ids[pid])
    p_by_option = [sol.p0[:, sol.sub], *[p[:, sol.sub] for p in sol.p_tier]]

    def p_of(j: int) -> Array:
        return p_by_option[sig.get(j, 0)][:, j]

    weight = sol.w * np.prod([p_of(j) for j in invited], axis=0)
    weight = weight / weight.sum()
    q = sol.q
    in_hand = np.prod([1 - q for _ in invited], axis=0)
    pending = [j for j in chosen if j not in invited]
    waiting = np.prod([1 - p_of(j) * q for j in pending], axis=0) if pending else 1.0
    now = 1 - float(weight @ in_hand)
    with_pending = 1 - float(weight @ (in_hand * waiting))
    # The best programs not applied to yet, greedily under the updated strength.
    applied = set(chosen) | set(invited)
    rest = [j for j in range(sol.sub.size) if j not in applied]
    more = []
    if rest:
        f_rest = sol.p0[:, sol.sub[rest]] * q[:, None]
        base = in_hand * waiting
        order = mixture_greedy(weight, f_rest, np.ones(len(rest)), 10).order
        for k in (5, 10):
            picks = order[:k]
            miss = base * np.prod(1 - f_rest[:, picks], axis=1)
            more.append(
                {
                    "programs": len(picks),
                    "p_match": round(1 - float(weight @ miss), 4),
                    "gain": round(1 - float(weight @ miss) - with_pending, 4),
                }
            )
    gain = more[-1]["gain"] if more else 0.0
    advice = (
        f"applying to {more[-1]['programs']} more programs would add about {gain:.0%}: worth it"
        if gain >= WORTH_IT
        else "more applications would add less than a point: not worth it"
    )
    return {
        "interviews": len(invited),
        "p_match_from_interviews": round(now, 4),
        "p_match_with_pending": round(with_pending, 4),
        "more_programs": more,
        "advice": advice,
        "method": "strength reweighted by the invitations received; the list applied to is the "
        "recommended one plus the programs that invited you; programs that have not answered "
        "keep their chance of inviting. How each interview turns into a match is the model's "
        "weakest part (docs/model.md, known limits): the chance from a few interviews is "
        "optimistic",
    }


def _parallel(
    services: Services,
    profile: Profile,
    season: int,
    sol: Solution,
    report: dict[str, Any],
    applications: int | None,
    budget: float | None,
    signals: str,
    threshold: float,
    backup_value: float,
) -> dict[str, Any]:
    """A split of the applications between the preferred and the backup specialty, when the
    preferred chance is under the threshold.

    Method: every split of the budget (or of the count) is tried; each side is that
    specialty's best list of its size (the exact program), the backup ranked below every
    preferred program, and the pair is scored under the strength shared by both (the same
    nodes). The value is P(preferred) + backup_value x P(backup only). Exact over splits
    given each side's best lists; not a joint optimum over both lists at once.
    """
    p = report["p_match"]
    if p >= threshold:
        return {
            "needed": False,
            "why": f"the chance in the preferred specialty, {p:.0%}, is "
            f"at or above {threshold:.0%}",
        }
    if profile.backup_specialty is None:
        return {
            "needed": True,
            "available": False,
            "why": f"the chance in the preferred specialty, {p:.0%}, is under "
            f"{threshold:.0%}: name a backup specialty (--backup) for a parallel plan",
        }
    spec_b = services.resolve_specialty(profile.backup_specialty)
    notes: list[str] = []
    profile_b = profile.model_copy(update={"specialty": spec_b.key, "away_rotations": []})
    ctx_b = build_context(services, profile_b, spec_b.key, season, notes)
    if ctx_b is None:
        return {"needed": True, "available": False, "backup": spec_b.name, "notes": notes}
    limit_b = min(int((ctx_b.allowed > 0).sum()), MAX_CURVE)
    sol_b = _solve(services, ctx_b, profile_b, season, limit_b, signals)
    w = sol.w
    cost_a = np.array([cost(sol.schedule, h) for h in range(sol.miss.shape[0])])
    cost_b = np.array([cost(sol_b.schedule, h) for h in range(sol_b.miss.shape[0])])
    if applications is not None:
        total_n: int | None = applications
        total_cost = float("inf")
    else:
        total_n = None
        total_cost = budget if budget is not None else float(report["cost_usd"])
    best: tuple[float, int, int] | None = None
    frontier = []
    for h1 in range(sol.miss.shape[0]):
        if total_n is not None:
            h2 = total_n - h1
            if not 0 <= h2 < sol_b.miss.shape[0]:
                continue
        else:
            fits = np.flatnonzero(cost_a[h1] + cost_b <= total_cost + 1e-9)
            if fits.size == 0:
                continue
            h2 = int(fits.max())
        pref = 1 - float(w @ sol.miss[h1])
        anywhere = 1 - float(w @ (sol.miss[h1] * sol_b.miss[h2]))
        value = pref + backup_value * (anywhere - pref)
        frontier.append(
            {
                "preferred": h1,
                "backup": h2,
                "p_preferred": round(pref, 4),
                "p_any": round(anywhere, 4),
            }
        )
        if best is None or value > best[0] + 1e-12:
            best = (value, h1, h2)
    if best is None:
        return {
            "needed": True,
            "available": False,
            "backup": spec_b.name,
            "why": "no split fits the budget",
        }
    _, h1, h2 = best
    pref = 1 - float(w @ sol.miss[h1])
    anywhere = 1 - float(w @ (sol.miss[h1] * sol_b.miss[h2]))
    chosen_b, sig_b = _decode(sol_b.every[h2 - 1]) if h2 else ([], {})
    return {
        "needed": True,
        "available": True,
        "backup": spec_b.name,
        "split": {"preferred": h1, "backup": h2, "cost_usd": float(cost_a[h1] + cost_b[h2])},
        "p_preferred": round(pref, 4),
        "p_backup_only": round(anywhere - pref, 4),
        "p_any": round(anywhere, 4),
        "backup_value": backup_value,
        "backup_programs": [
            {
                "program_id": ctx_b.programs[sol_b.sub[j]].acgme_id,
                "name": ctx_b.programs[sol_b.sub[j]].name,
                "state": ctx_b.programs[sol_b.sub[j]].state,
                "signal": sol_b.tiers[sig_b[j] - 1] if j in sig_b else None,
            }
            for j in chosen_b
        ],
        "frontier": frontier,
        "method": "every split of the budget tried, each side its specialty's best list of "
        "that size, backup programs ranked below preferred ones, scored under the strength "
        f"both share; value = P(preferred) + {backup_value:g} x P(backup only)",
        "notes": notes,
    }


@dataclass(frozen=True)
class Solution:
    """One specialty solved: every program's chances at the strength nodes, and the best list
    and signals for every number of applications up to the limit."""

    ctx: Context
    w: Array
    p0: Array  # (Q, m): P(interview) without a signal
    p_tier: list[Array]  # the same with each tier's signal
    q: Array  # (Q,): P(ranked high enough | interviewed)
    sub: NDArray[np.int64]  # the programs that can take the applicant
    tiers: list[str]
    f_nodes: list[Array]  # (Q, len(sub)) stand-alone chances for each option
    every: NDArray[np.int8]  # (limit, len(sub)): each size's choices
    miss: Array  # (limit + 1, Q): P(no program of the best list of size h won), by node
    schedule: list[Tier]
    fee_notes: list[str]
    utility: Array | None = None  # each program's worth (of len(sub)); None: all worth 1


def _limit(
    services: Services, ctx: Context, season: int, applications: int | None, budget: float | None
) -> int:
    """How many applications to plan for at most."""
    schedule, _ = fee_schedule(services, ctx.service, season)
    allowed = int((ctx.allowed > 0).sum())
    if applications is not None:
        if applications < 1:
            raise InputError("applications: at least 1", field="applications")
        return min(applications, allowed)
    if budget is not None:
        limit = most_programs(schedule, budget, min(allowed, MAX_CURVE))
        if limit == 0:
            raise InputError(
                f"a budget of ${budget:g} pays for no application "
                f"(the first costs ${cost(schedule, 1):g})",
                field="budget",
            )
        return limit
    return min(allowed, MAX_CURVE)


def _solve(
    services: Services,
    ctx: Context,
    profile: Profile,
    season: int,
    limit: int,
    signals: str,
    utility: Array | None = None,
) -> Solution:
    """The exact program on the chances averaged over strength; every size's best list scored
    under correlated strength (log P(none won) at a node sums log(1 - f) over the list)."""
    schedule, fee_notes = fee_schedule(services, ctx.service, season)
    point = Draw(ctx.params, ctx.cells)
    w, p0, q = matrices(ctx, point, profile.step2, None, services.anchors)
    tiers = list(ctx.signal_counts) if signals == "auto" else []
    caps = [ctx.signal_counts[t] for t in tiers]
    p_tier = [matrices(ctx, point, profile.step2, t, services.anchors)[1] for t in tiers]
    sub = np.flatnonzero(ctx.allowed > 0)
    f_nodes = [p[:, sub] * q[:, None] for p in (p0, *p_tier)]
    options = np.column_stack([w @ f for f in f_nodes])
    t = np.ones(sub.size) if utility is None else utility[sub]
    every = np.zeros((limit, sub.size), dtype=np.int8)
    keep = candidates(options, limit) if utility is None else np.arange(sub.size)
    every[:, keep] = signal_dp(t[keep], options[keep], limit, caps).choices()[1:]
    log_miss = np.stack(
        [np.zeros_like(f_nodes[0]), *[np.log1p(-np.minimum(f, 1 - 1e-15)) for f in f_nodes]]
    )  # (1 + options, Q, m)
    nodes, m = f_nodes[0].shape
    gathered = log_miss[
        every[:, None, :], np.arange(nodes)[None, :, None], np.arange(m)[None, None, :]
    ]  # (limit, Q, m)
    miss = np.vstack([np.ones(nodes), np.exp(gathered.sum(axis=2))])
    return Solution(
        ctx,
        w,
        p0,
        p_tier,
        q,
        sub,
        tiers,
        f_nodes,
        every,
        miss,
        schedule,
        fee_notes,
        None if utility is None else t,
    )


def utilities(
    ctx: Context,
    ratings: Mapping[str, float],
    divisions: Sequence[int],
    other_region_value: float,
    notes: list[str],
) -> Array | None:
    """Each program's worth to the applicant, 0-1 (going unmatched is 0): the rating / 10
    (unrated programs 5 when some are rated), times `other_region_value` outside the
    preferred census divisions. None when nothing is given: the goal is then to match."""
    if not ratings and not divisions:
        return None
    ids = {p.acgme_id: j for j, p in enumerate(ctx.programs)}
    worth = np.full(len(ctx.programs), UNRATED / 10 if ratings else 1.0)
    for pid, rating in ratings.items():
        if pid not in ids:
            raise InputError(
                f"rated program '{pid}' is not among the specialty's programs",
                field="rate",
                hint="Use the ACGME ids that `smartpick plan` lists.",
            )
        if not 1 <= rating <= 10:
            raise InputError(
                f"rating {rating:g} for {pid}: use 1 (least wanted) to 10", field="rate"
            )
        worth[ids[pid]] = rating / 10
    if ratings:
        notes.append(f"programs you did not rate count as {UNRATED:g} of 10")
    if divisions:
        if not 0 < other_region_value <= 1:
            raise InputError(
                f"other-region value {other_region_value:g}: between 0 and 1",
                field="other_region_value",
            )
        inside = np.array([p.census_division in divisions for p in ctx.programs])
        worth = np.where(inside, worth, worth * other_region_value)
        notes.append(
            f"a program outside census divisions {', '.join(map(str, sorted(divisions)))} "
            f"counts {other_region_value:g} of one inside (your preference, not a data figure)"
        )
    return np.asarray(worth, dtype=np.float64)


def _list_value(sol: Solution, chosen: list[int], sig: dict[int, int]) -> float:
    """E[worth of where you match] under correlated strength (0 when unmatched)."""
    assert sol.utility is not None
    worth = sol.utility
    order = sorted(chosen, key=lambda j: -worth[j])
    f = np.column_stack([sol.f_nodes[sig.get(j, 0)][:, j] for j in order])
    before = np.cumprod(np.hstack([np.ones((f.shape[0], 1)), 1 - f[:, :-1]]), axis=1)
    return float(sol.w @ ((f * before) @ worth[order]))


def _decode(row: NDArray[np.int8]) -> tuple[list[int], dict[int, int]]:
    """(programs applied to, their signal tiers) from one row of choices."""
    chosen = [int(j) for j in np.flatnonzero(row)]
    return chosen, {j: int(row[j]) - 1 for j in chosen if row[j] > 1}


def _recommend(
    chances: Array, target: float, applications: int | None, budget: float | None
) -> dict[str, Any]:
    """The smallest count reaching the target, the knee, and the count to show."""
    reach = next((i + 1 for i, p in enumerate(chances) if p >= target), None)
    gains = np.diff(np.concatenate([[0.0], chances]))
    knee = next(
        (
            i + 1
            for i in range(len(gains))
            if np.all(gains[i + 1 : i + 1 + KNEE_RUN] < KNEE_STEP)
            and len(gains[i + 1 : i + 1 + KNEE_RUN]) == KNEE_RUN
        ),
        len(chances),
    )
    if applications is not None or budget is not None:
        n, why = len(chances), "the most your number of applications or budget allows"
    elif reach is not None:
        n, why = reach, f"the fewest applications that reach your target of {target:.0%}"
    else:
        n, why = (
            knee,
            (
                f"your target of {target:.0%} is out of reach; past this count each "
                f"program adds less than {KNEE_STEP:.2%} to your chance"
            ),
        )
    return {"n": n, "why": why, "reaches_target": reach, "knee": knee, "target": target}


def _interval(
    services: Services,
    ctx: Context,
    profile: Profile,
    sub: NDArray[np.int64],
    chosen: list[int],
    sig: dict[int, int],
    tiers: list[str],
) -> tuple[list[float], dict[str, list[float]]]:
    """95% intervals (2.5th and 97.5th percentiles) of the list's chance of matching and of
    each program's chance of an interview, under the draws of the parameters and the rates
    that give every interval of `chances`; only the listed programs' intercepts are solved
    for each draw."""
    idx = np.array([sub[j] for j in chosen])
    signal = [tiers[sig[j] - 1] if j in sig else None for j in chosen]
    values = []
    interviews = []
    for draw in parameter_draws(services, ctx, ctx.specialty):
        s, w = strength(draw.params, ctx.pool, profile.step2)
        by_tier = {t: population_logits(ctx, draw.cells, t) for t in set(signal)}
        logits = np.array([by_tier[t][i] for i, t in zip(idx, signal, strict=True)])
        a = anchor(logits, variance(draw.params, ctx.pool)) + ctx.away[idx]
        p = interview(a, s)
        f = p * conversion(draw.params, s)[:, None]
        values.append(float(w @ (1 - np.prod(1 - f, axis=1))))
        interviews.append(w @ p)
    low, high = np.quantile(values, [0.025, 0.975])
    lows, highs = np.quantile(np.array(interviews), [0.025, 0.975], axis=0)
    by_id = {
        ctx.programs[i].acgme_id: [round(float(lo), 4), round(float(hi), 4)]
        for i, lo, hi in zip(idx, lows, highs, strict=True)
    }
    return [round(float(low), 4), round(float(high), 4)], by_id


def _certificate(w: Array, f: Array, h: int, t: Array) -> dict[str, Any]:
    """Greedy under correlation with the certificate bound, at the recommended size."""
    result = mixture_greedy(w, f, t, h)
    return {
        "value_greedy": round(float(result.values[-1]), 4),
        "upper_bound": round(float(result.bounds[-1]), 4),
        "certified_gap": round(float(result.gaps[-1]), 4),
    }


def _tier(f: float) -> str:
    return "likely" if f >= LIKELY else "target" if f >= TARGET else "reach"


def _list_report(
    ctx: Context,
    profile: Profile,
    w: Array,
    p0: Array,
    p_tier: Sequence[Array],
    q: Array,
    sub: NDArray[np.int64],
    chosen: list[int],
    sig: dict[int, int],
    tiers: list[str],
    schedule: list[Tier],
    utility: Array | None = None,
) -> dict[str, Any]:
    """The recommended list in your order of preference: by worth (your ratings and regions)
    when given, then by stand-alone chance."""
    cols = [(p0, *p_tier)[sig.get(j, 0)][:, sub[j]] for j in chosen]
    p = np.column_stack(cols)
    f_alone = w @ (p * q[:, None])
    worth = np.ones(len(chosen)) if utility is None else utility[chosen]
    order = np.lexsort((-f_alone, -worth))
    p = p[:, order]
    picks = [chosen[k] for k in order]
    result = outcomes(w, p, np.repeat(q[:, None], len(picks), axis=1))
    cdf = np.cumsum(result.interviews_pmf)
    half = _half_scores(ctx, np.array([sub[j] for j in picks], dtype=np.int64))
    rows = []
    for k, j in enumerate(picks):
        program = ctx.programs[sub[j]]
        tier = sig.get(j, 0)
        rows.append(
            {
                "program_id": program.acgme_id,
                "name": program.name,
                "city": program.city,
                "state": program.state,
                "p_interview": round(float(result.p_interview[k]), 4),
                "p_match_alone": round(float(result.p_standalone[k]), 4),
                "p_end_here": round(float(result.p_end_up[k]), 4),
                "loo_delta": round(float(result.leave_one_out[k]), 4),
                "tier": _tier(float(result.p_standalone[k])),
                "entry_level": program.entry_level,
                "signal": tiers[tier - 1] if tier else None,
                "reason": _reason(
                    ctx,
                    profile,
                    sub[j],
                    tier,
                    tiers,
                    w,
                    p0,
                    float(result.p_interview[k]),
                    half[k],
                ),
            }
        )
    n = len(picks)
    return {
        "p_match": round(result.p_match, 4),
        "expected_interviews": round(result.expected_interviews, 2),
        "interviews_10_90": [int(np.searchsorted(cdf, 0.1)), int(np.searchsorted(cdf, 0.9))],
        "applications": n,
        "cost_usd": cost(schedule, n),
        "programs": rows,
    }


def _reason(
    ctx: Context,
    profile: Profile,
    j: int,
    tier: int,
    tiers: list[str],
    w: Array,
    p0: Array,
    p_interview: float,
    x50: float | None,
) -> str:
    """One line, one number, its origin; `x50` is the program's half score (_half_scores)."""
    if tier:
        before = float(w @ p0[:, j])
        return (
            f"{tiers[tier - 1]} signal: raises your interview chance from {before:.0%} to "
            f"{p_interview:.0%} (SmartPick's estimate from the program's own signal rates)"
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
    if x50 is None:
        return f"interview chance {p_interview:.0%} (SmartPick's estimate)"
    return (
        f"SmartPick's estimate: a {kind} with Step 2 CK about {x50:.0f} has an even chance "
        "of an interview here"
    )


def _half_scores(ctx: Context, programs: NDArray[np.int64]) -> list[float | None]:
    """The Step 2 CK at which each program interviews half of applicants like this one
    (strength beyond the score at its average): the program's place on the score scale; None
    where that lies beyond four pool deviations."""
    params: Params = ctx.params
    pool: Pool = ctx.pool
    logits = population_logits(ctx, ctx.cells, None)[programs]
    a = anchor(logits, variance(params, pool)) + ctx.away[programs]
    z = -a / params.score_weight
    return [None if abs(v) > 4 else float(pool.centre + pool.sd * v) for v in z]


def plan_for(
    profile: Profile | Mapping[str, Any],
    applications: int | None = None,
    budget: float | None = None,
    season: int | None = None,
) -> dict[str, Any]:
    """The plan of a profile, with the default settings (the Python interface)."""
    from smartpick.services import Services
    from smartpick.settings import load_config

    checked = profile if isinstance(profile, Profile) else parse_profile(dict(profile))
    services = Services(load_config({"season": None if season is None else str(season)}))
    return plan_report(services, checked, applications, budget)
