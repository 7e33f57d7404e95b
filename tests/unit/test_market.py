"""The synthetic market (core.match.market): what it draws follows the rules it states."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from smartpick.core.match import crn
from smartpick.core.match.acceptance import deferred_acceptance_lists
from smartpick.core.match.applications import Behaviour
from smartpick.core.match.engine_terms import prepare
from smartpick.core.match.market import (
    Cohort,
    Draw,
    SpecialtyMarket,
    draw_market,
)
from smartpick.core.match.positions import mean_interviews
from smartpick.core.match.ranking import ranks_within_programs, within_slots
from smartpick.core.model.parameters import Params, Pool


def _market(
    m: int = 40,
    n: int = 300,
    seats: int = 2,
    applications: float = 12.0,
    limit: dict[str, int] | None = None,
    tau: float = 1.0,
    level_shift: float = 0.0,
) -> SpecialtyMarket:
    rng = np.random.default_rng(7)
    level = rng.normal(-1.0, 0.8, m) + level_shift
    cohort = Cohort(
        applicant_type="md",
        count=n,
        params=Params(score_weight=0.8, spread=0.7, conversion=0.5),
        pool=Pool(centre=245.0, sd=15.0, var_z=1.1),
        match_share=0.8,
        matched=(250.0, 14.0),
        unmatched=(235.0, 14.0),
        applications=applications,
        level=level,
        tau=tau,
    )
    return prepare(
        SpecialtyMarket(
            specialty="psychiatry",
            program_ids=tuple(f"{i:010d}" for i in range(m)),
            positions=np.full(m, seats, dtype=np.int32),
            location=np.full(m, 0.5),
            signal={"gold": np.full(m, 1.5), "silver": np.full(m, 0.7)},
            in_state_share=0.3,
            signal_share={"gold": 0.1, "silver": 0.2},
            signal_limit=limit if limit is not None else {"gold": 1, "silver": 2},
            cohorts=(cohort,),
        )
    )


def test_one_seed_gives_one_market_and_another_seed_another() -> None:
    market = _market()
    a = draw_market([market], np.random.default_rng(3))
    b = draw_market([market], np.random.default_rng(3))
    c = draw_market([market], np.random.default_rng(4))
    assert np.array_equal(a.applicant_ranks, b.applicant_ranks)
    assert np.array_equal(a.rank_of, b.rank_of)
    assert not np.array_equal(a.applicant_ranks, c.applicant_ranks)


def test_lists_hold_distinct_programs_and_programs_rank_each_interviewee_once() -> None:
    d = draw_market([_market()], np.random.default_rng(1))
    for row, ranks in zip(d.applicant_ranks, d.rank_of, strict=True):
        listed = row[row >= 0]
        assert len(set(listed.tolist())) == listed.size
        assert ((ranks >= 0) == (row >= 0)).all()
        assert (row[: listed.size] >= 0).all()  # padding only at the end
    pairs = d.applicant_ranks >= 0
    for j in range(d.capacities.size):
        got = np.sort(d.rank_of[pairs & (d.applicant_ranks == j)])
        assert np.array_equal(got, np.arange(got.size))  # 0..k-1, no ties, no gaps
    assert (d.interviews <= d.applications).all()


def test_programs_rank_by_what_they_saw_at_the_invitation_when_the_interview_adds_nothing() -> None:
    d = draw_market([_market(tau=0.0)], np.random.default_rng(2))
    margin = np.full(d.applicant_ranks.shape, np.nan)
    margin[d.rows[d.lists == 0], d.cols[d.lists == 0]] = d.margin[d.lists == 0]
    for j in range(d.capacities.size):
        rows, cols = np.nonzero(d.applicant_ranks == j)
        by_rank = np.argsort(d.rank_of[rows, cols])
        assert (np.diff(margin[rows, cols][by_rank]) <= 0).all()
    # the margin is the strength plus the application's cell and the program's own coin:
    # stronger applicants clear the bar by more on average, not always
    strength = d.strength[d.rows]
    assert np.corrcoef(strength, d.margin)[0, 1] > 0.05
    assert not np.array_equal(np.argsort(strength), np.argsort(d.margin))


def test_no_competition_means_everyone_interviewed_matches() -> None:
    """With more positions everywhere than applicants, deferred acceptance gives every
    applicant their first choice: the match rate is the share with an interview."""
    market = _market(seats=10_000)
    d = draw_market([market], np.random.default_rng(5))
    matched = deferred_acceptance_lists(d.applicant_ranks, d.rank_of, d.capacities)
    assert np.array_equal(matched >= 0, d.interviews > 0)
    assert np.array_equal(matched[d.interviews > 0], d.applicant_ranks[d.interviews > 0, 0])


def test_more_interviews_come_with_more_strength() -> None:
    d = draw_market([_market(n=3000)], np.random.default_rng(6))
    top = d.strength > np.quantile(d.strength, 0.75)
    bottom = d.strength < np.quantile(d.strength, 0.25)
    assert d.interviews[top].mean() > 1.5 * d.interviews[bottom].mean()


def test_interviews_follow_the_programs_rates() -> None:
    """Averaged over applicants, a program interviews its applicants at close to the rate it
    publishes (the cell intercepts are anchored so), here with no signals or in-state."""
    market = _market(n=4000, limit={})
    market = prepare(
        SpecialtyMarket(
            **{**market.__dict__, "in_state_share": 0.0, "signal_share": {}, "signal": {}}
        )
    )
    d = draw_market([market], np.random.default_rng(8))
    level = market.cohorts[0].level
    # interviews received / applications received, program by program
    listed = d.applicant_ranks[d.applicant_ranks >= 0]
    interviews = np.bincount(listed, minlength=level.size)
    assert interviews.sum() == d.interviews.sum()
    # Averaged over strength, P(interview) = expit(A + S) is the program's rate r; lists
    # pick programs with chances close to proportional to r, so applications average r^2 / r
    rate = 1 / (1 + np.exp(-level))
    expected = (rate**2).sum() / rate.sum()
    observed = d.interviews.sum() / d.applications.sum()
    assert observed == pytest.approx(expected, rel=0.1)


def test_signals_never_exceed_what_the_specialty_allows() -> None:
    """With signals worth a lot and none allowed, nobody's interviews change."""
    base = draw_market([_market(limit={})], np.random.default_rng(9))
    again = draw_market([_market(limit={"gold": 0, "silver": 0})], np.random.default_rng(9))
    assert np.array_equal(base.applicant_ranks, again.applicant_ranks)
    more = draw_market([_market(limit={"gold": 5, "silver": 5})], np.random.default_rng(9))
    assert more.interviews.sum() > base.interviews.sum()


