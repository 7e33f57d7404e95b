"""The engine object (core.model.evaluation.Evaluator): what it keeps gives the numbers a fresh
solve gives, and the draws behind the intervals are seeded and made once."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from smartpick.core.model.evaluation import Context, Draw, Evaluator, matrices
from smartpick.core.model.parameters import interview, strength
from smartpick.core.profile import parse_profile
from smartpick.services import Services
from smartpick.services.context import build_context, parameter_draws
from smartpick.settings import load_config


@functools.cache
def session() -> Services:
    return Services(load_config({}))


def _context(
    specialty: str, applicant_type: str, state: str, services: Services | None = None
) -> Context:
    services = services or session()
    profile = parse_profile(
        {"specialty": specialty, "applicant_type": applicant_type, "step2": 241,
         "school_state": state}
    )  # fmt: skip
    ctx = build_context(services, profile, specialty, services.season, [])
    assert ctx is not None
    return ctx


@pytest.mark.parametrize(
    ("specialty", "applicant_type"), [("pediatrics", "md"), ("internal_medicine", "non-us-img")]
)
def test_kept_intercepts_give_what_a_fresh_solve_gives(specialty: str, applicant_type: str) -> None:
    ctx = _context(specialty, applicant_type, "OH")
    point = Draw(ctx.params, ctx.cells)
    evaluator = Evaluator()
    for tier in (None, *ctx.tiers):
        kept = evaluator.matrices(ctx, point, 241, tier)
        again = evaluator.matrices(ctx, point, 241, tier)  # from what was kept
        fresh = matrices(ctx, point, 241, tier)
        for a, b, c in zip(kept, again, fresh, strict=True):
            np.testing.assert_allclose(a, c, atol=1e-10)
            np.testing.assert_array_equal(a, b)


def test_a_draws_intercepts_give_the_draws_own_chances() -> None:
    ctx = _context("psychiatry", "md", "TX")
    draws = parameter_draws(session(), ctx)
    k, draw = 5, draws[5]
    programs = np.flatnonzero(ctx.allowed > 0)[:40]
    a = session().evaluator.draw_intercepts(ctx, k, draw, None, programs)
    nodes = strength(draw.params, ctx.pool, 241)
    _, p, _ = matrices(ctx, draw, 241, None)
    np.testing.assert_allclose(interview(a, nodes.s), p[:, programs], atol=1e-10)


def test_the_draws_are_seeded_and_made_once_per_session() -> None:
    ctx = _context("neurology", "do", "PA")
    first = parameter_draws(session(), ctx)
    assert parameter_draws(session(), ctx) is first
    other = Services(load_config({}))
    again = parameter_draws(other, _context("neurology", "do", "PA", other))
    assert len(again) == len(first) == 64
    for d1, d2 in zip(first, again, strict=True):
        assert d1.params == d2.params
        np.testing.assert_array_equal(d1.cells.level["do"], d2.cells.level["do"])
    spread = np.std([d.params.score_weight for d in first])
    assert spread > 0  # the draws move the parameters


def test_a_program_half_solved_by_another_thread_is_solved_again() -> None:
    """Two threads may fill the same programs' intercepts under a draw: one that reads while
    the other has written one row must solve the program again, not read a NaN."""
    ctx = _context("psychiatry", "md", "OH")
    evaluator = Evaluator()
    draws = parameter_draws(session(), ctx)
    programs = np.flatnonzero(ctx.in_state > 0)[:5]
    assert programs.size  # in-state programs read the second row
    first = evaluator.draw_intercepts(ctx, 0, draws[0], None, programs)
    assert np.all(np.isfinite(first))
    kept = next(v for k, v in evaluator._anchors.items() if k[0] == "draw")
    kept[1, programs] = np.nan  # as if another thread had written the first row only
    again = evaluator.draw_intercepts(ctx, 0, draws[0], None, programs)
    assert np.all(np.isfinite(again)) and np.allclose(again, first)
