"""The printed plan (issue 16): the PDF says what the plan page says, its chart and map drawn
as shapes, the parallel plan, the PGY-1 year and the advice under the page's headings."""

from __future__ import annotations

import html as markup
import io
import re
import warnings

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Circle, Polygon, Rect, String

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.core.results import CurvePoint
from smartpick.services.advice import SECTIONS
from smartpick.web.figures import chart
from smartpick.web.pdf_figures import chart_drawing, map_drawing

# A plan under the threshold with a backup specialty: a parallel plan.
PARALLEL = (
    "specialty=orthopaedic_surgery&applicant_type=md&step2=247&school_state=OH"
    "&backup_specialty=general_surgery"
)
# A list with advanced programs (a PGY-1 year to find) and no backup named.
ADVANCED = "specialty=dermatology&applicant_type=md&step2=250&school_state=NY"


def pdf_of(client: TestClient, query: str) -> tuple[str, PdfReader]:
    response = client.get(f"/plan.pdf?{query}")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


def page_text(html: str) -> str:
    """The page's words as a reader sees them: no tags, entities decoded, spaces collapsed."""
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def paragraph(html: str, starts: str) -> str:
    """The page's paragraph that starts with `starts`, as words."""
    found = re.search(rf"<p[^>]*>\s*(?:<strong>)?{re.escape(starts)}.*?</p>", html, re.S)
    assert found, starts
    return page_text(found.group(0)).replace(" :", ":")


def test_the_pdf_has_the_parallel_plan_the_page_shows(client: TestClient) -> None:
    html = client.get(f"/plan?{PARALLEL}").text
    text, _ = pdf_of(client, PARALLEL)
    said = paragraph(html, "Parallel plan with")
    assert re.fullmatch(
        r"Parallel plan with General Surgery: \d+ \+ \d+ programs give \d+% in your "
        r"preferred specialty and \d+% of matching at all\.",
        said,
    )
    assert said in text


def test_the_pdf_has_the_pgy1_note_and_why_there_is_no_parallel_plan(client: TestClient) -> None:
    html = client.get(f"/plan?{ADVANCED}").text
    text, _ = pdf_of(client, ADVANCED)
    pgy1 = re.search(r'<p id="pgy1">(\d+ of the programs are advanced[^<]*?)\s*(<a|</p>)', html)
    assert pgy1 and "PGY-1 year" in pgy1.group(1)
    assert pgy1.group(1) in text
    assert "Your PGY-1 year" in text and "NRMP code" not in text.split("Your PGY-1 year")[0]
    why = paragraph(html, "Parallel plan:")
    assert "name a backup specialty" in why and why in text
    assert "Parallel plan with" not in text


def test_the_pdf_has_the_recommendation_fees_signals_and_typical_list(client: TestClient) -> None:
    html = client.get(f"/plan?{PARALLEL}").text
    text, _ = pdf_of(client, PARALLEL)
    answer = re.search(r'<p id="recommendation"[^>]*>(.*?)</p>\s*<p>(.*?)</p>', html, re.S)
    assert answer is not None
    headline = page_text(answer.group(1)).replace(" :", ":")
    details = page_text(answer.group(2))
    assert headline.startswith("Apply to") and headline in text
    assert "with the transcript and NRMP fees" in details and details in text
    assert page_text(re.search(r'<p id="typical">.*?</p>', html).group(0)) in text  # type: ignore[union-attr]
    signals = re.findall(r"<p>(Signals \([^<]*placed\.)</p>", html)
    assert signals and all(s in text for s in signals)
    summary = page_text(re.search(r'id="profile-summary">.*?</p>', html).group(0))  # type: ignore[union-attr]
    assert summary.split(": ", 1)[1] in text  # what the plan was made from
    names = re.findall(r'<td><a href="/programs/\d+[^"]*">([^<]+)</a>', html)
    assert names and all(page_text(n) in text for n in names)  # each with its reason below


