"""Warming the engine before a server takes its first request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartpick.core.model.evaluation import Draw
from smartpick.core.profile import APPLICANT_TYPES, parse_profile
from smartpick.services.context import build_context, parameter_draws

if TYPE_CHECKING:
    from smartpick.services import Services


def warm_engine(services: Services, score: int = 240) -> int:
    """Make, before the first request, what every profile of a specialty and type reuses:
    the programs' rates and cells, the draws behind the intervals, their typical lists and
    the point estimate's intercepts, for every specialty with program rates and every type
    (a few seconds). Returns how many specialty-and-type pairs were made."""
    made = 0
    for spec in services.specialties():
        if services.engine.inputs(spec.key) is None:
            continue
        for g in APPLICANT_TYPES:
            profile = parse_profile({"specialty": spec.key, "applicant_type": g, "step2": score})
            ctx = build_context(services, profile, spec.key, services.season, [])
            if ctx is None:
                continue
            draws = parameter_draws(services, ctx)
            h = services.engine.applications(spec.key, g, services.fit)
            services.evaluator.typical_lists(ctx, draws, h)
            services.evaluator.evaluate(ctx, Draw(ctx.params, ctx.cells), score)
            made += 1
    return made
