"""The national Match simulator (services.simulate) on the shipped dataset and fitted model:
one seed gives one result, in-process or on a Dask cluster; the market says what it made up."""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from smartpick.core.match.acceptance import deferred_acceptance_lists
from smartpick.core.match.market import Cohort, Plans, draw_market
from smartpick.core.match.national import match, run_once
from smartpick.errors import DataError, InputError
from smartpick.services import Services
from smartpick.services.market_inputs import (
    ACTIVE,
    PGY1,
    active_totals,
    engine_interviews,
    filled_by_type,
    freida_interviews,
    nrmp_totals,
    others_share,
    scaled_to_totals,
    spread_by_filled,
)
from smartpick.services.simulate import (
    Market,
    build_market,
    current_market_fit,
    merge,
    run,
    seeds,
)
from smartpick.settings import load_config


@pytest.fixture(scope="module")
def services() -> Services:
    return Services(load_config({"season": "2028"}))


@pytest.fixture(scope="module")
def market(services: Services) -> Market:
    return build_market(services)


@pytest.fixture(scope="module")
def small(market: Market) -> Market:
    """Two specialties: enough for the properties, quick to run."""
    keep = tuple(m for m in market.specialties if m.specialty in ("psychiatry", "neurology"))
    return dataclasses.replace(market, specialties=keep, plans=Plans())


@pytest.fixture(scope="module")
def national(market: Market) -> Market:
    """A small national market with every piece: an advanced specialty with supplemental
    lists, parallel plans into Psychiatry and the PGY-1 years, and the SOAP."""
    names = ("dermatology", "psychiatry", "pgy1_years")
    keep = tuple(m for m in market.specialties if m.specialty in names)
    assert [m.specialty for m in keep] == list(names)
    plans = Plans(backup={1: 1.0, 2: 1.0}, pgy1=2)
    return dataclasses.replace(market, specialties=keep, plans=plans)


def test_a_small_national_run_keeps_every_rule(national: Market) -> None:
    draw = national.draw(np.random.default_rng(4))
    result = match(draw)
    assert result.settled
    main, pgy1 = result.match, result.pgy1
    # Only applicants with a rank order list match, and only on it
    assert ((main >= 0) <= draw.active).all()
    for a in np.flatnonzero(main >= 0)[:500]:
        assert main[a] in draw.applicant_ranks[a]
    # A PGY-1 position of a supplemental list comes only with an advanced match
    has = pgy1 >= 0
    assert has.any()
    assert draw.advanced[main[has]].all()
    assert (draw.advanced[pgy1[has]] == False).all()  # noqa: E712
    # Parallel plans: some applicants match in their second specialty
    home = (main >= draw.offset[draw.specialty]) & (main < draw.offset[draw.specialty + 1])
    assert ((main >= 0) & ~home).any()
    assert (draw.own <= draw.interviews).all() and (draw.backup >= 0).any()
    # Applications in all: the preferred specialty's, and more for those with a second
    # specialty or a supplemental list
    assert (draw.sent >= draw.applications).all()
    assert (draw.sent[draw.backup >= 0] > draw.applications[draw.backup >= 0]).all()
    used = np.bincount(np.concatenate([main[main >= 0], pgy1[has]]), minlength=draw.capacities.size)
    assert (used <= draw.capacities).all()
    # No program interviews more than its slots, PGY-1 years included (asked twice)
    slots = np.concatenate([np.asarray(m.slots) for m in national.specialties])
    assert (np.bincount(draw.programs, minlength=slots.size) <= slots).all()
    # The whole run with the SOAP: it fills only what the Match left
    one = run_once(national, seeds(4, 1)[0])
    assert one.filled + one.soap_offered == one.positions
    assert 0 < one.soap_filled <= min(one.soap_offered, one.soap_applicants)
    assert all(one.matched[k] <= one.matched_anywhere[k] <= n for k, n in one.applicants.items())