def test_an_unprepared_market_is_refused_with_a_message() -> None:
    market = _market()
    raw = SpecialtyMarket(
        **{**market.__dict__, "cohorts": tuple(
            Cohort(**{**c.__dict__, "log_rate": None, "intercepts": None})
            for c in market.cohorts
        )}
    )  # fmt: skip
    with pytest.raises(ValueError, match="prepare"):
        draw_market([raw], np.random.default_rng(1))


def test_program_ranks_compiled_equal_a_lexsort_ties_in_entry_order() -> None:
    rng = np.random.default_rng(3)
    for _ in range(40):
        n = int(rng.integers(1, 2000))
        programs = rng.integers(0, int(rng.integers(1, 40)), n)
        values = np.round(rng.normal(size=n), 1)  # many ties
        order = np.lexsort((-values, programs))
        first = np.searchsorted(programs[order], programs[order], side="left")
        expected = np.empty(n, dtype=np.int32)
        expected[order] = np.arange(n) - first
        assert np.array_equal(ranks_within_programs(programs, values), expected)


def test_a_program_keeps_the_invitations_that_cleared_its_bar_by_the_most() -> None:
    program = np.array([0, 0, 0, 0, 1, 1, 2], dtype=np.int64)
    margin = np.array([0.5, 2.0, -0.3, 1.0, 0.1, 0.2, -1.0])
    slots = np.array([2, -1, 5], dtype=np.int64)
    keep = within_slots(program, margin, slots)
    # program 0: its two best (2.0 and 1.0); program 1 has no limit; program 2 is under it
    assert keep.tolist() == [False, True, False, True, True, True, True]


def test_a_programs_slots_go_as_its_ranking_of_the_candidates_says_ties_in_entry_order() -> None:
    rng = np.random.default_rng(9)
    program = rng.integers(0, 30, 5_000).astype(np.int64)
    margin = np.round(rng.normal(0, 1, program.size), 1)  # many ties
    slots = rng.integers(-1, 250, 30).astype(np.int64)
    slots[:3] = 0  # a program with no slot keeps none
    rank = ranks_within_programs(program, margin)
    expected = (slots[program] < 0) | (rank < slots[program])
    assert np.array_equal(within_slots(program, margin, slots), expected)
    assert not within_slots(program, margin, slots)[program < 3].any()
    with pytest.raises(ValueError, match="index the slots"):
        within_slots(program, margin, slots[:10])


