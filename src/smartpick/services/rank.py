"""The rank order list advisor: for the programs where the applicant interviewed, in their
own order of preference, the chance of matching at each rank, and why ranking by true
preference is best (core.plan.rank)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from smartpick.core.catalog import IDS_HINT, exclusion
from smartpick.core.model.evaluation import Draw
from smartpick.core.plan.rank import Array, order_values, rank_interviews, rated_values
from smartpick.core.profile import Profile
from smartpick.core.results import Ranking
from smartpick.errors import InputError
from smartpick.services.context import build_context
from smartpick.services.header import report_header
from smartpick.services.pgy1 import supplemental_report

if TYPE_CHECKING:
    from smartpick.services import Services

MAX_PROGRAMS = 40


def rank_report(
    services: Services,
    profile: Profile,
    programs: Sequence[str],
    ratings: Mapping[str, float] | None = None,
    supplemental: Sequence[str] = (),
) -> Ranking:
    """`programs`: ACGME ids of the programs that interviewed the applicant, most wanted
    first; `ratings`: optional values 1-10 (then the true order follows the ratings);
    `supplemental`: NRMP codes of the PGY-1 programs where they interviewed, for their
    advanced programs (services.pgy1)."""
    spec, season, header = report_header(services, profile)
    notes: list[str] = []
    ids = [p.strip() for p in programs if p.strip()]
    if not ids:
        raise InputError(
            "give the programs where you interviewed, most wanted first",
            field="programs",
            hint="List their 10-digit ACGME ids, most wanted first, such as "
            "4003521001, 4003521002.",
        )
    if len(ids) > MAX_PROGRAMS:
        raise InputError(f"at most {MAX_PROGRAMS} programs", field="programs")
    if len(set(ids)) != len(ids):
        twice = sorted({p for p in ids if ids.count(p) > 1})
        raise InputError(f"listed twice: {', '.join(twice)}", field="programs")
    ctx = build_context(services, profile, spec.key, season, notes)
    if ctx is None:
        raise InputError(
            f"SmartPick has no program-level model for {spec.name}",
            field="specialty",
            hint="; ".join(notes),
        )
    index = {p.acgme_id: j for j, p in enumerate(ctx.programs)}
    unknown = [p for p in ids if p not in index]
    if unknown:
        raise InputError(
            f"not among the {spec.name} programs SmartPick knows: {', '.join(unknown)}",
            field="programs",
            hint=IDS_HINT,
        )
    barred = [
        f"{pid} ({why})"
        for pid in ids
        if (why := exclusion(ctx.programs[index[pid]], profile.visa)) is not None
    ]
    if barred:
        raise InputError(
            f"these programs cannot take you: {', '.join(barred)}",
            field="programs",
            hint="Leave them off your list, or check the profile's visa.",
        )
    w, p, q = services.evaluator.matrices(ctx, Draw(ctx.params, ctx.cells), profile.step2, None)
    chosen = [index[pid] for pid in ids]
    utility, basis = _utilities(ids, ratings or {})
    ranked = rank_interviews(w, p[:, chosen], q, utility)
    if ranked is None:
        raise InputError(
            "the model gives these interviews no chance together",
            field="programs",
            hint="Check the programs and the profile (specialty, type, score).",
        )
    rows = []
    cumulative = 0.0
    for k, j in enumerate(ranked.order):
        cumulative += float(ranked.p_match_at[k])
        program = ctx.programs[chosen[j]]
        rows.append(
            {
                "rank": k + 1,
                "acgme_id": program.acgme_id,
                "name": program.name,
                "city": program.city,
                "state": program.state,
                "value": round(float(utility[j]), 3),
                "p_match_here": round(float(ranked.p_match_at[k]), 4),
                "p_match_by_here": round(cumulative, 4),
            }
        )
    search = ranked.search
    report = {
        **header,
        "programs": rows,
        "p_match": round(ranked.p_match, 4),
        "p_program_takes_you": round(ranked.p_program_takes_you, 4),
        "expected_value": round(ranked.expected_value, 4),
        "value_basis": basis,
        "alternatives": [
            {
                "order": a.order,
                "p_match": round(a.p_match, 4),
                "expected_value": round(a.expected_value, 4),
                "loss": round(a.loss, 4),
            }
            for a in ranked.alternatives
        ],
        "search": None
        if search is None
        else {
            "orders": search.orders,
            "best_value": round(search.best_value, 6),
            "true_order_value": round(search.true_order_value, 6),
            "true_order_is_best": search.true_order_is_best,
        },
        "notes": [
            *notes,
            "your interviews count as evidence of your strength: SmartPick weighs its model of "
            "you by the chance of being invited to them (signals are not taken into account)",
            "SmartPick's model gives every program the same chance of ranking you high enough "
            "(it has no data on programs' rank lists), so the order changes where you match, "
            "not whether; ranking every program you would attend keeps the chance whole",
            "under the NRMP's algorithm (applicant-proposing deferred acceptance) ranking "
            "programs in your true order of preference is always best: a program's decision "
            "does not depend on where you rank it (Roth 1982)",
        ],
    }
    advanced = [
        float(ranked.p_match_at[k])
        for k, j in enumerate(ranked.order)
        if ctx.programs[chosen[j]].entry_level == "advanced"
    ]
    codes = [c.strip() for c in supplemental if c.strip()]
    if codes:
        p_advanced = sum(advanced)
        report["supplemental"] = supplemental_report(
            services, profile, season, codes, p_advanced, len(advanced)
        )
    elif advanced:
        report["notes"].append(
            f"{len(advanced)} of these programs are advanced: rank the PGY-1 programs where you "
            "interviewed on a supplemental list, or a match there leaves you without a first year"
        )
    return Ranking.model_validate(report)


def _utilities(ids: Sequence[str], ratings: Mapping[str, float]) -> tuple[Array, str]:
    if not ratings:
        return order_values(len(ids)), (
            "your order: the first program is worth 1, the last 0.1, evenly between; going "
            "unmatched 0 (rate the programs 1-10 for your own values)"
        )
    extra = sorted(set(ratings) - set(ids))
    if extra:
        raise InputError(f"rated but not listed: {', '.join(extra)}", field="rate")
    rated = []
    for pid in ids:
        rating = ratings.get(pid, 5.0)
        if not 1 <= rating <= 10:
            raise InputError(
                f"rating {rating:g} for {pid}: use 1 (least wanted) to 10", field="rate"
            )
        rated.append(rating)
    return rated_values(rated), "your ratings / 10 (unrated programs 5); going unmatched 0"
