"""The student's journey in a real browser: profile, plan, a program, the CSV."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import RESULTS


def fill_profile(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.select_option("#specialty", "psychiatry")
    page.select_option("#applicant_type", "md")
    page.fill("#step2", "241")
    page.fill("#school_state", "OH")
    page.click("button[type=submit]")


def test_fill_the_form_and_get_a_list(page: Any, base_url: str) -> None:
    fill_profile(page, base_url)
    page.wait_for_selector("table tbody tr")
    assert "Psychiatry: your plan" in page.inner_text("h1")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert page.locator(".tier").count() == rows.count()


def test_a_mistake_is_shown_beside_its_field_and_nothing_typed_is_lost(
    page: Any, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.select_option("#specialty", "psychiatry")
    page.select_option("#applicant_type", "md")
    page.fill("#step2", "999")
    page.fill("#school_state", "OH")
    page.click("button[type=submit]")
    assert "300" in page.inner_text("#step2-error")
    assert page.input_value("#step2") == "999" and page.input_value("#school_state") == "OH"


def test_open_a_program_from_the_list(page: Any, base_url: str) -> None:
    """From the plan, a program's page shows your own chances there and leads back."""
    fill_profile(page, base_url)
    first = page.locator("table tbody tr a").first
    name = first.inner_text()
    first.click()
    assert page.inner_text("h1") == name
    chances = page.inner_text("#chance-table")
    assert "Invited to interview" in chances and "95% interval" in chances
    page.click("details.sources summary")
    assert "ACGME program list" in page.inner_text("details.sources")
    page.click("text=Back to your plan")
    assert "Psychiatry: your plan" in page.inner_text("h1")