def _interviews(draw: Draw) -> np.ndarray:
    return np.bincount(draw.programs, minlength=draw.capacities.size)


def test_no_program_interviews_more_than_its_slots() -> None:
    free = _market(applications=25.0)
    before = _interviews(draw_market([free], np.random.default_rng(5)))
    slots = np.full(free.size, 6, dtype=np.int32)
    assert (before > slots).any()  # the limit binds somewhere
    after = _interviews(draw_market([replace(free, slots=slots)], np.random.default_rng(5)))
    assert (after <= slots).all()
    assert (after == np.minimum(before, slots)).all()  # below the limit nothing changes


def test_programs_with_empty_slots_reach_below_their_bar_only_when_told() -> None:
    market = _market(applications=6.0, level_shift=-2.0)
    slots = np.full(market.size, 40, dtype=np.int32)
    limited = replace(market, slots=slots)
    bar = _interviews(draw_market([limited], np.random.default_rng(6)))
    reached = _interviews(
        draw_market([limited], np.random.default_rng(6), behaviour=Behaviour(reach=3.0))
    )
    assert (bar < slots).all()  # few apply: every program has empty slots
    assert (reached >= bar).all() and reached.sum() > 1.5 * bar.sum()
    assert (reached <= slots).all()
    # without slots a program has no empty slots to fill: reach changes nothing
    free = draw_market([market], np.random.default_rng(6), behaviour=Behaviour(reach=3.0))
    assert (_interviews(free) == bar).all()


def test_dispersed_applicants_keep_the_mean_and_differ_in_breadth() -> None:
    market = _market(m=200, n=4000, applications=20.0)
    alike = draw_market([market], np.random.default_rng(8))
    spread = draw_market([market], np.random.default_rng(8), behaviour=Behaviour(dispersion=0.8))
    # Poisson counts around 20 for all against lognormal breadths of log-sd 0.8
    assert alike.applications.var() < 1.5 * alike.applications.mean()
    assert spread.applications.var() > 5 * spread.applications.mean()
    assert abs(spread.applications.mean() - alike.applications.mean()) < 1.5
    # those who send more get more interviews: breadth is the applicant's own
    broad = spread.applications > np.median(spread.applications)
    assert spread.own[broad].mean() > 1.5 * spread.own[~broad].mean()


def _rank_share(draw: Draw) -> np.ndarray:
    """Each interview's rank at its program as a share of the program's interviewees
    (0: first), flat over the draw's entries."""
    rank = draw.rank_of[draw.rows[draw.lists == 0], draw.cols[draw.lists == 0]]
    programs = draw.programs[draw.lists == 0]
    return rank / np.bincount(programs)[programs]


def test_how_an_applicant_comes_across_moves_every_programs_rank_of_them_alike() -> None:
    market = _market(m=60, n=2000, applications=15.0)
    private = draw_market([market], np.random.default_rng(9))
    shared = draw_market([market], np.random.default_rng(9), behaviour=Behaviour(impression=3.0))
    # the impression is seen at the interview: the same programs invite the same applicants
    assert np.array_equal(private.rows, shared.rows)
    assert np.array_equal(private.programs, shared.programs)
    who = private.rows[private.lists == 0]

    def by_applicant(draw: Draw) -> tuple[np.ndarray, np.ndarray]:
        """(mean rank share, impression) of the applicants with at least 3 interviews."""
        mean = np.bincount(who, _rank_share(draw), draw.score.size) / np.maximum(draw.interviews, 1)
        many = draw.interviews >= 3
        return mean[many], draw.impression[many]

    alone, impression = by_applicant(private)
    alike, same = by_applicant(shared)
    assert np.array_equal(impression, same)  # the applicant's own, whatever its weight
    # a good impression puts an applicant high on every list (rank share near 0)
    assert abs(np.corrcoef(alone, impression)[0, 1]) < 0.1
    assert np.corrcoef(alike, impression)[0, 1] < -0.5
    # programs' ranks of one applicant agree more: their mean spreads across applicants
    assert alike.std() > 1.3 * alone.std()


