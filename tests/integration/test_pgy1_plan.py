"""The PGY-1 year: its tracks in the catalogue and a plan's PGY-1 list (services.pgy1)."""

from __future__ import annotations

import functools
import re

import pytest

from smartpick.core.profile import parse_profile
from smartpick.errors import InputError
from smartpick.services import Services
from smartpick.services.pgy1 import kinds_from
from smartpick.services.plan import PGY1_LIST, list_rows, plan_report
from smartpick.services.rank import rank_report
from smartpick.settings import load_config

CODE = re.compile(r"^[0-9]{7}P[0-9]$")


@functools.cache
def session() -> Services:
    return Services(load_config({}))


@functools.cache
def derm(kinds: tuple[str, ...] = ("transitional_year", "internal_medicine_preliminary")):  # type: ignore[no-untyped-def]
    profile = parse_profile(
        {"specialty": "dermatology", "applicant_type": "md", "step2": 258, "school_state": "OH"}
    )
    return plan_report(session(), profile, pgy1_kinds=kinds)


def test_a_dermatology_plan_has_a_pgy1_list_near_its_advanced_programs() -> None:
    plan = derm()
    extra = plan.pgy1_plan
    assert extra is not None and plan.pgy1
    assert len(extra.programs) >= 10 and extra.applications == len(extra.programs)
    assert all(CODE.match(p.program_id) for p in extra.programs)
    advanced = {p.program_id for p in plan.programs if p.entry_level == "advanced"}
    assert extra.needed == len(advanced)
    near = [p for p in extra.programs if p.near_program_id is not None]
    assert near and {p.near_program_id for p in near} <= advanced
    # Near ones first: once a program is not near, none after it is.
    flags = [p.nearness == "near an advanced program on your list" for p in extra.programs]
    assert flags == sorted(flags, reverse=True)
    # One application per institution and year.
    keys = [(p.program_id[:4], p.kind) for p in extra.programs]
    assert len(keys) == len(set(keys))
    assert 0 < extra.p_match_with_advanced <= min(extra.p_match, plan.p_match or 1)
    assert "prior" in extra.method and extra.cost_usd > 0
    # The total counts the PGY-1 fees, and says so.
    assert any("PGY-1" in part for part in plan.cost_parts())
    ty = [s for s in extra.signals if s.year == "Transitional Year"]
    assert ty and ty[0].allowed == 12
    assert set(ty[0].programs) <= {
        p.program_id for p in extra.programs if p.kind == "transitional_year"
    }


def test_the_pgy1_years_asked_for_are_the_ones_planned() -> None:
    only_ty = derm(("transitional_year",)).pgy1_plan
    assert only_ty is not None and {p.kind for p in only_ty.programs} == {"transitional_year"}
    with pytest.raises(InputError, match="not a PGY-1 year"):
        kinds_from("ty,cardiology")
    assert kinds_from("ty, surgery prelim") == ("transitional_year", "surgery_preliminary")


def test_the_csv_rows_carry_the_pgy1_list_after_the_main_one() -> None:
    plan = derm()
    rows = list_rows(plan)
    lists = [r["list"] for r in rows]
    assert lists == sorted(lists, key=lambda v: v == PGY1_LIST)
    assert lists.count(PGY1_LIST) == len(plan.pgy1_plan.programs)  # type: ignore[union-attr]


def test_a_categorical_plan_has_no_pgy1_list() -> None:
    profile = parse_profile({"specialty": "psychiatry", "applicant_type": "md", "step2": 245})
    plan = plan_report(session(), profile)
    assert plan.pgy1_plan is None and plan.pgy1 is None


def test_the_rank_advisor_takes_a_supplemental_pgy1_list() -> None:
    plan = derm()
    advanced = [p.program_id for p in plan.programs if p.entry_level == "advanced"][:4]
    codes = [p.program_id for p in plan.pgy1_plan.programs[:3]]  # type: ignore[union-attr]
    profile = parse_profile({"specialty": "dermatology", "applicant_type": "md", "step2": 258})
    without = rank_report(session(), profile, advanced)
    assert without.supplemental is None and any("supplemental list" in n for n in without.notes)
    ranking = rank_report(session(), profile, advanced, supplemental=codes)
    extra = ranking.supplemental
    assert extra is not None and [r.program_id for r in extra.programs] == codes
    here = [r.p_match_here for r in extra.programs]
    assert here == sorted(here, reverse=True) and abs(sum(here) - extra.p_pgy1) < 1e-3
    assert (
        extra.p_both <= min(extra.p_pgy1, extra.p_advanced) and extra.p_advanced <= ranking.p_match
    )
    longer = rank_report(
        session(), profile, advanced, supplemental=[*codes, plan.pgy1_plan.programs[3].program_id]
    )  # type: ignore[union-attr]
    assert longer.supplemental is not None and longer.supplemental.p_pgy1 > extra.p_pgy1
    with pytest.raises(InputError, match="not among the PGY-1 tracks"):
        rank_report(session(), profile, advanced, supplemental=["1234567X9"])
    psych = parse_profile({"specialty": "psychiatry", "applicant_type": "md", "step2": 245})
    ids = [p.program_id for p in plan_report(session(), psych).programs[:3]]
    with pytest.raises(InputError, match="only with advanced programs"):
        rank_report(session(), psych, ids, supplemental=codes)


def test_a_budget_spent_on_the_advanced_list_says_the_pgy1_list_costs_more() -> None:
    profile = parse_profile({"specialty": "dermatology", "applicant_type": "md", "step2": 258})
    plan = plan_report(session(), profile, budget=500)
    assert plan.pgy1_plan is not None and plan.unspent_usd is not None
    assert plan.pgy1_plan.cost_usd > plan.unspent_usd
    assert any("PGY-1 list costs" in n for n in plan.notes)
    assert plan.total_cost_usd is not None and plan.total_cost_usd > 500


def test_a_pgy1_list_is_sized_by_the_advanced_programs_share_of_the_chance() -> None:
    profile = parse_profile({"specialty": "anesthesiology", "applicant_type": "do", "step2": 240})
    plan = plan_report(session(), profile)
    extra = plan.pgy1_plan
    advanced = [p for p in plan.programs if p.entry_level == "advanced"]
    assert extra is not None and advanced and plan.p_match is not None
    share = sum(p.p_end_here for p in advanced)
    assert share < 0.5 * plan.p_match  # mostly categorical: the target is no floor here
    assert extra.p_match_with_advanced <= share + 1e-4
    assert any("advanced programs carry" in n for n in extra.notes)


def test_a_supplemental_list_takes_names_and_suggests_when_unsure() -> None:
    plan = derm()
    advanced = [p.program_id for p in plan.programs if p.entry_level == "advanced"][:3]
    first = plan.pgy1_plan.programs[0]  # type: ignore[union-attr]
    profile = parse_profile({"specialty": "dermatology", "applicant_type": "md", "step2": 258})
    by_name = rank_report(session(), profile, advanced, supplemental=[first.name])
    assert by_name.supplemental is not None
    assert by_name.supplemental.programs[0].program_id == first.program_id
    with pytest.raises(InputError, match="not sure which program") as unsure:
        rank_report(session(), profile, advanced, supplemental=["Transitional"])
    assert "Did you mean" in (unsure.value.hint or "") and "NRMP code" in (unsure.value.hint or "")