def test_the_market_covers_the_main_match_and_says_what_it_made_up(market: Market) -> None:
    names = {m.specialty for m in market.specialties}
    assert {"internal_medicine", "family_medicine", "psychiatry"} <= names
    assert "urology" not in names and "ophthalmology" not in names  # not in the Main Match
    assert 45_000 < market.applicants < 70_000 and 43_000 < market.positions < 46_000
    text = " ".join(market.notes)
    assert "synthetic" in text and "estimates" in text
    for m in market.specialties:
        assert (m.positions > 0).all()
        assert all((c.count > 0 or m.pgy1) and c.intercepts is not None for c in m.cohorts)
    assert [m.specialty for m in market.specialties if m.pgy1] == ["pgy1_years"]
    # DO seniors preferring Pediatrics: nearly all match, so the NRMP gives no unmatched
    # scores; they are in the market all the same, drawn like the matched, and said
    peds = next(m for m in market.specialties if m.specialty == "pediatrics")
    assert peds.cohort("do") is not None and peds.cohort("do").count > 100
    assert any("Pediatrics (do)" in n and "drawn like the matched" in n for n in market.notes)


def test_every_nrmp_position_is_in_the_market_those_without_rates_like_a_proxy(
    services: Services, market: Market
) -> None:
    """Plastic Surgery, Occupational and Preventive Medicine publish no program interview
    rates: their programs interview like another specialty's median program, at their own
    NRMP 2026 positions, with their own applicants where published."""
    totals = nrmp_totals(services)
    nrmp = {s.key for s in services.specialties() if s.match == "NRMP" and totals.get(s.key)}
    by_key = {m.specialty: m for m in market.specialties}
    assert nrmp <= set(by_key)
    proxied = ("plastic_surgery_integrated", "occupational_environmental_medicine",
               "public_health_preventive_medicine")  # fmt: skip
    assert [int(by_key[k].positions.sum()) for k in proxied] == [totals[k] for k in proxied]
    plastics, derm = by_key["plastic_surgery_integrated"], by_key["dermatology"]
    assert len(plastics.program_ids) == 89
    md, derm_md = plastics.cohort("md"), derm.cohort("md")
    assert md is not None and derm_md is not None
    # its own U.S. MD seniors (Charting Outcomes 2026: 159 matched, 82 not, before the
    # registration ratio) and score figures; Dermatology's programs and conversion
    assert 241 <= md.count < 2 * 241 and md.matched[0] == 259.0
    assert np.allclose(md.level, np.median(derm_md.level[: len(derm.program_ids)]))
    assert md.params == derm_md.params
    # no applicant counts at all: Family Medicine's per position, by type
    fm = by_key["family_medicine"]
    for key in proxied[1:]:
        mk = by_key[key]
        assert mk.advanced is not None and mk.advanced.all()
        per = mk.positions.sum() / fm.positions.sum()
        for c in mk.cohorts:
            theirs = fm.cohort(c.applicant_type)
            assert theirs is not None and abs(c.count - theirs.count * per) <= 1
    text = " ".join(market.notes)
    assert "Plastic Surgery (Integrated), 89 programs and 230 positions: like Dermatology" in text
    # the proxies' programs are said there, not among those taking their own median
    synthetic = next(n for n in market.notes if "take their specialty's median" in n)
    own = [(m, services.engine.inputs(m.specialty)) for m in market.specialties]
    without = sum(m.size - len(i.rates.ids) for m, i in own if i is not None and not m.pgy1)
    assert int(synthetic.split()[0]) == without
    assert "not in the market" not in text


def test_internal_medicine_holds_the_nrmp_total_not_freidas_count_of_every_track(
    services: Services, market: Market
) -> None:
    """FREIDA's first-year positions of an Internal Medicine program count its preliminary
    track too, which the PGY-1 years hold: summed, they overshoot the NRMP 2026 total by
    about 1,300 positions, so they only weigh how that total is spread."""
    im = next(m for m in market.specialties if m.specialty == "internal_medicine")
    assert int(im.positions.sum()) == nrmp_totals(services)["internal_medicine"]
    by_id = {r["acgme_id"]: r for r in services.dataset.rows("program_positions")}
    freida = [
        (int(by_id[a]["positions"]), int(p))
        for a, p in zip(im.program_ids, im.positions, strict=True)
        if a in by_id and "FREIDA" in by_id[a]["method"]
    ]
    assert len(freida) > 400 and sum(f for f, _ in freida) > sum(p for _, p in freida)
    # ... and keep their order: a larger program stays at least as large
    ordered = sorted(freida)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(ordered) if a[0] < b[0])
    assert any("Internal Medicine's 498 programs" in n for n in market.notes)


