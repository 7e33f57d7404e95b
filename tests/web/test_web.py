"""The web app in-process: every page and API endpoint, with good and bad input."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.settings import load_config
from smartpick.web import create_app

SHARE_LINK = r'id="share-link" href="http://testserver/saved/([^"]+)"'
GOOD = "specialty=psychiatry&applicant_type=md&step2=240&school_state=OH"


def no_outside_requests(html: str) -> None:
    """Every script, stylesheet, image and form goes to the app itself."""
    for tag in re.findall(r"<(?:script|link|img|iframe|form)\b[^>]*>", html):
        assert not re.search(r'(?:src|href|action)="(?:https?:)?//', tag), tag


def test_the_form_has_every_field_and_no_outside_request(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for name in (
        "specialty",
        "applicant_type",
        "step2",
        "step1",
        "school_state",
        "visa",
        "graduation_year",
        "backup_specialty",
        "applications",
        "budget",
        "cost_of_not_matching",
        "signals",
    ):
        assert f'<label for="{name}"' in page.text and f'id="{name}"' in page.text, name
    no_outside_requests(page.text)


def test_a_plan_page_shows_the_list_the_standing_and_the_advice(client: TestClient) -> None:
    page = client.get(f"/plan?{GOOD}")
    assert page.status_code == 200
    html = page.text
    assert "Apply to" in html and 'class="tier tier-' in html and "/programs/" in html
    assert "Where your score stands" in html and "Step 2 CK strategy" in html
    assert "What applicants like you send:" in html and "cautious end of its range" in html
    assert "<svg" in html and "<polyline" in html
    no_outside_requests(html)


def test_a_bad_field_is_reported_beside_it_and_what_was_typed_is_kept(
    client: TestClient,
) -> None:
    page = client.get("/plan?specialty=psychiatry&applicant_type=md&step2=999&school_state=OH")
    assert page.status_code == 400
    assert 'id="step2-error"' in page.text and "300" in page.text
    assert 'value="999"' in page.text and 'value="OH"' in page.text
    missing = client.get("/plan?applicant_type=md&step2=240")
    assert missing.status_code == 400 and 'id="specialty-error"' in missing.text
    season = client.get(f"/plan?{GOOD}&season=1999")
    assert season.status_code == 400 and 'id="season-error"' in season.text
    typo = client.get("/plan?specialty=psychiatry&applicant_type=md&budget=lots")
    assert typo.status_code == 400 and 'id="budget-error"' in typo.text


def test_the_list_downloads_as_csv(client: TestClient) -> None:
    response = client.get(f"/plan.csv?{GOOD}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("program_id,name,city,state,tier") and len(lines) > 1


def test_a_program_page_cites_each_field_and_an_unknown_program_is_a_404(
    client: TestClient,
) -> None:
    page = client.get("/programs/1403521292")
    assert page.status_code == 200 and "Source" in page.text and "FREIDA" in page.text
    missing = client.get("/programs/0000000000")
    assert missing.status_code == 404 and "no program" in missing.text


def test_how_it_works_and_the_stylesheet(client: TestClient) -> None:
    assert "How it works" in client.get("/how-it-works").text
    assert client.get("/static/style.css").status_code == 200


def test_the_api_answers_and_refuses_bad_input(client: TestClient) -> None:
    profile = {"specialty": "psychiatry", "applicant_type": "md", "step2": 240}
    plan = client.post("/api/v1/plan", json={"profile": profile, "applications": 20})
    assert plan.status_code == 200 and plan.json()["applications"] == 20
    for path, body in (
        ("/api/v1/standing", profile),
        ("/api/v1/chances", {"profile": profile}),
        ("/api/v1/advise", {"profile": profile}),
    ):
        assert client.post(path, json=body).status_code == 200, path
    assert client.get("/api/v1/specialties").json()[0]["key"]
    bad = client.post("/api/v1/plan", json={"profile": {**profile, "step2": 999}})
    assert bad.status_code == 422 and "step2" in bad.json()["error"]
    unknown = client.post("/api/v1/plan", json={"profile": {**profile, "specialty": "nope"}})
    assert unknown.status_code == 400 and "unknown specialty" in unknown.json()["error"]
    schema = client.get("/openapi.json").json()
    assert {"/api/v1/plan", "/api/v1/chances", "/api/v1/standing", "/api/v1/advise"} <= set(
        schema["paths"]
    )


def test_a_saved_plan_has_a_read_link_and_a_separate_delete_link(client: TestClient) -> None:
    fields = dict(pair.split("=") for pair in GOOD.split("&"))
    page = client.get(f"/plan?{GOOD}").text  # sets the CSRF cookie the form echoes
    token_field = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    forged = client.post("/saved", data=fields)  # no token: a form from elsewhere
    assert forged.status_code == 400 and "expired" in forged.text
    saved = client.post("/saved", data={**fields, "csrf": token_field})
    assert saved.status_code == 201
    token = re.search(SHARE_LINK, saved.text).group(1)  # type: ignore[union-attr]
    key = re.search(r"delete\?key=([^\"]+)\"", saved.text).group(1)  # type: ignore[union-attr]
    assert len(token) >= 22 and len(key) >= 22 and token != key  # 128 random bits each
    shared = client.get(f"/saved/{token}")
    assert shared.status_code == 200 and "Apply to" in shared.text and "Saved on" in shared.text
    assert "/delete" not in shared.text  # the read-only page cannot delete
    confirm = client.get(f"/saved/{token}/delete?key={key}")
    assert confirm.status_code == 200 and f'value="{key}"' in confirm.text
    wrong = client.post(f"/saved/{token}/delete", data={"key": token, "csrf": token_field})
    assert wrong.status_code == 404
    assert client.get(f"/saved/{token}").status_code == 200  # still there
    no_csrf = client.post(f"/saved/{token}/delete", data={"key": key})
    assert no_csrf.status_code == 400
    done = client.post(f"/saved/{token}/delete", data={"key": key, "csrf": token_field})
    assert done.status_code == 200 and "Deleted" in done.text
    assert client.get(f"/saved/{token}").status_code == 404


def test_only_a_valid_plan_is_saved(client: TestClient) -> None:
    bad = client.post(
        "/saved", data={"specialty": "psychiatry", "applicant_type": "md", "step2": "999"}
    )
    assert bad.status_code == 400


def test_the_plan_downloads_as_a_pdf_with_the_programs_in_it(client: TestClient) -> None:
    import io

    from pypdf import PdfReader

    response = client.get(f"/plan.pdf?{GOOD}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    listed = client.get(f"/plan.csv?{GOOD}").text.splitlines()[1].split(",")[1]
    assert listed.split()[0] in text and "Step 2 CK strategy" in text


def test_the_plan_maps_every_program_or_names_it(client: TestClient) -> None:
    html = client.get(f"/plan?{GOOD}&applications=30").text
    dots = len(re.findall(r'<circle class="dot', html))
    rows = len(re.findall(r"<tr data-tier=", html))
    named = re.search(r"Not on the map: ([^<]*)\.", html)
    outside = len(named.group(1).split("; ")) if named else 0
    assert rows == 30 and dots + outside == rows
    assert html.count('<path class="state"') == 52  # with Puerto Rico's inset


def test_the_openapi_declares_the_answers_with_their_bounds(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    parts = schema["components"]["schemas"]
    program = parts["PlanProgram"]["properties"]
    assert program["p_interview"]["maximum"] == 1 and program["p_interview"]["minimum"] == 0
    assert set(program["tier"]["enum"]) == {"reach", "target", "likely"}
    plan = schema["paths"]["/api/v1/plan"]["post"]["responses"]
    assert {"200", "400", "413", "422", "429"} <= set(plan)
    too_big = client.post("/api/v1/plan", content=b"{" + b" " * 70_000 + b"}",
                          headers={"Content-Type": "application/json"})  # fmt: skip
    assert too_big.status_code == 413 and "at most 64 KB" in too_big.json()["error"]
    profile = {"specialty": "psychiatry", "applicant_type": "md", "step2": 240}
    first = client.post("/api/v1/chances", json={"profile": profile}).json()["programs"][0]
    own = client.post(
        "/api/v1/chances", json={"profile": profile, "apply": [first["acgme_id"]]}
    ).json()
    assert own["list"]["p_match"] > 0


def test_the_validation_report_is_served_with_its_figures(client: TestClient) -> None:
    page = client.get("/validation")
    assert page.status_code == 200 and "<table>" in page.text and "Brier" in page.text
    for figure in re.findall(r'src="(/validation/[a-z]+\.svg)"', page.text):
        assert client.get(figure).headers["content-type"].startswith("image/svg+xml")
    assert client.get("/validation/nothing.svg").status_code == 404
    words = html.unescape(re.sub(r"<[^>]+>", " ", page.text))
    # the report's commands, modules, files and keys said in words on the page
    assert not re.search(r"smartpick \w|docs/|core\.|\b[a-z]+_[a-z_]+\b|issue \d", words)
    assert "Made by SmartPick's validation run" in words
    assert "Internal Medicine" in words and "non-U.S. IMG" in words


def test_away_rotations_from_the_form_reach_the_plan(client: TestClient) -> None:
    import csv

    def rows(extra: str = "") -> dict[str, dict[str, str]]:
        text = client.get(f"/plan.csv?{GOOD}&applications=40{extra}").text
        return {r["program_id"]: r for r in csv.DictReader(text.splitlines())}

    plain = rows()
    last = list(plain)[-1]
    rotated = rows(f"&away_rotations={last}")
    assert float(rotated[last]["p_interview"]) > float(plain[last]["p_interview"])
    bad = client.get(f"/plan?{GOOD}&away_rotations=12")
    assert bad.status_code == 400 and "away_rotations" in bad.text


def test_every_page_has_a_plain_title(client: TestClient) -> None:
    for path in ("/", f"/plan?{GOOD}", "/programs/1403521292", "/how-it-works"):
        title = re.search(r"<title>([^<]*)</title>", client.get(path).text)
        assert title and "SmartPick" in title.group(1) and "<" not in title.group(1), path


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", f"/plan?{GOOD}", "/static/style.css", "/api/v1/specialties"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_a_request_too_large_is_refused(client: TestClient) -> None:
    big = {"profile": {"specialty": "x" * 70_000, "applicant_type": "md"}}
    assert client.post("/api/v1/plan", json=big).status_code == 413


def test_one_client_past_its_rate_gets_429_and_others_do_not(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    db = str(tmp_path_factory.mktemp("rate") / "r.db")
    app = create_app(load_config({"season": "2028", "db_path": db, "rate_limit": "60"}))
    with TestClient(app) as one:
        codes = [one.get("/how-it-works").status_code for _ in range(12)]
    assert codes[:6] == [200] * 6 and 429 in codes
    with TestClient(app, client=("10.0.0.2", 5000)) as other:
        assert other.get("/how-it-works").status_code == 200


RANKED = ["4004500001", "4002711108", "4004100280"]


def test_the_rank_page_shows_the_chance_at_each_rank(client: TestClient) -> None:
    empty = client.get("/rank?specialty=psychiatry&applicant_type=md")
    assert empty.status_code == 200 and 'id="programs"' in empty.text
    assert "rank-list" not in empty.text
    page = client.get(
        "/rank",
        params={"specialty": "psychiatry", "applicant_type": "md", "step2": "240",
                "programs": "\n".join(RANKED), "ratings": f"{RANKED[2]}=9"},
    )  # fmt: skip
    assert page.status_code == 200
    no_outside_requests(page.text)
    table = page.text.split('id="rank-list"')[1].split("</table>")[0]
    assert table.index(RANKED[2]) < table.index(RANKED[0])  # the rating leads the order
    assert "none beats your true order" in page.text


def test_the_rank_page_says_what_is_wrong_beside_the_field(client: TestClient) -> None:
    page = client.get(
        "/rank",
        params={"specialty": "psychiatry", "applicant_type": "md",
                "programs": f"{RANKED[0]}\n{RANKED[0]}"},
    )  # fmt: skip
    assert page.status_code == 400
    assert 'id="programs-error"' in page.text and "listed twice" in page.text
    assert f"{RANKED[0]}\n{RANKED[0]}" in page.text  # what was typed is kept
    page = client.get(
        "/rank",
        params={"specialty": "psychiatry", "applicant_type": "md", "programs": RANKED[0],
                "ratings": "nonsense"},
    )  # fmt: skip
    assert page.status_code == 400 and 'id="ratings-error"' in page.text


def test_the_plan_page_links_to_the_rank_page_with_the_profile(client: TestClient) -> None:
    page = client.get("/plan?specialty=psychiatry&applicant_type=md&step2=240")
    assert 'href="/rank?' in page.text and "applicant_type=md" in page.text


def test_the_rank_api_answers_in_its_declared_shape(client: TestClient) -> None:
    body = {"profile": {"specialty": "psychiatry", "applicant_type": "md", "step2": 240},
            "programs": RANKED}  # fmt: skip
    answer = client.post("/api/v1/rank", json=body)
    assert answer.status_code == 200
    data = answer.json()
    assert [r["acgme_id"] for r in data["programs"]] == RANKED
    assert data["search"]["true_order_is_best"] is True
    bad = client.post("/api/v1/rank", json={**body, "programs": ["0000000000"]})
    assert bad.status_code == 400 and bad.json()["field"] == "programs"


def test_the_form_takes_fee_assistance_and_the_plan_prices_with_it(client: TestClient) -> None:
    form = client.get("/")
    assert 'id="fee_assistance"' in form.text and 'for="fee_assistance"' in form.text
    profile = "specialty=internal_medicine&applicant_type=md&step2=236&applications=20"
    full = client.get(f"/plan?{profile}")
    assisted = client.get(f"/plan?{profile}&fee_assistance=yes")
    assert assisted.status_code == 200 and "Fee Assistance Program" in assisted.text
    # whole dollars on the page (65.97 in JSON)
    assert "$220" in full.text and "$66 " in assisted.text
    assert "Fees per point of chance" in full.text
    bad = client.get(f"/plan?{profile}&fee_assistance=maybe")
    assert bad.status_code == 400 and 'id="fee_assistance-error"' in bad.text
    api = client.post(
        "/api/v1/plan",
        json={"profile": {"specialty": "internal_medicine", "applicant_type": "md"},
              "applications": 20, "fee_assistance": True},
    )  # fmt: skip
    assert api.status_code == 200 and api.json()["fee_assistance"]["covered"] == 50


def test_the_form_takes_geographic_preferences_and_connections(client: TestClient) -> None:
    form = client.get("/")
    assert 'id="geography"' in form.text and 'id="connections"' in form.text
    auto = client.get("/plan?specialty=psychiatry&applicant_type=md&step2=240&geography=auto")
    assert auto.status_code == 200 and 'id="geography-choice"' in auto.text
    stated = client.get(
        "/plan?specialty=psychiatry&applicant_type=md&step2=240&geography=pacific,mountain"
    )
    assert "census divisions 8, 9" in stated.text
    tied = client.get("/plan?specialty=emergency_medicine&applicant_type=md&connections=TX")
    assert tied.status_code == 200 and 'id="connections-choice"' in tied.text
    for query, field in (
        ("specialty=psychiatry&applicant_type=md&geography=mars", "geography"),
        ("specialty=psychiatry&applicant_type=md&connections=TX", "connections"),
        ("specialty=emergency_medicine&applicant_type=md&geography=auto", "geography"),
    ):
        bad = client.get(f"/plan?{query}")
        assert bad.status_code == 400 and f'id="{field}-error"' in bad.text, query


# A profile with red flags the model does not count, and one whose Step 2 CK fails.
FLAGGED = (
    "specialty=psychiatry&applicant_type=non-us-img&step2=240&step1=fail&visa=j1"
    "&graduation_year=2020"
)
FAILING = "specialty=family_medicine&applicant_type=md&step2=216&step2_date=2026-01-10"
PERCENT = re.compile(r"\d\s*%")


def main_of(html: str) -> str:
    """The page without its header and footer."""
    return html.split("<main>")[1].split("</main>")[0]


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_red_flags_are_said_first_before_any_number(client: TestClient) -> None:
    page = client.get(f"/plan?{FLAGGED}")
    assert page.status_code == 200
    html = main_of(page.text)
    flags = html.index('id="flags-h"')
    block = html[flags : html.index("</section>", flags)]
    assert "Step 1 failure" in block and "likely lower than shown" in block
    assert "Graduation in 2020" in block and "visa need" in block
    assert flags < html.index('id="standing-h"') < html.index('id="plan-h"')
    assert flags < html.index("Apply to")
    assert not PERCENT.search(html[:flags])  # no chance comes before the warnings
    notes = html[html.index('id="notes-h"') :]
    assert "Step 1 failure" not in notes  # said once, at the top; the notes stay at the bottom
    text = pdf_text(client.get(f"/plan.pdf?{FLAGGED}").content)
    assert text.index("Read this first") < text.index("Step 1 failure") < text.index("Apply to")
    assert not PERCENT.search(text[: text.index("Step 1 failure")])


def test_a_failing_score_gets_the_retake_path_and_no_chance(client: TestClient) -> None:
    page = client.get(f"/plan?{FAILING}")
    assert page.status_code == 200
    html = main_of(page.text)
    assert html.index('id="flags-h"') < html.index('id="retake-h"')
    retake = html[html.index('id="retake-h"') : html.index("</section>", html.index("retake-h"))]
    steps = re.findall(r"<li>(.*?)</li>", retake)
    assert len(steps) >= 3 and any("Retake Step 2 CK" in s for s in steps)
    assert "under the passing mark of 218" in retake
    assert not PERCENT.search(html)  # no chance anywhere
    assert "Apply to" not in html and 'class="list"' not in html and "<polyline" not in html
    assert "/plan.csv" not in html  # no list to download
    assert "Save this plan" not in html and "/rank?" not in html  # nor to save or rank
    text = pdf_text(client.get(f"/plan.pdf?{FAILING}").content)
    assert "The retake path" in text and "Retake Step 2 CK" in text
    assert not PERCENT.search(text) and "Apply to" not in text


def test_the_cost_of_not_matching_is_taken_as_people_write_it(client: TestClient) -> None:
    form = client.get("/")
    assert 'for="cost_of_not_matching"' in form.text and "$68,166" in form.text
    profile = {"specialty": "psychiatry", "applicant_type": "md", "step2": "240"}
    page = client.get("/plan", params={**profile, "cost_of_not_matching": "$50,000"})
    assert page.status_code == 200
    assert "costing you $50,000" in page.text and "your own figure" in page.text.lower()
    default = client.get("/plan", params=profile)
    assert "costing you $68,166" in default.text and "AAMC" in default.text
    bad = client.get("/plan", params={**profile, "cost_of_not_matching": "abc"})
    assert bad.status_code == 400 and 'id="cost_of_not_matching-error"' in bad.text
    assert "is not an amount in dollars" in bad.text and 'value="abc"' in bad.text
    zero = client.get("/plan", params={**profile, "cost_of_not_matching": "0"})
    assert zero.status_code == 400 and "above $0" in zero.text


def test_a_saved_plan_keeps_its_cost_of_not_matching(client: TestClient) -> None:
    fields = {**dict(pair.split("=") for pair in GOOD.split("&")), "cost_of_not_matching": "50000"}
    page = client.get("/plan", params=fields).text
    assert 'name="cost_of_not_matching" value="50000"' in page  # the save form carries it
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    saved = client.post("/saved", data={**fields, "csrf": csrf})
    assert saved.status_code == 201
    token = re.search(SHARE_LINK, saved.text).group(1)  # type: ignore[union-attr]
    shared = client.get(f"/saved/{token}")
    assert shared.status_code == 200 and "costing you $50,000" in shared.text


def test_a_budget_says_what_is_left_unspent(client: TestClient) -> None:
    # More than 150 applications (the most a plan weighs) cost in Psychiatry: some is left.
    profile = dict(pair.split("=") for pair in GOOD.split("&"))
    page = client.get("/plan", params={**profile, "budget": "$5,000"})  # as people write it
    assert page.status_code == 200
    assert re.search(r"Of your \$5,000 budget, \$[\d,]+ is left unspent\.", page.text)
    assert "left unspent" not in client.get(f"/plan?{GOOD}").text
    text = pdf_text(client.get("/plan.pdf", params={**profile, "budget": "5000"}).content)
    assert re.search(r"Of your \$5,000 budget, \$[\d,]+ is left unspent\.", text)


def test_pages_never_show_a_certainty_the_model_does_not_have() -> None:
    from smartpick.web.pdf import percent

    assert (percent(0.9961), percent(0.994), percent(0.5), percent(0.0031), percent(0.0)) == (
        ">99%",
        "99%",
        "50%",
        "<1%",
        "0%",
    )


def test_the_app_keeps_numpy_linear_algebra_to_one_thread(client: TestClient) -> None:
    """A worker answers pages in parallel threads; BLAS threads on top of them stalled the
    server (docs/benchmarks.md)."""
    from threadpoolctl import threadpool_info

    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == 1 for p in blas)


def test_a_warmed_app_has_the_engines_shared_work_made_before_the_first_request(
    tmp_path: Path,
) -> None:
    """smartpick serve warms the engine at start-up (issue 18: a restart under load)."""
    config = load_config({"season": "2028", "db_path": str(tmp_path / "w.db")})
    app = create_app(config, warm=True)
    assert app.state.services.evaluator.pairs == 0
    with TestClient(app) as warmed:  # start-up runs here
        pairs = app.state.services.evaluator.pairs
        specialties = [
            s for s in app.state.services.specialties()
            if app.state.services.engine.inputs(s.key) is not None
        ]  # fmt: skip
        assert pairs >= 3 * len(specialties) > 0
        assert warmed.get("/plan?" + GOOD).status_code == 200
        assert app.state.services.evaluator.pairs == pairs  # nothing new was needed


def test_a_form_with_five_wrong_fields_marks_all_five_in_plain_words(client: TestClient) -> None:
    wrong = {"specialty": "", "applicant_type": "", "step2": "2a7", "graduation_year": "twenty",
             "research_items": "two", "budget": "$2,000"}  # fmt: skip
    page = client.get("/plan", params=wrong)
    assert page.status_code == 400
    marked = set(re.findall(r'id="([a-z0-9_]+)"[^>]*aria-invalid="true"', page.text))
    assert marked == {"specialty", "applicant_type", "step2", "graduation_year", "research_items"}
    said = dict(re.findall(r'id="([a-z0-9_]+)-error"[^>]*>([^<]*)<', page.text))
    assert set(said) == marked
    assert "Step 2 CK" in said["step2"] and "such as 245" in said["step2"]
    assert "Input should" not in page.text  # no validator's words


def test_a_score_out_of_range_and_a_negative_budget_are_marked_with_the_rest(
    client: TestClient,
) -> None:
    wrong = {"specialty": "", "applicant_type": "md", "step2": "400", "school_state": "Narnia",
             "budget": "-500", "applications": "0"}  # fmt: skip
    page = client.get("/plan", params=wrong)
    assert page.status_code == 400
    said = {k: html.unescape(v) for k, v in
            re.findall(r'id="([a-z0-9_]+)-error"[^>]*>([^<]*)<', page.text)}  # fmt: skip
    assert set(said) == {"specialty", "step2", "school_state", "budget", "applications"}
    assert "400 is out of range; give a number from 1 to 300" in said["step2"]
    assert "'-500' is not an amount you can spend" in said["budget"]
    assert "give 1 or more" in said["applications"]
    assert "less than or equal" not in page.text and "$-500" not in page.text


def test_the_form_takes_dollars_with_commas_and_us_dates(client: TestClient) -> None:
    typed = {"specialty": "psychiatry", "applicant_type": "md", "step2": "240",
             "budget": "$2,000", "step2_date": "07/28/2027"}  # fmt: skip
    assert client.get("/plan", params=typed).status_code == 200


def test_the_plan_page_says_what_it_was_made_from_in_plain_words(client: TestClient) -> None:
    """Issue 16: Orthopaedics, MD 247, backup General Surgery, Ohio, $2,000."""
    profile = {"specialty": "orthopaedic surgery", "applicant_type": "md", "step2": "247",
               "backup_specialty": "general surgery", "school_state": "OH",
               "budget": "$2,000"}  # fmt: skip
    page = client.get("/plan", params=profile)
    assert page.status_code == 200
    summary = re.search(r'id="profile-summary">(.*?)</p>', page.text)
    assert summary is not None and page.text.index("profile-summary") < page.text.index("<h2")
    for said in ("U.S. MD senior", "Step 2 CK 247", "OH", "backup General Surgery", "$2,000"):
        assert said in summary.group(1)
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "General Surgery" in text.split("Made from")[1]
    for wrong in (" --", "signal signal", " 1 programs"):
        assert wrong not in text, wrong
    assert not re.search(r"\$[\d,]+\.\d\d", text)  # dollars rounded as a person would


def test_the_plan_page_defines_its_terms(client: TestClient) -> None:
    page = client.get("/plan?" + GOOD).text
    terms = re.search(r'<details class="terms" id="terms">(.*?)</details>', page, re.S)
    assert terms is not None
    words = re.sub(r"<[^>]+>", "", terms.group(1))
    for term in ("Interview", "Match here alone", "Tier", "Signal"):
        assert f"{term}" in words
    assert "likely at 30% or more" in words and "reach under 10%" in words
    assert re.search(r"allows \d+ signals", words)  # psychiatry: one tier, no "signal signals"


def test_small_things_a_student_would_notice(client: TestClient) -> None:
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "no page at this address" in missing.text
    assert "not Found" not in missing.text
    form = client.get("/").text
    names = re.findall(r'<option value="[a-z_]+"[^>]*>([^<]+)</option>', form)
    listed = names[: names.index("U.S. MD senior")]  # the specialties come first
    assert listed == sorted(listed) and "General Surgery" in listed


def test_the_chart_marks_the_recommended_count_and_runs_to_about_twice_it(
    client: TestClient,
) -> None:
    page = client.get("/plan?" + GOOD).text
    found = re.search(r"Apply to <strong>(\d+) programs", page)
    assert found is not None
    recommended = int(found.group(1))
    assert f"{recommended} recommended" in page and 'id="chart-mark"' in page
    svg = page[page.index('aria-labelledby="chart-title"') :]
    svg = svg[: svg.index("</svg>")]
    labels = [int(v) for v in re.findall(r'text-anchor="middle">(\d+)</text>', svg)]
    assert max(labels) <= max(2 * recommended, recommended + 10)
    assert "applications (and their fees)" in svg and "chance of matching" in svg


def test_a_page_its_csv_and_its_pdf_make_one_plan(client: TestClient) -> None:
    answers = client.app.state.services.answers  # type: ignore[attr-defined]
    query = "specialty=neurology&applicant_type=md&step2=244&school_state=WI"
    before = answers.made
    assert client.get(f"/plan?{query}").status_code == 200
    made = answers.made - before
    assert made == 1  # the page's plan (an actual score: the advice reuses it)
    csv_rows = client.get(f"/plan.csv?{query}").text.splitlines()
    assert client.get(f"/plan.pdf?{query}").status_code == 200
    assert answers.made - before == made  # the CSV and the PDF are the same plan
    page = client.get(f"/plan?{query}&applications=7")
    assert page.status_code == 200 and answers.made - before == made + 1  # another question
    assert len(csv_rows) > 2


def test_a_named_backup_is_always_shown(client: TestClient) -> None:
    page = client.get(f"/plan?{GOOD}&step2=255&backup_specialty=family+medicine").text
    said = re.search(r'<p id="parallel">(.*?)</p>', page, re.S)
    assert said is not None and "Your backup, Family Medicine: not needed" in said.group(1)
    link = re.search(r'href="/plan\?([^"]+)"', said.group(1))
    assert link is not None and "specialty=family_medicine" in link.group(1)
    assert "backup_specialty" not in link.group(1)
    other = client.get("/plan?" + link.group(1).replace("&amp;", "&"))
    assert other.status_code == 200 and "Family Medicine: your plan" in other.text


def test_sources_are_folded_and_in_plain_words(client: TestClient) -> None:
    page = client.get("/plan?" + GOOD).text
    assert '<details class="sources">' in page
    assert "(commit " not in page and "nbmecalc lib/" not in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"[\w/-]+\.(csv|md|py)\b", text)  # no file names on the page


def test_the_site_has_an_icon(client: TestClient) -> None:
    page = client.get("/").text
    assert 'rel="icon" href="/static/favicon.svg"' in page
    for path in ("/static/favicon.svg", "/favicon.ico"):
        icon = client.get(path)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
        assert icon.text.startswith("<svg")


def test_a_program_in_puerto_rico_is_drawn_in_its_inset(client: TestClient) -> None:
    from smartpick.core.results import Plan
    from smartpick.web.figures import plan_map

    services = client.app.state.services  # type: ignore[attr-defined]
    island = next(p for p in services.programs_by_id.values() if p.state == "PR")
    row = {
        "program_id": island.acgme_id, "name": island.name, "city": island.city, "state": "PR",
        "p_interview": 0.5, "p_interview_interval": [0.4, 0.6], "p_match_alone": 0.2,
        "p_end_here": 0.2, "loo_delta": 0.1, "tier": "target", "entry_level": "categorical",
        "signal": None, "reason": "a reason", "visa": "not needed",
        "visa_source": "no visa needed",
    }  # fmt: skip
    plan = Plan.model_validate(
        {"season": 2028, "specialty": island.specialty_key, "specialty_name": "x",
         "applicant_type": "md", "flags": [], "programs": [row], "not_modelled": []}
    )  # fmt: skip
    drawn = plan_map(services, plan)
    assert not drawn["outside"] and len(drawn["points"]) == 1
    x, y = drawn["points"][0]["x"], drawn["points"][0]["y"]
    assert 890 < x < drawn["width"] and 560 < y < drawn["height"]  # the inset, lower right
    assert any(s["name"] == "Puerto Rico" for s in drawn["states"])


def test_a_visa_need_adds_a_visa_column(client: TestClient) -> None:
    img = client.get("/plan?specialty=internal_medicine&applicant_type=non-us-img&step2=250"
                     "&visa=h1b").text  # fmt: skip
    assert '<th scope="col">Visa</th>' in img
    cells = re.findall(r'<td data-label="Visa" title="([^"]+)">(\w+)</td>', img)
    assert cells and {answer for _, answer in cells} <= {"yes", "unknown"}
    assert '<th scope="col">Visa</th>' not in client.get("/plan?" + GOOD).text


def test_the_recommended_mark_stays_clear_of_a_high_curve() -> None:
    from smartpick.core.results import CurvePoint
    from smartpick.web.figures import chart

    def curve(top: float) -> list[CurvePoint]:
        return [
            CurvePoint(
                n=n,
                cost=30.0 * n,
                p_match=top * min(1, n / 10),
                p_match_low=0.95 * top * min(1, n / 10),
            )
            for n in range(1, 41)
        ]

    high, low = chart(curve(0.99), 20)["mark"], chart(curve(0.6), 20)["mark"]
    assert high["label_y"] > high["y"] + 12  # under the curve, by the axis
    assert low["label_y"] == 24.0  # at the top, above a curve that stays low


def test_an_advanced_specialty_plan_shows_its_pgy1_year(client: TestClient) -> None:
    query = "specialty=dermatology&applicant_type=md&step2=258&school_state=OH"
    page = client.get(f"/plan?{query}")
    assert page.status_code == 200 and 'id="pgy1-h"' in page.text
    rows = page.text.split('id="pgy1-list"')[1].split("</table>")[0].count("<tr>")
    assert rows >= 11  # the header and at least ten programs
    assert "NRMP code" in page.text and "an estimate" in page.text
    lines = client.get(f"/plan.csv?{query}").text.splitlines()
    assert lines[0].endswith(",list") and sum(line.endswith(",PGY-1 year") for line in lines) >= 10
    psych = client.get("/plan?specialty=psychiatry&applicant_type=md&step2=245")
    assert 'id="pgy1-h"' not in psych.text


def test_the_api_plans_the_pgy1_year_and_ranks_a_supplemental_list(client: TestClient) -> None:
    profile = {"specialty": "dermatology", "applicant_type": "md", "step2": 258}
    plan = client.post("/api/v1/plan", json={"profile": profile}).json()
    codes = [p["program_id"] for p in plan["pgy1_plan"]["programs"][:3]]
    advanced = [p["program_id"] for p in plan["programs"] if p["entry_level"] == "advanced"][:3]
    body = {"profile": profile, "programs": advanced, "supplemental": codes}
    ranking = client.post("/api/v1/rank", json=body)
    assert ranking.status_code == 200
    extra = ranking.json()["supplemental"]
    assert [r["program_id"] for r in extra["programs"]] == codes and 0 < extra["p_pgy1"] < 1
    bad = client.post("/api/v1/rank", json={**body, "supplemental": ["0803500127"]})
    assert bad.status_code == 422 and "supplemental" in bad.text
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "supplemental" in schema["RankRequest"]["properties"]


def test_the_rank_page_takes_a_supplemental_list(client: TestClient) -> None:
    profile = {"specialty": "dermatology", "applicant_type": "md", "step2": 258}
    plan = client.post("/api/v1/plan", json={"profile": profile}).json()
    advanced = [p["program_id"] for p in plan["programs"] if p["entry_level"] == "advanced"][:3]
    codes = [p["program_id"] for p in plan["pgy1_plan"]["programs"][:2]]
    query = {**profile, "programs": "\n".join(advanced), "supplemental": "\n".join(codes)}
    page = client.get("/rank", params=query)
    assert page.status_code == 200 and 'id="supplemental-list"' in page.text
    assert all(code in page.text for code in codes)
    bad = client.get("/rank", params={**query, "supplemental": "9999999X9"})
    assert bad.status_code == 400 and 'id="supplemental-error"' in bad.text
    assert "9999999X9" in bad.text  # what was typed is kept