def test_an_applicants_breadth_is_the_same_in_every_market() -> None:
    rows = np.arange(1000, dtype=np.int64)
    key = crn.key_for(11, crn.BREADTH)
    own = crn.breadth(key, rows, 0.6)
    assert np.array_equal(own, crn.breadth(key, rows, 0.6))
    assert abs(np.log(own).std() - 0.6) < 0.05
    assert abs(own.mean() - 1.0) < 0.06  # a multiplier of mean 1
    # the same applicants, more dispersed: the same order of breadth
    assert np.array_equal(np.argsort(own), np.argsort(crn.breadth(key, rows, 1.2)))


@pytest.mark.parametrize("k", [1, 7, 60, 80])
def test_the_race_keeps_each_applicants_k_earliest_arrivals_in_order(k: int) -> None:
    rows = np.arange(300, 600, dtype=np.int64)
    programs = np.arange(40, 120, dtype=np.int64)
    log_weight = np.random.default_rng(3).normal(0.0, 1.5, programs.size)
    key = crn.key_for(13, crn.RACE)
    # the arrival times E / w, each pair's E from its own uniform, in single precision
    u = crn.uniforms(key, rows, np.broadcast_to(programs, (rows.size, programs.size)))
    times = (-np.log(u) * np.exp(-log_weight).astype(np.float32)).astype(np.float32)
    earliest = np.argsort(times, axis=1, kind="stable")[:, :k]
    chosen = crn.race_top(key, rows, programs, log_weight, k)
    assert chosen.shape == (rows.size, min(k, programs.size))
    assert np.array_equal(chosen, earliest)
    # heavier programs arrive first more often
    if k == 7:
        counts = np.bincount(chosen.ravel(), minlength=programs.size)
        assert np.corrcoef(counts, log_weight)[0, 1] > 0.5


def test_each_row_of_the_race_keeps_its_own_count_of_earliest_arrivals() -> None:
    rows = np.arange(2000, 2600, dtype=np.int64)
    programs = np.arange(300, dtype=np.int64)
    log_weight = np.random.default_rng(4).normal(0.0, 2.0, programs.size)
    key = crn.key_for(14, crn.RACE)
    u = crn.uniforms(key, rows, np.broadcast_to(programs, (rows.size, programs.size)))
    times = (-np.log(u) * np.exp(-log_weight).astype(np.float32)).astype(np.float32)
    # the rows whose first arrival is earliest come first: they set the bound of the first
    # arrival, which most other rows' first arrivals then miss (those are raced whole)
    first = np.argsort(times.min(axis=1), kind="stable")
    rows, times = rows[first], times[first]
    earliest = np.argsort(times, axis=1, kind="stable")
    # counts from 1 to every program, in no order: rows of one call race against bounds
    # of their own counts
    counts = np.random.default_rng(5).integers(1, programs.size + 1, rows.size)
    counts[:100] = 1
    chosen = crn.race_top(key, rows, programs, log_weight, counts)
    assert chosen.shape == (rows.size, counts.max())
    for i, k in enumerate(counts):
        assert np.array_equal(chosen[i, :k], earliest[i, :k])
        assert (chosen[i, k:] == -1).all()


def test_a_larger_mean_never_gives_an_applicant_fewer_applications() -> None:
    rows = np.arange(500, dtype=np.int64)
    key = crn.key_for(12, crn.COUNT)
    means = np.linspace(1.0, 60.0, rows.size)
    fewer = crn.poisson_counts(key, rows, 3, means)
    more = crn.poisson_counts(key, rows, 3, means * 1.3)
    assert (more >= fewer).all() and (more > fewer).any()
    # one mean for all is each applicant's own mean, broadcast
    same = crn.poisson_counts(key, rows, 3, 20.0)
    assert np.array_equal(same, crn.poisson_counts(key, rows, 3, np.full(rows.size, 20.0)))
    with pytest.raises(ValueError, match="out of range"):
        crn.poisson_counts(key, rows, 3, np.full(rows.size, 800.0))


def test_mean_interviews_counts_only_the_applicants_with_one() -> None:
    # 5 applicants without an interview, 2 with one, 1 with two
    assert mean_interviews(np.array([5.0, 2.0, 1.0])) == pytest.approx(4 / 3)
    assert mean_interviews(np.array([7.0, 0.0, 0.0])) == 0.0
    assert mean_interviews(np.array([0.0, 0.0, 0.0, 4.0])) == 3.0