def _cohorts(market: Market, applicant_type: str) -> dict[str, Cohort]:
    """The type's cohort in each specialty it prefers (the PGY-1 years are preferred by none)."""
    return {
        m.specialty: c
        for m in market.specialties
        if not m.pgy1
        for c in m.cohorts
        if c.applicant_type == applicant_type
    }


def test_active_applicants_of_no_published_type_are_in_the_market_like_us_imgs(
    market: Market,
) -> None:
    # NRMP 2026: 48,050 active applicants, of whom the four published types are 45,591
    others = _cohorts(market, "other")
    assert others and all(c.count > 0 for c in others.values())
    for m in market.specialties:  # the PGY-1 years' too
        c, like = m.cohort("other"), m.cohort("us-img")
        if c is None:
            continue
        assert like is not None
        assert c.pool == like.pool and c.applications == like.applications
        assert np.array_equal(c.level, like.level) and c.shift == like.shift
    # registered: the NRMP's 2,459 active others times their fitted registered per active one
    assert 1_500 < sum(c.count for c in others.values()) < 5_000
    assert any("2,459 active applicants of no published type" in n for n in market.notes)


def test_us_citizen_imgs_prefer_the_specialties_whose_positions_they_fill(
    services: Services, market: Market
) -> None:
    filled = filled_by_type(services)
    count = {s: c.count for s, c in _cohorts(market, "us-img").items()}
    took = {s: filled[s]["us-img"][0] * filled[s]["us-img"][1] for s in count if s in filled}
    assert len(took) >= 10
    # in proportion to the positions they filled (NRMP 2025), up to rounding to applicants
    ratio = [count[s] / took[s] for s in took if took[s] >= 50]
    assert max(ratio) / min(ratio) < 1.1
    # Emergency Medicine, where they fill a tenth of the positions, draws more of them than
    # its share of non-U.S. IMGs would give
    non_us = {s: c.count for s, c in _cohorts(market, "non-us-img").items()}
    em, im = "emergency_medicine", "internal_medicine"
    assert count[em] / count[im] > 2 * non_us[em] / non_us[im]
    assert any("the positions they filled" in n for n in market.notes)


def test_the_others_prefer_where_the_four_published_types_leave_positions(
    services: Services, market: Market
) -> None:
    """Graduates of earlier years and others fill what the NRMP's four types leave: a quarter
    of the PGY-1 years' positions, which they alone prefer, and a sixth of Family
    Medicine's."""
    filled = filled_by_type(services)
    count = {m.specialty: c.count for m in market.specialties
             if (c := m.cohort("other")) is not None and c.count > 0}  # fmt: skip
    left = {s: others_share(filled[s]) * next(iter(filled[s].values()))[1] for s in count
            if s in filled}  # fmt: skip
    assert PGY1 in left and len(left) >= 10
    ratio = [count[s] / left[s] for s in left if left[s] >= 50]
    assert max(ratio) / min(ratio) < 1.1
    years = next(m for m in market.specialties if m.pgy1)
    assert [c.applicant_type for c in years.cohorts if c.count > 0] == ["other"]
    # more of them prefer Family Medicine than Internal Medicine, which has twice the
    # non-U.S. IMGs' count (how they were spread before)
    assert count["family_medicine"] > count["internal_medicine"]
    assert any("where they fill 26% of the positions" in n for n in market.notes)


