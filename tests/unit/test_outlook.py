"""The typical applicant's interviews and match (core.model.Outlook), on small arrays."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from smartpick.core.model.interview import TYPES, ProgramRates, cell_rates
from smartpick.core.model.parameters import Params, Pool, outlook
from smartpick.core.model.standing import Figures
from smartpick.core.model.targets import typical_applicant

FIGURES = Figures(2026, 400.0, 100.0, 0.8, 250.0, 12.0, 240.0, 500.0)
SHARES = {"md": 600.0, "do": 200.0, "non-us-img": 100.0}


def cells(m: int = 40, seed: int = 3):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    rates = ProgramRates(
        ids=tuple(f"{i:010d}" for i in range(m)),
        by_type={g: rng.uniform(0.02, 0.5, m).round(2) for g in TYPES},
        in_state=rng.uniform(0.2, 0.6, m).round(2),
        out_of_state=rng.uniform(0.02, 0.2, m).round(2),
        tiers=(),
        signal={"none": rng.uniform(0.02, 0.3, m).round(2)},
        season=2024,
    )
    return cell_rates(rates, SHARES, {})


PARAMS = st.builds(
    Params,
    st.floats(0.1, 1.5),
    st.floats(0.05, 1.5),
    st.floats(-3.0, 2.0),
    st.floats(0.0, 2.5),
    st.floats(0.05, 1.5),
)


@settings(max_examples=25, deadline=None)
@given(params=PARAMS, applications=st.floats(1.0, 35.0))
def test_the_interview_count_adds_up_to_the_chance_of_matching(
    params: Params, applications: float
) -> None:
    """P(match) from the generating function equals the sum over k of P(K = k) P(match | k),
    and the counts have the mean the list implies."""
    typical = typical_applicant(cells(), "md", applications)
    look = outlook(params, Pool.from_figures(FIGURES), typical, np.array([235.0, 255.0]))
    kmax = 60
    pmf = look.pmf(kmax)
    assert np.allclose(pmf.sum(axis=-1), 1.0)
    by_k = np.einsum("nek,nek,e->n", pmf, look.match_given(kmax), look.w_e)
    assert np.allclose(by_k, look.p_match(), atol=2e-3)
    mean = np.einsum("nek,k->ne", pmf, np.arange(kmax + 1))
    assert np.allclose(mean, look.lam, rtol=0.02, atol=0.02)
    assert np.all(look.p_interviewed() >= look.p_match() - 1e-12)


@settings(max_examples=25, deadline=None)
@given(params=PARAMS, low=st.floats(200, 270), step=st.floats(1, 30))
def test_the_chance_rises_with_the_score(params: Params, low: float, step: float) -> None:
    typical = typical_applicant(cells(), "md", 20.0)
    look = outlook(params, Pool.from_figures(FIGURES), typical, np.array([low, low + step]))
    p = look.p_match()
    assert np.all((p >= 0) & (p <= 1))
    assert p[1] >= p[0] - 1e-12


def test_what_the_interviews_show_spreads_the_conversion() -> None:
    """With the interview draw (tau), one interview converts less surely for a strong
    applicant and more for a weak one: the outcome depends less on strength alone."""
    typical = typical_applicant(cells(), "md", 20.0)
    pool = Pool.from_figures(FIGURES)
    scores = np.array([230.0, 265.0])
    flat = outlook(Params(0.6, 0.5, 0.0), pool, typical, scores).match_given(5)
    spread = outlook(Params(0.6, 0.5, 0.0, 2.0), pool, typical, scores).match_given(5)
    one_flat, one_spread = flat[:, :, 1].mean(axis=1), spread[:, :, 1].mean(axis=1)
    assert one_spread[1] - one_spread[0] < one_flat[1] - one_flat[0]


def test_more_applications_mean_more_interviews_and_no_lower_chance() -> None:
    pool = Pool.from_figures(FIGURES)
    params = Params(0.6, 0.5, -0.5, 1.0, 0.5)
    looks = [
        outlook(params, pool, typical_applicant(cells(), "md", h), np.array([245.0]))
        for h in (3, 8, 15, 30)
    ]
    means = [float(look.lam.mean()) for look in looks]
    chances = [float(look.p_match()[0]) for look in looks]
    assert means == sorted(means)
    assert chances == sorted(chances)
    assert chances[-1] < 1.0


def test_a_spread_applicant_list_gives_fewer_interviews_than_a_targeted_one() -> None:
    pool = Pool.from_figures(FIGURES)
    params = Params(0.6, 0.5, 0.0)
    even = outlook(params, pool, typical_applicant(cells(), "md", 10.0, 0.0), np.array([245.0]))
    aimed = outlook(params, pool, typical_applicant(cells(), "md", 10.0, 1.0), np.array([245.0]))
    assert float(even.lam.mean()) < float(aimed.lam.mean())