def test_the_pdf_has_the_advice_under_the_pages_headings_with_its_marks(
    client: TestClient,
) -> None:
    html = client.get(f"/plan?{PARALLEL}").text
    text, _ = pdf_of(client, PARALLEL)
    advice = html[html.index('id="advice-h"') : html.index('id="notes-h"')]
    headings = re.findall(r"<h3>([^<]+)</h3>", advice)
    assert len(headings) >= 3 and set(headings) <= set(SECTIONS.values())
    at = [text.index(h, text.index("Your Step 2 CK strategy")) for h in headings]
    assert at == sorted(at)  # in the page's order
    for item in re.findall(r"<li>(.*?)(?: <span class=\"mark\">|</li>)", advice):
        assert page_text(item) in text
    assert text.count("[from the data]") == advice.count('class="mark"') > 0
    timeline = paragraph(advice, "Programs start reviewing on")
    assert "latest safe test date" in timeline and timeline in text


def test_the_pdf_draws_the_chart_and_the_map(client: TestClient) -> None:
    html = client.get(f"/plan?{PARALLEL}").text
    text, reader = pdf_of(client, PARALLEL)
    recommended = re.search(r"Apply to <strong>(\d+) programs", html).group(1)  # type: ignore[union-attr]
    assert "applications (and their fees)" in text and "chance of matching" in text
    assert f"{recommended} recommended" in text
    svg = html[html.index('aria-labelledby="chart-title"') :]
    fees = re.findall(
        r'font-size="11" text-anchor="middle">(\$[\d,]+)</text>', svg[: svg.index("</svg>")]
    )
    assert fees and all(f in text for f in fees)  # the fees under the axis, as the page
    # The map's legend counts the marks by tier, as many as the page's dots of each tier.
    for tier in ("likely", "target", "reach"):
        dots = html.count(f'class="dot dot-{tier}"')
        assert re.search(rf"{tier}: {dots} programs?\b", text), tier
    assert "Map of the" in text
    assert "you: above" in text  # where the score stands, drawn too
    assert not any(page.images for page in reader.pages)  # shapes, not pictures


def test_the_pdf_speaks_plainly(client: TestClient) -> None:
    for query in (PARALLEL, ADVANCED):
        text, _ = pdf_of(client, query)
        assert not re.search(r"(?<![\w-])--[a-z]", text)  # no command-line flag
        assert "docs/validation.md" not in text
        assert not re.search(r"\d\.\d+%", text)  # whole percents, as the page


def test_the_map_marks_every_point_with_its_tiers_shape() -> None:
    square = {"id": "1", "name": "A", "d": "M0,0L100,0L100,100L0,100Z"}
    plan_map = {
        "width": 200,
        "height": 120,
        "states": [square],
        "points": [
            {"x": 10, "y": 10, "name": "P1", "tier": "likely"},
            {"x": 50, "y": 50, "name": "P2", "tier": "target"},
            {"x": 90, "y": 90, "name": "P3", "tier": "reach"},
            {"x": 20, "y": 80, "name": "P4", "tier": "reach"},
        ],
        "outside": [],
    }
    drawing = map_drawing(plan_map, 400)
    marks = drawing.contents[0].marks.contents
    assert [type(m) for m in marks] == [Polygon, Polygon, Rect, Circle]  # reaches drawn first
    legend = [s.text for s in drawing.contents if isinstance(s, String)]
    assert legend == ["likely: 1 program", "target: 1 program", "reach: 2 programs"]


def test_the_chart_marks_the_recommended_count_and_its_fees() -> None:
    curve = [
        CurvePoint(n=n, cost=30.0 * n, p_match=1 - 0.9**n, p_match_low=1 - 0.92**n)
        for n in range(1, 41)
    ]
    drawing = chart_drawing(chart(curve, 12), 400)
    assert drawing is not None and drawing.width == pytest.approx(400)
    words = [s.text for s in drawing.contents[0].contents if isinstance(s, String)]
    assert "12 recommended" in words and "applications (and their fees)" in words
    assert "$300" in words and "chance of matching" in words
    assert chart_drawing(chart([]), 400) is None


def test_the_pdf_says_which_programs_sponsor_the_visa_needed(client: TestClient) -> None:
    query = "specialty=internal_medicine&applicant_type=non-us-img&step2=250&visa=h1b"
    text, _ = pdf_of(client, query)
    assert "Visa: whether the program sponsors the visa you need" in text
    # the column's rows, as on the page (the definition above says "unknown" once)
    assert " yes " in text and text.count("unknown") > 1
    plain, _ = pdf_of(client, "specialty=internal_medicine&applicant_type=md&step2=245")
    assert "Visa:" not in plain and "not needed" not in plain