def test_where_no_share_is_published_the_others_scale_by_specialties_with_both(
    services: Services, market: Market
) -> None:
    """Where the NRMP publishes no share of who filled a specialty, the non-U.S. IMGs' count
    stands in, scaled over the specialties that have both measures: a market with no
    non-U.S. IMGs (the PGY-1 years) does not change the scale."""
    from smartpick.services.market_cells import cohort_count

    keys = [m.specialty for m in market.specialties if not m.pgy1]
    non_us = {s: cohort_count(services.engine, s, "non-us-img") for s in keys}
    filled = filled_by_type(services)
    unpublished = [s for s in keys if s not in filled and non_us[s]]
    assert unpublished  # one at least, else the test says nothing
    alone = spread_by_filled(filled, keys, non_us, "other")
    beside = spread_by_filled(filled, [*keys, PGY1], non_us, "other")
    assert PGY1 in filled and beside[PGY1] > 0
    for s in unpublished:
        assert beside[s] == pytest.approx(alone[s])


def test_the_pgy1_years_never_drop_applicants_internal_medicine_lacks(
    services: Services, market: Market
) -> None:
    """The PGY-1 years draw their applicants like Internal Medicine's of the type: without
    such a cohort there, the build stops instead of losing them."""
    from smartpick.services.market_inputs import pgy1_market

    im = next(m for m in market.specialties if m.specialty == "internal_medicine")
    years, _ = pgy1_market(services, [im], {"other": 500.0})
    assert sum(c.count for c in years.cohorts) == 500
    bare = dataclasses.replace(
        im, cohorts=tuple(c for c in im.cohorts if c.applicant_type != "other")
    )
    with pytest.raises(DataError, match="no other applicants"):
        pgy1_market(services, [bare], {"other": 500.0})