def test_a_program_at_phone_width(page: Any, base_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(
        base_url + "/programs/4004500001?specialty=psychiatry&applicant_type=md&step2=241"
        "&school_state=OH"
    )
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "program-chances-375px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    for table in ("#chance-table", "#rates-table", "#facts-table"):
        box = page.locator(table).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1, table


def test_find_a_program_by_name_on_the_rank_page(page: Any, base_url: str) -> None:
    """Typing part of a program's name offers it; choosing it adds its ACGME id."""
    page.goto(base_url + "/rank?specialty=psychiatry&applicant_type=md&step2=241")
    search = page.locator("#programs-find")
    search.fill("south carolina orangeb")
    option = page.locator("#programs-find-list [role=option]").first
    option.wait_for()
    assert "Orangeburg" in option.inner_text() and "4004500001" in option.inner_text()
    assert search.get_attribute("aria-expanded") == "true"
    search.press("ArrowDown")
    search.press("Enter")  # chooses the program, does not submit the form
    assert page.input_value("#programs") == "4004500001"
    assert "added" in page.inner_text("#programs-find-status")
    search.fill("zzzz no such program")
    page.wait_for_function(
        "document.getElementById('programs-find-status').textContent.includes('No program')"
    )
    page.click("button[type=submit]")
    page.wait_for_selector("#rank-list tbody tr")
    assert "4004500001" in page.url


def test_export_the_list_as_csv(page: Any, base_url: str) -> None:
    fill_profile(page, base_url)
    with page.expect_download() as info:
        page.click("text=Download the list (CSV)")
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("program_id,name,city,state,tier")
    assert page.locator("table tbody tr a").first.inner_text() in text


def test_the_plan_at_phone_width(page: Any, base_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    fill_profile(page, base_url)
    page.wait_for_selector("table")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "plan-375px.png"), full_page=True)
    # Nothing wider than the screen but the table, which scrolls within itself.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    # The answer is on the first screen, before the standing, the chart and the map.
    answer = page.locator("#recommendation").bounding_box()
    assert answer is not None and answer["y"] + answer["height"] < 800
    order = page.eval_on_selector_all(
        "#answer, svg.chart, svg.map, #standing-h, #plan-h",
        "nodes => nodes.map(n => n.id || n.getAttribute('class'))",
    )
    assert order.index("answer") < order.index("standing-h") < order.index("plan-h")
    assert order.index("map") < order.index("plan-h")
    # Chart labels readable on a phone: at least 9 px tall as drawn.
    label = page.locator("svg.chart text").first.bounding_box()
    assert label is not None and label["height"] >= 9
    # The long list folds to its first ten programs until asked for all.
    rows = page.locator("table.list tbody tr")
    shown = page.locator("table.list tbody tr:not([hidden])")
    if rows.count() > 15:
        assert shown.count() == 10
        page.click("#list-more")
        assert shown.count() == rows.count()
    # The page grows with the list, not beyond: at most 220 px a program's row (34 programs
    # took 179 on 2026-12-07) and 7,000 px for everything else (6,060).
    height = page.evaluate("document.documentElement.scrollHeight")
    table = page.locator("table.list").bounding_box()
    assert table is not None
    assert table["height"] / rows.count() < 220, table["height"] / rows.count()
    assert height - table["height"] < 7_000, height - table["height"]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_fits_the_screen(page: Any, base_url: str, width: int) -> None:
    """Screenshots of every page at a desktop and a phone width (test-results/), and nothing
    wider than the screen."""
    page.set_viewport_size({"width": width, "height": 900})
    query = "specialty=psychiatry&applicant_type=md&step2=241&school_state=OH"
    page.goto(f"{base_url}/plan?{query}")
    program = page.locator("table.list tbody tr a").first.get_attribute("href")
    pages = {
        "form": "/",
        "plan": f"/plan?{query}",
        "program": program,
        "rank": "/rank",
        "midseason": f"/midseason?{query}&invited=Thomas+Hospital&waiting=Univ+of+Michigan",
        "pgy1-plan": "/plan?specialty=dermatology&applicant_type=md&step2=258&school_state=OH",
        "how-it-works": "/how-it-works",
        "validation": "/validation",
        "missing": "/no-such-page",
    }
    RESULTS.mkdir(exist_ok=True)
    for name, path in pages.items():
        page.goto(base_url + path)
        page.screenshot(path=str(RESULTS / f"{name}-{width}px.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width + 1, f"{name} is {scroll} px wide at {width}"


def _sorted_by_interview(page: Any) -> None:
    """The desktop table sorts by a column's header (the phone's cards have none)."""
    page.click("th:nth-child(5) button")  # Interview, ascending
    values = [
        float(v)
        for v in page.eval_on_selector_all(
            "table.list tbody tr td:nth-child(5)", "cells => cells.map(c => c.dataset.sort)"
        )
    ]
    assert values == sorted(values)
    page.click("th:nth-child(5) button")  # and descending
    values = [
        float(v)
        for v in page.eval_on_selector_all(
            "table.list tbody tr td:nth-child(5)", "cells => cells.map(c => c.dataset.sort)"
        )
    ]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_sort_and_filter_the_list(page: Any, base_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})  # the phone shows rows as cards
    page.goto(
        base_url + "/plan?specialty=family_medicine&applicant_type=do&step2=236"
        "&school_state=PA&applications=25"
    )
    page.wait_for_selector("#list-controls:not([hidden])")
    if width > 640:
        _sorted_by_interview(page)
    page.fill("#list-search", "PA")
    visible = page.locator("table.list tbody tr:visible")  # what the reader sees
    assert 0 < visible.count() < 25
    for i in range(visible.count()):
        assert "pa" in visible.nth(i).inner_text().lower()  # the search ignores case
    assert f"{visible.count()} of 25 programs shown" in page.inner_text("#list-count")
    page.fill("#list-search", "ne")  # a word's start, not any letters inside a word
    texts = page.eval_on_selector_all(
        "table.list tbody tr",
        "rows => rows.map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent)",
    )
    starts = [t for t in texts if re.search(r"\bne", t, re.I)]
    assert len(starts) < sum("ne" in t.lower() for t in texts)  # "Kennedy", "Medicine"...
    assert page.locator("table.list tbody tr:visible").count() == len(starts)
    page.fill("#list-search", "IN")  # a state: not the reasons' "in"
    for i in range(visible.count()):
        assert re.search(
            r"\bin", " ".join(visible.nth(i).locator("td").all_inner_texts()[:2]), re.I
        )
    page.fill("#list-search", "")
    page.select_option("#list-tier", "reach")
    shown = page.locator("table.list tbody tr:visible")
    assert shown.count() < 25
    for i in range(shown.count()):
        assert shown.nth(i).get_attribute("data-tier") == "reach"
    assert f"{shown.count()} of 25 programs shown" in page.inner_text("#list-count")


def test_save_and_reopen_the_share_link(page: Any, base_url: str) -> None:
    fill_profile(page, base_url)
    first = page.locator("table tbody tr a").first.inner_text()
    page.click("text=Save this plan and get a link")
    link = page.get_attribute("#share-link", "href")
    assert link is not None and link.startswith(base_url + "/saved/")  # a full address to share
    page.goto(link)
    assert "Saved on" in page.inner_text("main")
    assert page.locator("table tbody tr a").first.inner_text() == first


def test_download_the_pdf_and_find_the_programs_in_it(page: Any, base_url: str) -> None:
    from pypdf import PdfReader

    fill_profile(page, base_url)
    names = page.eval_on_selector_all("table tbody tr a", "links => links.map(a => a.textContent)")
    with page.expect_download() as info:
        page.click("text=Download the plan (PDF)")
    reader = PdfReader(info.value.path())
    # Names wrap inside their table cells: compare with whitespace collapsed.
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for name in names:
        assert " ".join(name.split()) in text, name


def test_the_content_security_policy_blocks_injected_script(page: Any, base_url: str) -> None:
    import pytest
    from playwright.sync_api import Error

    page.goto(base_url + "/")
    with pytest.raises(Error, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = 1")
    assert page.evaluate("window.injected === undefined")


def test_from_the_plan_to_the_rank_order_list(page: Any, base_url: str) -> None:
    """After the interviews: from the plan, open the rank page with the profile carried over,
    list three programs from the plan and get the chance at each rank."""
    fill_profile(page, base_url)
    ids = [
        href.rsplit("/", 1)[1].split("?", 1)[0]  # the link carries the plan's profile
        for href in page.locator("table tbody tr a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )[:3]
    ]
    page.click("text=After interviews: your rank order list")
    assert page.input_value("#step2") == "241"  # the profile came along
    page.fill("#programs", "\n".join(ids))
    page.click("button[type=submit]")
    page.wait_for_selector("#rank-list tbody tr")
    assert page.locator("#rank-list tbody tr").count() == 3
    assert "none beats your true order" in page.inner_text("#rank-search")
    page.screenshot(path=str(RESULTS / "rank.png"), full_page=True)


def test_the_pgy1_list_folds_until_asked(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/plan?specialty=dermatology&applicant_type=md&step2=258&school_state=OH")
    rows = page.locator("#pgy1-list tbody tr")
    shown = page.locator("#pgy1-list tbody tr:not([hidden])")
    assert rows.count() > 15 and shown.count() == 10
    page.get_by_role("button", name=re.compile(r"Show all \d+ PGY-1 programs")).click()
    assert shown.count() == rows.count()
    # The main list keeps its own controls.
    assert page.locator("#list-more").count() == 1
