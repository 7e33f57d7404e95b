"""What the applicant prefers or already knows, on top of the plan: worths from ratings and
regions, the ERAS geographic preference, a parallel plan with the backup specialty, and the
update from interview invitations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smartpick.core.fees import cost
from smartpick.core.geography import (
    choices,
    connection_offsets,
    geo_prior,
    normalize_state,
    offsets,
)
from smartpick.core.model.evaluation import Array, Context
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.plan.options import best_split
from smartpick.core.plan.report import chance_at
from smartpick.core.plan.solution import Solution, decode
from smartpick.core.profile import Profile
from smartpick.errors import InputError
from smartpick.services.context import build_context
from smartpick.services.solution import MAX_CURVE, assistance_for, choose_count, solve

if TYPE_CHECKING:
    from smartpick.services import Services

CONNECTIONS = 3  # ResidencyCAS: up to three geographic connections (signals.csv, 2026)
PARALLEL_BELOW = 0.80  # a parallel plan is made when the preferred chance is under this
BACKUP_VALUE = 0.5  # matching in the backup, against 1 for the preferred and 0 for none
OTHER_REGION_VALUE = 0.5  # a program outside the preferred divisions, against 1 inside


def choose_geography(
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
    if geography == "none":
        return ctx, None
    if isinstance(geography, str) and geography != "auto":
        raise InputError(
            f"geography '{geography}': auto, none or census divisions", field="geography"
        )
    if ctx.service != "ERAS":
        raise InputError(
            f"geographic preferences are an ERAS choice; {ctx.specialty} uses "
            f"{ctx.service}, where you state geographic connections instead",
            field="geography",
            hint="Give up to three states you have ties to.",
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
    base = solve(services, ctx, profile, season, limit, signals, utility)
    n = choose_count(
        services, base, profile.step2, target, applications, budget, COST_OF_NOT_MATCHING.value,
        cautious=False,
    )["n"]  # fmt: skip
    scored = []
    for stated in candidates_:
        trial = replace(ctx, away=ctx.away + offsets(divisions, stated, prior))
        sol = solve(services, trial, profile, season, n, signals, utility)
        scored.append((chance_at(sol, n), stated))
    scored.sort(key=lambda x: (-x[0], len(x[1])))
    best_p, best = scored[0]
    chosen = replace(ctx, away=ctx.away + offsets(divisions, best, prior))
    return chosen, {
        "divisions": list(best),
        "p_match_at": n,
        "p_match": round(best_p, 4),
        "p_match_no_preference": round(chance_at(base, n), 4),
        "alternatives": [{"divisions": list(d), "p_match": round(p, 4)} for p, d in scored[1:4]],
        "prior": prior.source,
        "method": "every choice of none or one to three census divisions tried"
        if geography == "auto"
        else "the divisions given",
    }


def apply_connections(
    services: Services, ctx: Context, connections: Sequence[str]
) -> tuple[Context, dict[str, Any] | None]:
    """The context with ResidencyCAS geographic connections applied (up to three states the
    applicant has ties to), and what was applied.

    The dataset says ResidencyCAS replaces ERAS's geographic preferences with these
    connections (signals.csv, 2026) but has no effect size for them in ResidencyCAS: the
    prior of an aligned ERAS preference is carried over to programs in a connected state,
    and said. The one published odds ratio for a geographic connection (5.3, diagnostic
    radiology applicants in Texas STAR) is observational, in another specialty, and not
    used."""
    if not connections:
        return ctx, None
    if ctx.service != "ResidencyCAS":
        raise InputError(
            f"geographic connections are a ResidencyCAS choice; {ctx.specialty} uses {ctx.service}",
            field="connections",
            hint="For ERAS, state up to three census divisions as your geographic preference, "
            "or let SmartPick choose them.",
        )
    states = []
    for entry in connections:
        code = normalize_state(entry)
        if code is None:
            raise InputError(
                f"connection '{entry}': a US state or territory, as a code (TX) or a name",
                field="connections",
            )
        if code not in states:
            states.append(code)
    if len(states) > CONNECTIONS:
        raise InputError(
            f"{len(states)} connections: ResidencyCAS takes up to {CONNECTIONS}",
            field="connections",
        )
    prior = geo_prior(services.dataset.rows("evidence"))
    program_states = [p.state for p in ctx.programs]
    applied = replace(ctx, away=ctx.away + connection_offsets(program_states, states, prior))
    return applied, {
        "connections": states,
        "programs_in_connected_states": sum(s in states for s in program_states),
        "odds_ratio": round(math.exp(prior.inside), 2),
        "prior": "the odds ratio of an aligned ERAS geographic preference against none "
        f"({prior.source}), carried over: the dataset has no effect size for ResidencyCAS "
        "connections; programs elsewhere are unchanged",
    }


def parallel_plan(
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
    fee_assistance: bool = False,
) -> dict[str, Any]:
    """A split of the applications between the preferred and the backup specialty, when the
    preferred chance is under the threshold. With `fee_assistance`, the AAMC discount applies
    to whichever side uses ERAS, its covered applications counted over both.

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
            f"{threshold:.0%}: name a backup specialty for a parallel plan",
        }
    spec_b = services.resolve_specialty(profile.backup_specialty, "backup_specialty")
    notes: list[str] = []
    profile_b = profile.model_copy(update={"specialty": spec_b.key, "away_rotations": []})
    ctx_b = build_context(services, profile_b, spec_b.key, season, notes)
    if ctx_b is None:
        return {"needed": True, "available": False, "backup": spec_b.name, "notes": notes}
    limit_b = min(int((ctx_b.allowed > 0).sum()), MAX_CURVE)
    sol_b = solve(services, ctx_b, profile_b, season, limit_b, signals)
    costs_a = [cost(sol.schedule, h) for h in range(sol.miss.shape[0])]
    fap = assistance_for(services, ctx_b.service, season)[0] if fee_assistance else None
    shared = sol.assistance is not None  # the preferred side used the discount too

    def costs_b(before: int) -> list[float]:
        """The backup's fees for every size, after `before` preferred applications (a fee
        discount counts the applications it covers over both specialties)."""
        used = before if shared else 0
        schedule = sol_b.schedule if fap is None else fap.schedule(sol_b.schedule, used)
        return [cost(schedule, h) for h in range(sol_b.miss.shape[0])]

    if applications is not None:
        total_n: int | None = applications
        total_cost = float("inf")
    else:
        total_n = None
        total_cost = budget if budget is not None else float(report["cost_usd"])
    unchanged = costs_b(0)
    best, frontier = best_split(
        sol,
        sol_b,
        costs_a,
        costs_b if fap is not None else (lambda _: unchanged),
        total_n,
        total_cost,
        backup_value,
    )
    if best is None:
        return {
            "needed": True,
            "available": False,
            "backup": spec_b.name,
            "why": "no split fits the budget",
        }
    h1, h2 = best.preferred, best.backup
    cost_b = costs_b(h1)
    pref, anywhere = best.p_preferred, best.p_any
    chosen_b, sig_b = decode(sol_b.every[h2 - 1]) if h2 else ([], {})
    return {
        "needed": True,
        "available": True,
        "backup": spec_b.name,
        "split": {
            "preferred": h1,
            "backup": h2,
            "cost_usd": round(costs_a[h1] + cost_b[h2], 2),
        },
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
        "frontier": [
            {
                "preferred": split.preferred,
                "backup": split.backup,
                "p_preferred": round(split.p_preferred, 4),
                "p_any": round(split.p_any, 4),
            }
            for split in frontier
        ],
        "method": "every split of the budget tried, each side its specialty's best list of "
        "that size, backup programs ranked below preferred ones, scored under the strength "
        f"both share; value = P(preferred) + {backup_value:g} x P(backup only)",
        "notes": notes,
    }