def test_a_year_without_others_draws_none_and_says_so(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smartpick.services import market_inputs

    figures = market_inputs.year_figures

    def short(s: Services, year: int, metric: str) -> dict[str, float]:
        # an active total below the four types' (a dataset missing the year's total alike)
        return {"all": 1_000.0} if metric == ACTIVE else figures(s, year, metric)

    monkeypatch.setattr(market_inputs, "year_figures", short)
    market = build_market(services)
    assert all(m.cohort("other") is None for m in market.specialties)
    assert any("no active applicants of another type" in n for n in market.notes)
    assert not any("of no published type" in n for n in market.notes)


def test_the_fitted_breadth_of_applicants_reaches_the_market(services: Services) -> None:
    from smartpick.services.simulate import behaviour_of

    shipped_fit = current_market_fit(services)
    assert shipped_fit is not None
    fitted = shipped_fit["behaviour"]["dispersion"]
    market = build_market(services, shipped_fit)
    assert fitted > 0 and market.behaviour.dispersion == fitted
    # a record of before the breadth was fitted: every applicant of a type alike
    earlier = {k: v for k, v in shipped_fit["behaviour"].items() if k != "dispersion"}
    assert behaviour_of({"behaviour": earlier}).dispersion == 0.0


def test_programs_interview_as_many_as_freida_says_or_the_engine_has_them(
    services: Services, market: Market
) -> None:
    counted, per_position = freida_interviews(services)
    im = next(m for m in market.specialties if m.specialty == "internal_medicine")
    assert im.slots is not None
    own = [(s, counted[a], p) for a, s, p in zip(im.program_ids, im.slots, im.positions,
                                                  strict=True) if a in counted]  # fmt: skip
    assert len(own) > 500
    # per position of its own: FREIDA's interviews and positions count its preliminary
    # tracks too, which the PGY-1 years hold with their interviews
    assert all(s == max(round(c * p), p) for s, c, p in own)
    # so Internal Medicine holds about FREIDA's interviews a position, not a sixth more
    assert float(im.slots.sum()) / float(im.positions.sum()) < 1.05 * per_position
    # Every other specialty's programs: their positions times the engine's interviews per
    # position of the specialty, for the NRMP's active applicants (counted again here from the
    # registered ones: a cohort may round one applicant apart, and a slot with it)
    active = scaled_to_totals(list(market.specialties), active_totals(services))
    engine = engine_interviews(services, active)
    for name in ("psychiatry", "pediatrics", "emergency_medicine"):
        mk = next(m for m in market.specialties if m.specialty == name)
        expected = np.maximum(np.rint(engine[name] * mk.positions), mk.positions)
        assert np.abs(np.asarray(mk.slots) - expected).max() <= 1
    # they differ as the programs' published rates do: Psychiatry interviews fewer a position
    assert engine["psychiatry"] + 3 < engine["pediatrics"]
    # the engine's Internal Medicine volume against the programs' own counts (FREIDA), the
    # one specialty with both: the check behind the other specialties' slots (the engine's
    # typical applicants get about a fifth more; validation.md, interviews per matched
    # applicant). FREIDA's are per first-year position of every track, the preliminary ones
    # too; the engine's per position of the NRMP's total without them, 11,626 for the 13,005
    # FREIDA's counts gave the market until the tenth pass: a tenth more again (14.7 for 11.0)
    assert per_position < engine["internal_medicine"] < 1.4 * per_position
    assert "interview slots" in " ".join(market.notes)


def test_one_seed_gives_one_result_and_another_seed_another(small: Market) -> None:
    a, b, c = merge(run(small, 2, 11)), merge(run(small, 2, 11)), merge(run(small, 2, 12))
    for key in ("match_rate_by_cell", "fill_rate", "unmatched_applicants"):
        assert a[key] == b[key]
    assert a["match_rate_by_cell"] != c["match_rate_by_cell"]


def test_every_simulated_match_is_stable_and_within_positions(small: Market) -> None:
    from smartpick.core.match.couples import check_stability

    draw = draw_market(small.specialties, np.random.default_rng(seeds(3, 1)[0]))
    matched = deferred_acceptance_lists(draw.applicant_ranks, draw.rank_of, draw.capacities)
    found = check_stability(draw.applicant_ranks, draw.rank_of, draw.capacities, matched)
    assert found.stable, found
    assert ((matched >= 0) <= (draw.interviews > 0)).all()  # nobody matches uninterviewed


def test_stronger_applicants_match_more_often(small: Market) -> None:
    draw = draw_market(small.specialties, np.random.default_rng(5))
    matched = deferred_acceptance_lists(draw.applicant_ranks, draw.rank_of, draw.capacities)
    high = draw.score >= np.quantile(draw.score, 0.75)
    low = draw.score <= np.quantile(draw.score, 0.25)
    assert (matched[high] >= 0).mean() > (matched[low] >= 0).mean() + 0.1


def test_no_runs_is_refused(small: Market) -> None:
    with pytest.raises(InputError, match="at least 1"):
        run(small, 0, 1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local:
            yield str(local.scheduler_address)


def test_a_dask_cluster_gives_the_same_results_as_in_process(small: Market, cluster: str) -> None:
    here = run(small, 3, 21)
    there = run(small, 3, 21, scheduler=cluster)
    assert [r.matched for r in there] == [r.matched for r in here]
    assert [r.applicants for r in there] == [r.applicants for r in here]


def test_an_unreachable_scheduler_is_a_clear_error(small: Market) -> None:
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        run(small, 1, 1, scheduler="tcp://127.0.0.1:9")


def test_what_a_cluster_receives_is_simulation_inputs_only(small: Market) -> None:
    """The workers get the market and the seeds (services.cluster): programs, positions and
    cohort parameters, never a profile or anything a user typed."""
    import pickle

    from smartpick.core.profile import Profile

    payload = pickle.dumps((small, seeds(1, 2)))
    for name in Profile.model_fields:
        if name not in ("specialty", "applicant_type", "visa", "season"):  # market fields too
            assert name.encode() not in payload, name
    assert b"Profile" not in payload and b"profile" not in payload


def test_a_fit_made_for_another_dataset_is_not_used(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smartpick.fitted import load_market_fit
    from smartpick.services import simulate

    shipped_fit = load_market_fit()
    assert shipped_fit is not None
    assert simulate.current_market_fit(services) == shipped_fit
    stale = {**shipped_fit, "dataset_version": "000000000000"}
    monkeypatch.setattr(simulate, "load_market_fit", lambda _directory=None: stale)
    assert simulate.current_market_fit(services) is None
    market = build_market(services, simulate.current_market_fit(services))
    assert any("not fitted for this dataset" in n for n in market.notes)
