"""A fuzz of profile files through the command line: any file (bytes that are not JSON, JSON
that is not an object, objects with the profile's fields holding values of every kind) gets
either an answer (exit 0) or a message saying what to fix (exit 2), never the catch-all
"internal problem" (the `invoke` fixture fails the test on it) and never a traceback."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from smartpick.core.profile import Profile
from tests.e2e.conftest import Invoke

FIELDS = list(Profile.model_fields)
BASE = {"specialty": "psychiatry", "applicant_type": "md"}
GOOD = {
    "specialty": ["psychiatry", "Internal Medicine", "ob-gyn", "family medicine"],
    "applicant_type": ["md", "do", "us-img", "non-us-img"],
    "step2": [180, 235, 260, 300],
    "step2_kind": ["actual", "expected"],
    "step2_date": ["2026-07-01", "2027-01-15"],
    "step1": ["pass", "fail", 230],
    "visa": ["none", "j1", "h1b", "either"],
    "home_state": ["NY", "Texas"],
    "school_state": ["CA"],
    "home_program": ["4003521001"],
    "away_rotations": [["4003521001"]],
    "backup_specialty": ["family medicine"],
    "season": [2027],
}
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["", " ", "NaN", "2026-02-30", "0x10", "1e9", "\u0000", "é" * 90]),
    st.lists(st.text(max_size=12), max_size=12),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly plausible profiles with a few fields odd, missing or unknown."""
    data: dict[str, Any] = {}
    for name in ("specialty", "applicant_type", *draw(st.sets(st.sampled_from(FIELDS)))):
        good = GOOD.get(name)
        odd = good is None or draw(st.sampled_from([False, False, False, True]))
        data[name] = draw(ODD) if odd else draw(st.sampled_from(good))
    if draw(st.sampled_from([False, False, False, True])):
        data.pop(draw(st.sampled_from(sorted(data))))
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.text(min_size=1, max_size=10))] = draw(ODD)
    return data


def _text(value: object) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


FILES = st.one_of(
    profiles().map(_text),
    profiles().map(_text),
    profiles().map(_text),
    st.binary(max_size=200),
    st.sampled_from([b"", b"{", b"[]", b"null", b'"x"', b"\xff\xfe{}", b'{"step2": NaN}']),
    st.floats().map(lambda x: _text({**BASE, "us_clinical_months": x})),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=FILES)
def test_any_profile_file_gets_an_answer_or_a_message(
    invoke: Invoke, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "profile.json"
    path.write_bytes(content)
    for command in (["profile", "check"], ["standing"]):
        result = invoke(*command, "--profile", str(path))
        assert result.code in (0, 2), (command, content, result.err)
        event(f"{command[-1]} exit {result.code}")
        if result.code == 2:
            assert result.err.startswith("Error: ") and "Traceback" not in result.err
        else:
            assert result.out.strip()


def test_the_fuzz_reaches_both_answers(invoke: Invoke, tmp_path: Path) -> None:
    """The generator makes files SmartPick accepts and files it refuses."""
    path = tmp_path / "profile.json"
    path.write_bytes(_text({"specialty": "psychiatry", "applicant_type": "md", "step2": 240}))
    assert invoke("standing", "--profile", str(path)).code == 0
    path.write_bytes(_text({"specialty": "psychiatry", "applicant_type": "md", "step2": math.inf}))
    assert invoke("standing", "--profile", str(path)).code == 2
