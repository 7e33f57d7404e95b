"""`smartpick standing` and `smartpick profile`: answers and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartpick.core.profile import Profile
from tests.e2e.conftest import Invoke


def standing(invoke: Invoke, *args: str) -> dict[str, object]:
    result = invoke("standing", *args, "--json")
    assert result.code == 0, result.err
    payload: dict[str, object] = json.loads(result.out)
    return payload


def test_standing_json_has_the_promised_keys(invoke: Invoke) -> None:
    report = standing(invoke, "-s", "ortho", "--type", "md", "--step2", "250")
    assert report["season"] == 2028 and report["specialty"] == "orthopaedic_surgery"
    p = report["p_match"]
    low, high = report["p_match_interval"]
    assert isinstance(p, float) and 0 <= low <= p <= high <= 1
    assert 0 < report["score_percentile_matched"] < 1
    assert 0 < report["score_percentile_unmatched"] < 1
    assert report["sources"] and "Charting Outcomes 2026" in report["sources"][0]


def test_a_higher_score_never_lowers_the_chance(invoke: Invoke) -> None:
    chances = [
        standing(invoke, "-s", "general surgery", "--type", "md", "--step2", str(s))["p_match"]
        for s in (220, 240, 260)
    ]
    assert chances == sorted(chances)


def test_us_img_standing_comes_from_the_model_and_says_what_it_borrows(invoke: Invoke) -> None:
    report = standing(invoke, "-s", "im", "--type", "us-img", "--step2", "240")
    assert report["basis"] == "model" and 0 < report["p_match"] < 1
    # No published percentiles for U.S.-citizen IMGs: none are made up.
    assert report["score_percentile_matched"] is None
    assert "U.S.-citizen IMGs" in report["reasons"][0]
    assert any("non-U.S.-citizen" in r and "used" in r for r in report["reasons"])


def test_no_score_gives_no_number_and_says_how_to_give_one(invoke: Invoke) -> None:
    report = standing(invoke, "-s", "im", "--type", "md")
    assert report["p_match"] is None
    assert any("add your score or an expected one" in r for r in report["reasons"])


def test_text_output_names_the_published_figure_and_what_is_not_modelled(invoke: Invoke) -> None:
    result = invoke("standing", "-s", "derm", "--type", "md", "--step2", "216",
                    "--step2-date", "2025-09-01")  # fmt: skip
    assert result.code == 0
    assert "Published: median Step 2 CK of matched U.S. MD seniors" in result.out
    assert "under the passing mark of 218" in result.out
    assert "Not modelled yet:" in result.out and "research_items" in result.out


def test_a_profile_file_is_read_and_flags_override_it(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    path.write_text(json.dumps({"specialty": "psychiatry", "applicant_type": "md", "step2": 230}))
    from_file = standing(invoke, "--profile", str(path))
    overridden = standing(invoke, "--profile", str(path), "--step2", "255")
    assert from_file["specialty"] == "psychiatry" and overridden["step2"] == 255
    assert overridden["p_match"] > from_file["p_match"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"specialty": "im", "applicant_type": "md", "step2": 400}', "step2 '400'"),
        ('{"specialty": "im", "applicant_type": "md", "colour": 1}', "Extra inputs"),
        ('{"applicant_type": "md"}', "specialty: Field required"),
    ],
)
def test_bad_profile_files_get_a_clear_message(
    invoke: Invoke, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = invoke("standing", "--profile", str(path))
    assert result.code == 2 and message in result.err


def test_a_missing_profile_file_is_named(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("profile", "check", "--profile", str(tmp_path / "none.json"))
    assert result.code == 2 and "does not exist" in result.err


def test_step2_and_an_expected_step2_cannot_both_be_given(invoke: Invoke) -> None:
    result = invoke("standing", "-s", "im", "--type", "md", "--step2", "240",
                    "--step2-expected", "250")  # fmt: skip
    assert result.code == 2 and "not both" in result.err


def test_profile_check_prints_the_profile_as_read(invoke: Invoke) -> None:
    result = invoke("profile", "check", "-s", "ENT", "--type", "do", "--home-state", "ohio",
                    "--away", "280382100", "--json")  # fmt: skip
    data = json.loads(result.out)
    assert (data["home_state"], data["away_rotations"]) == ("OH", ["0280382100"])


def test_profile_check_refuses_an_unknown_backup_specialty(invoke: Invoke) -> None:
    result = invoke("profile", "check", "-s", "im", "--type", "md", "--backup", "astrology")
    assert result.code == 2 and "unknown backup specialty 'astrology'" in result.err


def test_profile_schema_is_the_published_json_schema(invoke: Invoke) -> None:
    schema = json.loads(invoke("profile", "schema").out)
    assert set(schema["properties"]) == set(Profile.model_fields)
