"""`smartpick rank`: the rank order list for the programs where the applicant interviewed."""

from __future__ import annotations

import json

from tests.e2e.conftest import Invoke

PROFILE = ("--specialty", "psychiatry", "--type", "md", "--step2", "240")


def _ids(invoke: Invoke, n: int) -> list[str]:
    rows = json.loads(invoke("chances", *PROFILE, "--json").out)["programs"]
    return [r["acgme_id"] for r in rows if not r.get("excluded")][:n]


def test_rank_gives_the_chance_at_each_rank_in_the_order_given(invoke: Invoke) -> None:
    ids = _ids(invoke, 5)
    result = invoke("rank", *PROFILE, "--programs", ",".join(ids), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    rows = report["programs"]
    assert [r["acgme_id"] for r in rows] == ids
    here = [r["p_match_here"] for r in rows]
    assert here == sorted(here, reverse=True)  # same chance per program: earlier is likelier
    assert abs(sum(here) - report["p_match"]) < 1e-3
    assert rows[-1]["p_match_by_here"] == report["p_match"]
    assert report["search"] == {**report["search"], "orders": 120, "true_order_is_best": True}
    losses = {a["order"]: a["loss"] for a in report["alternatives"]}
    assert losses["your least wanted first"] > 0 and losses["your first two swapped"] > 0
    only_top = [a for a in report["alternatives"] if a["order"].startswith("only")]
    assert all(a["p_match"] <= report["p_match"] for a in only_top)


def test_ratings_set_the_true_order(invoke: Invoke) -> None:
    ids = _ids(invoke, 3)
    result = invoke(
        "rank", *PROFILE, "--programs", ",".join(ids), "--rate", f"{ids[2]}=10",
        "--rate", f"{ids[0]}=2", "--json",
    )  # fmt: skip
    rows = json.loads(result.out)["programs"]
    assert [r["acgme_id"] for r in rows] == [ids[2], ids[1], ids[0]]
    assert [r["value"] for r in rows] == [1.0, 0.5, 0.2]


def test_text_output_names_each_program_and_the_check(invoke: Invoke) -> None:
    ids = _ids(invoke, 3)
    result = invoke("rank", *PROFILE, "--programs", ",".join(ids))
    assert result.code == 0
    assert all(f"[{i}]" in result.out for i in ids)
    assert "Every one of the 6 orders checked: no order beats yours." in result.out


def test_bad_lists_get_a_message(invoke: Invoke) -> None:
    ids = _ids(invoke, 2)
    cases = {
        "0000000000": "not among the Psychiatry programs",
        f"{ids[0]},{ids[0]}": "listed twice",
        ",": "give the programs where you interviewed",
    }
    for programs, message in cases.items():
        result = invoke("rank", *PROFILE, "--programs", programs)
        assert result.code == 2 and message in result.err, (programs, result.err)
    result = invoke("rank", *PROFILE, "--programs", ids[0], "--rate", f"{ids[1]}=5")
    assert result.code == 2 and "rated but not listed" in result.err
    result = invoke("rank", *PROFILE, "--programs", ids[0], "--rate", f"{ids[0]}=11")
    assert result.code == 2 and "use 1 (least wanted) to 10" in result.err


def test_a_program_that_cannot_take_the_applicant_is_refused(invoke: Invoke) -> None:
    img = ("--specialty", "internal medicine", "--type", "non-us-img", "--step2", "240")
    rows = json.loads(invoke("chances", *img, "--visa", "h1b", "--json").out)["programs"]
    barred = next(r["acgme_id"] for r in rows if r.get("excluded"))
    fine = next(r["acgme_id"] for r in rows if not r.get("excluded"))
    result = invoke("rank", *img, "--visa", "h1b", "--programs", f"{fine},{barred}")
    assert result.code == 2 and "cannot take you" in result.err and barred in result.err
    assert "nan" not in result.err.lower()


def test_short_lists_get_only_the_alternatives_that_differ(invoke: Invoke) -> None:
    ids = _ids(invoke, 2)
    report = json.loads(invoke("rank", *PROFILE, "--programs", ",".join(ids), "--json").out)
    names = [a["order"] for a in report["alternatives"]]
    assert names == ["your least wanted first", "only your top 1", "your first two swapped"]
    one = json.loads(invoke("rank", *PROFILE, "--programs", ids[0], "--json").out)
    assert [a["order"] for a in one["alternatives"]] == ["your least wanted first"]
