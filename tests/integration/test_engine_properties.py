"""Properties of the engine on the shipped dataset, for random profiles (METHODS §5.1)."""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartpick.core.model.interview import TYPES
from smartpick.core.profile import Profile
from smartpick.services import Services
from smartpick.services.chances import ProgramChances, program_chances
from smartpick.settings import load_config


@functools.cache
def services() -> Services:
    return Services(load_config({"season": "2028"}))


SPECIALTIES = sorted(
    {
        "anesthesiology",
        "dermatology",
        "emergency_medicine",
        "family_medicine",
        "internal_medicine",
        "neurological_surgery",
        "obstetrics_gynecology",
        "orthopaedic_surgery",
        "otolaryngology",
        "pediatrics",
        "psychiatry",
        "thoracic_surgery_integrated",
    }
)
STATES = ["NY", "TX", "CA", "OH", "AL", None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specialty=st.sampled_from(SPECIALTIES),
    applicant_type=st.sampled_from(TYPES),
    low=st.integers(200, 270),
    rise=st.integers(1, 30),
    state=st.sampled_from(STATES),
)
def test_chances_are_probabilities_that_rise_with_the_score_and_with_a_signal(
    specialty: str, applicant_type: str, low: int, rise: int, state: str | None
) -> None:
    def at(score: int) -> ProgramChances:
        profile = Profile(
            specialty=specialty, applicant_type=applicant_type, step2=score, school_state=state
        )
        result = program_chances(services(), profile)
        assert result is not None
        return result

    before, after = at(low), at(low + rise)
    for result in (before, after):
        for p in (
            result.p_interview,
            result.p_match_standalone,
            *result.p_interview_signal.values(),
        ):
            assert np.all((p >= 0) & (p <= 1))
        for p in result.p_interview_signal.values():
            assert np.all(p >= result.p_interview - 1e-12)
    assert np.all(after.p_interview >= before.p_interview - 1e-12)
    assert np.all(after.p_match_standalone >= before.p_match_standalone - 1e-12)
    again = at(low)
    assert np.array_equal(again.p_interview, before.p_interview)
