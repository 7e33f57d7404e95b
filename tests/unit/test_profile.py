from __future__ import annotations

import datetime as dt

import pytest

from smartpick.core.profile import Profile, json_schema, parse_profile, profile_flags
from smartpick.errors import InputError

BASE = {"specialty": "dermatology", "applicant_type": "md"}
PASSING = [(dt.date(2022, 7, 1), 214), (dt.date(2025, 7, 1), 218)]


def test_a_minimal_profile_has_sensible_defaults() -> None:
    p = parse_profile(BASE)
    assert (p.step2, p.visa, p.failed_attempts, p.away_rotations) == (None, "none", 0, [])


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"step2": 301}, "step2", "less than or equal to 300"),
        ({"step2": 0}, "step2", "greater than or equal to 1"),
        ({"applicant_type": "resident"}, "applicant_type", "'md', 'do', 'us-img' or 'non-us-img'"),
        ({"step1": "passed"}, "step1", "pass, fail, or a 3-digit score"),
        ({"home_state": "ZZ"}, "home_state", "US state"),
        ({"visa": "f1"}, "visa", "'none', 'j1', 'h1b' or 'either'"),
        ({"home_program": "12345"}, "home_program", "pattern"),
        ({"favorite_color": "blue"}, "favorite_color", "Extra inputs"),
    ],
)
def test_an_error_names_the_field_the_value_and_what_is_allowed(
    extra: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile({**BASE, **extra})
    assert caught.value.field == field
    assert words in caught.value.message
    assert caught.value.hint


def test_step1_reads_pass_fail_and_old_numeric_scores() -> None:
    assert parse_profile({**BASE, "step1": "PASS"}).step1 == "pass"
    assert parse_profile({**BASE, "step1": "231"}).step1 == 231
    assert parse_profile({**BASE, "step1": 240}).step1 == 240


def test_states_and_acgme_ids_are_normalized() -> None:
    p = parse_profile({**BASE, "home_state": "new york", "home_program": "803521064",
                       "away_rotations": ["0803500127"]})  # fmt: skip
    assert (p.home_state, p.home_program, p.away_rotations) == ("NY", "0803521064", ["0803500127"])


def test_a_score_under_the_passing_mark_of_its_date_is_accepted_and_flagged() -> None:
    late = parse_profile({**BASE, "step2": 216, "step2_date": "2025-08-01"})
    early = parse_profile({**BASE, "step2": 216, "step2_date": "2024-08-01"})
    today = dt.date(2026, 11, 25)
    assert any(
        "under the passing mark of 218" in f for f in profile_flags(late, 2028, PASSING, today)
    )
    assert not any("passing" in f for f in profile_flags(early, 2028, PASSING, today))


def test_graduates_who_are_not_seniors_are_flagged() -> None:
    p = parse_profile({**BASE, "step2": 250, "graduation_year": 2024})
    flags = profile_flags(p, 2028, PASSING, dt.date(2026, 11, 25))
    assert any("calibrated on seniors" in f for f in flags)
    senior = parse_profile({**BASE, "step2": 250, "graduation_year": 2028})
    assert not profile_flags(senior, 2028, PASSING, dt.date(2026, 11, 25))


def test_the_json_schema_declares_every_field_with_bounds_and_choices() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == set(Profile.model_fields)
    assert set(schema["required"]) == {"specialty", "applicant_type"}
    step2 = next(o for o in schema["properties"]["step2"]["anyOf"] if o.get("type") == "integer")
    assert (step2["minimum"], step2["maximum"]) == (1, 300)
    assert schema["properties"]["applicant_type"]["enum"] == ["md", "do", "us-img", "non-us-img"]
    assert schema["additionalProperties"] is False


def test_red_flags_the_model_does_not_count_are_said_with_their_direction() -> None:
    today = dt.date(2026, 11, 25)
    risky = parse_profile({**BASE, "step2": 240, "step1": "fail", "failed_attempts": 2,
                           "visa": "h1b", "graduation_year": 2021})  # fmt: skip
    flags = profile_flags(risky, 2028, PASSING, today)
    for words in ("Step 1 failure", "2 failed exam attempts", "graduation in 2021", "visa need"):
        flag = next(f for f in flags if words in f)
        assert "likely lower than shown" in flag


def test_a_recent_graduate_with_a_clean_record_raises_no_red_flag() -> None:
    for year in (2026, 2027):  # applying in the year of graduation or the one after
        recent = parse_profile({**BASE, "applicant_type": "non-us-img", "step2": 245,
                                "graduation_year": year, "us_clinical_months": 6})  # fmt: skip
        assert not profile_flags(recent, 2028, PASSING, dt.date(2026, 11, 25))


def test_an_old_graduation_year_never_passes_silently() -> None:
    """Issue 15: graduating in 2016 instead of 2026 (season 2028, a non-U.S. IMG in Internal
    Medicine) raises a flag the 2026 graduate does not get, with the direction of the error."""
    today = dt.date(2026, 11, 25)
    img = {**BASE, "specialty": "internal medicine", "applicant_type": "non-us-img",
           "step2": 250, "us_clinical_months": 6}  # fmt: skip
    recent = profile_flags(parse_profile({**img, "graduation_year": 2026}), 2028, PASSING, today)
    old = profile_flags(parse_profile({**img, "graduation_year": 2016}), 2028, PASSING, today)
    new = [f for f in old if f not in recent]
    assert len(new) == 1 and "graduation in 2016 (12 years before the 2028 Match)" in new[0]
    assert "not counted" in new[0] and "likely lower than shown" in new[0]
    assert "many programs screen" in new[0]
    middling = profile_flags(parse_profile({**img, "graduation_year": 2024}), 2028, PASSING, today)
    assert any("some programs screen" in f for f in middling)


def test_an_img_without_us_clinical_experience_is_told_it_is_not_counted() -> None:
    today = dt.date(2026, 11, 25)
    img = {**BASE, "applicant_type": "non-us-img", "step2": 245, "graduation_year": 2027}
    flags = profile_flags(parse_profile(img), 2028, PASSING, today)
    flag = next(f for f in flags if "U.S. clinical experience" in f)
    assert "not counted" in flag and "likely lower than shown" in flag
    md = parse_profile({**BASE, "step2": 245})
    assert not any("clinical experience" in f for f in profile_flags(md, 2028, PASSING, today))


def test_the_failing_score_flag_comes_first() -> None:
    p = parse_profile({**BASE, "step2": 216, "step1": "fail"})
    flags = profile_flags(p, 2028, PASSING, dt.date(2026, 11, 25))
    assert "under the passing mark" in flags[0] and "retake" in flags[0]


def test_a_numeric_step1_is_read_against_the_passing_marks_of_its_years() -> None:
    from smartpick.core.profile import step1_failed, step1_reading

    marks = [194, 196]
    low = parse_profile({**BASE, "step1": 190})
    assert (step1_reading(low, marks) or ("",))[0] == "fail" and step1_failed(low, marks)
    between = parse_profile({**BASE, "step1": 195})
    assert (step1_reading(between, marks) or ("",))[0] == "unclear"
    passed = parse_profile({**BASE, "step1": 230})
    reading = step1_reading(passed, marks)
    assert reading is not None and reading[0] == "pass" and "not compared" in reading[1]
    assert not step1_failed(passed, marks)
    assert step1_reading(parse_profile({**BASE, "step1": "pass"}), marks) is None
