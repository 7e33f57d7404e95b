"""The 'In the season' page and its API: names pasted one a line under each answer, matched
to the catalogue; an unsure name gets suggestions; no command-line words on the page. The
web tests' app plans season 2028, so today is in its season."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

PROFILE = {"specialty": "internal_medicine", "applicant_type": "md", "step2": "238"}
FORM = {
    **PROFILE,
    "today": "2027-12-06",
    "invited": "Thomas Hospital\nUniv of Michigan",
    "rejected": "Mayo Clinic (Rochester)\nMassachusetts General Hospital\n1400500011",
    "waiting": "Brigham and Womens\nZucker Staten Island\n\n",
}


def test_the_page_reads_pasted_names_and_says_where_you_stand(client: TestClient) -> None:
    page = client.get("/midseason", params=FORM)
    assert page.status_code == 200, page.text
    text = page.text
    assert "Your chance of matching now: <strong>" in text
    assert 'id="next-steps"' in text and "Why:" in text
    for name in ("Thomas Hospital Program", "University of Michigan Program",
                 "Brigham and Women"):  # fmt: skip
        assert name in text
    assert "If it comes to SOAP" in text and "How silence is read" in text
    words = re.sub(r"<[^>]+>", " ", text)
    assert not re.search(r"--[a-z]|smartpick midseason|\.csv\b|docs/", words)


def test_an_unsure_name_gets_suggestions(client: TestClient) -> None:
    page = client.get("/midseason", params={**FORM, "waiting": "mount sinai"})
    assert page.status_code == 400
    assert "Programs you have not heard from, line 1" in page.text
    assert "Did you mean" in page.text and "Icahn School of Medicine at Mount Sinai" in page.text


def test_a_program_twice_is_named(client: TestClient) -> None:
    page = client.get("/midseason", params={**FORM, "waiting": "Thomas Hospital"})
    assert page.status_code == 400
    assert "Thomas Hospital Program is also in" in page.text


def test_the_page_takes_the_list_as_csv(client: TestClient) -> None:
    pasted = "program_id,status,date\n1403600333,invited,2027-11-02\n1400500011,waiting,\n"
    page = client.get("/midseason", params={**PROFILE, "today": "2027-12-06", "applied": pasted})
    assert page.status_code == 200
    assert "Mountain Area Health Education Center Program" in page.text
    bad = client.get(
        "/midseason", params={**PROFILE, "applied": pasted.replace("waiting", "maybe")}
    )
    assert bad.status_code == 400 and "line 3: status &#39;maybe&#39;" in bad.text


def _still_invites(text: str, name: str) -> str:
    table = text.split('id="answered-programs"', 1)[1]
    row = next(r for r in table.split("<tr>") if name in r)
    return re.findall(r"<td>([^<]*)</td>", row)[-1]


def test_signals_are_read_with_the_answers(client: TestClient) -> None:
    """A program signaled is marked so in the table and, still silent, more likely to invite
    than the same program unsignaled; a signaled program not in the lists is named beside
    its field, with everything typed kept."""
    plain = client.get("/midseason", params=FORM)
    marked = client.get(
        "/midseason",
        params={**FORM, "signaled_gold": "Thomas Hospital", "signaled_silver": "Zucker Staten"},
    )
    assert marked.status_code == 200, marked.text
    assert "; gold signal" in marked.text and "; silver signal" in marked.text
    before = _still_invites(plain.text, "Zucker")
    after = _still_invites(marked.text, "Zucker")
    assert float(after.rstrip("%<>")) > float(before.rstrip("%<>"))
    ortho = {**FORM, "specialty": "orthopaedic_surgery", "invited": "", "rejected": "",
             "waiting": "2605100001\n2603831176", "signaled_silver": "2603831176"}  # fmt: skip
    silver = client.get("/midseason", params=ortho)
    assert silver.status_code == 400
    said = html.unescape(silver.text)
    assert "Programs you sent a silver signal, line 1: Orthopaedic Surgery has no silver" in said
    assert 'id="signaled_silver" name="signaled_silver" rows="3" aria-invalid="true"' in said
    stray = client.get("/midseason", params={**FORM, "signaled_gold": "1402311153"})
    assert stray.status_code == 400
    assert "is not in your lists above" in stray.text
    assert ">1402311153</textarea>" in stray.text and "Thomas Hospital" in stray.text


def test_the_empty_page_is_the_form(client: TestClient) -> None:
    page = client.get("/midseason")
    assert page.status_code == 200
    assert 'name="waiting"' in page.text and "Your chance of matching now" not in page.text


def test_the_api_answers_with_the_declared_keys(client: TestClient) -> None:
    body: dict[str, Any] = {
        "profile": {"specialty": "im", "applicant_type": "md", "step2": 238},
        "applied": [
            {"program_id": "1400500011", "status": "invited", "date": "2027-11-02"},
            {"program_id": "1403600333", "status": "waiting"},
        ],
        "today": "2027-12-06",
    }
    answer = client.post("/api/v1/midseason", json=body)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert {"p_match_now", "p_match_now_interval", "expected_more_invitations", "next_steps",
            "add_programs"} <= set(got)  # fmt: skip
    schema = client.get("/openapi.json").json()
    assert "/api/v1/midseason" in schema["paths"] and "Midseason" in schema["components"]["schemas"]
    body["applied"][1]["signal"] = "silver"  # a silent program signaled is likelier to invite
    signaled = client.post("/api/v1/midseason", json=body).json()
    assert signaled["programs"][1]["signal"] == "silver"
    assert signaled["expected_more_invitations"] > got["expected_more_invitations"]
    body["applied"][1]["signal"] = "platinum"
    assert client.post("/api/v1/midseason", json=body).status_code in (400, 422)
    body["applied"][1].pop("signal")
    body["applied"][0]["date"] = "2027-12-20"
    late = client.post("/api/v1/midseason", json=body)
    assert late.status_code == 400 and "line 1" in late.json()["error"]


def test_the_page_names_the_season_it_reads_not_the_one_planned(client: TestClient) -> None:
    empty = client.get("/midseason").text
    assert "Reading the Match season in progress." in empty and "Planning for the" not in empty
    page = client.get("/midseason", params=FORM).text
    season = re.search(r"season (\d{4}), on", page)
    assert season and f"Reading the {season.group(1)} Match as it happens." in page
    assert "Planning for the" in client.get("/").text


def test_a_plan_opens_the_season_with_its_list_and_its_chance(client: TestClient) -> None:
    """From the plan, the season page takes the list as it stands before any answer: every
    program not heard from, the signals the plan placed, the plan's season; read before
    programs start reviewing, it gives the plan's chance."""
    query = "specialty=orthopaedic_surgery&applicant_type=md&step2=247&budget=2000"
    plan = client.get(f"/plan?{query}").text
    link = re.search(r'id="season-link" href="([^"]+)"', plan)
    assert link is not None
    headline = re.search(r"programs</strong>: <strong>(\d+%)</strong> chance", plan)
    assert headline is not None
    season = client.get(html.unescape(link.group(1)) + "&today=2027-09-20")
    assert season.status_code == 200, season.text
    assert f"Your chance of matching now: <strong>{headline.group(1)}</strong>" in season.text
    assert "season 2028" in season.text and "; your signal" in season.text
