"""The program page (issue 16): published facts in plain words, the applicant's own chances
when it is opened from a plan, and the search by name that fills in an ACGME id."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.data import load_dataset
from smartpick.services import Services
from smartpick.services.chances import chances_report
from smartpick.services.program import plain_source
from smartpick.settings import load_config
from smartpick.web import create_app
from smartpick.web.forms import PROFILE_FIELDS, parse_form_profile
from smartpick.web.pdf import percent
from smartpick.web.words import plain_words, span
from tests.web.test_web import no_outside_requests

PROFILE = {"specialty": "psychiatry", "applicant_type": "md", "step2": "240", "school_state": "OH"}
QUERY = urlencode(PROFILE)
PSYCHIATRY = "4004500001"  # Medical University of South Carolina, with published rates
IM = "1403521292"  # NYU Grossman, Internal Medicine: FREIDA facts
# What a student must never see: the dataset's field names, repositories, commits.
RAW = (
    "acgme_id", "entry_level_basis", "specialty_key", "visa_j1", "visa_h1b", "first_year_positions",
    "location_source", "participates_in_eras", "join_score", "github", "couples-match-builder",
    "datadoc1", ".csv", ".js",
)  # fmt: skip


def main_text(page: str) -> str:
    """What the page's main part says, tags and script sources left out."""
    main = page.split("<main>", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def assert_plain(page: str) -> None:
    text = main_text(page)
    for word in RAW:
        assert word not in text, word
    assert not re.search(r"@ ?[0-9a-f]{7,40}\b", text), "a commit on the page"


def test_without_a_profile_the_page_shows_the_published_facts_and_how_to_get_a_chance(
    client: TestClient,
) -> None:
    page = client.get(f"/programs/{IM}")
    assert page.status_code == 200
    text = main_text(page.text)
    assert 'id="rates-table"' in page.text and "U.S. MD applicants" in text
    assert "2024 interview-offer rate" in text
    assert "make your plan" in text and 'id="chance-table"' not in page.text
    assert "Back to your plan" not in text
    assert "First-year positions 95" in " ".join(text.split())  # FREIDA's, a shown field
    assert "J-1 visa sponsors" in " ".join(text.split())
    assert "<summary>Sources</summary>" in page.text and "AMA FREIDA" in text
    assert_plain(page.text)
    no_outside_requests(page.text)


def test_a_missing_fact_says_why(client: TestClient) -> None:
    text = " ".join(main_text(client.get(f"/programs/{PSYCHIATRY}").text).split())
    assert "J-1 visa Not known: SmartPick has this from FREIDA for Internal Medicine" in text
    assert "Share of international graduates among residents Not known: SmartPick has" in text
    assert "NRMP's written permission" in text or "could not match this program" in text


def test_from_a_plan_the_page_shows_the_chances_the_chances_service_gives(
    client: TestClient,
) -> None:
    page = client.get(f"/programs/{PSYCHIATRY}?{QUERY}")
    assert page.status_code == 200
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    form = {k: PROFILE.get(k, "") for k in PROFILE_FIELDS}
    report = chances_report(services, parse_form_profile(form))
    mine = next(p for p in report.programs if p.acgme_id == PSYCHIATRY)
    table = page.text.split('id="chance-table"', 1)[1].split("</table>", 1)[0]
    interview = (
        f'{percent(mine.p_interview)} <span class="cite">(95% interval '
        f"{span(mine.p_interview_interval)})"
    )
    match = (
        f'{percent(mine.p_match_standalone)} <span class="cite">(95% interval '
        f"{span(mine.p_match_standalone_interval)})"
    )
    assert interview in table and match in table
    for p in mine.p_interview_signal.values():
        assert percent(p) in table
    assert f'href="/plan?{html.escape(QUERY)}"' in page.text and "Back to your plan" in page.text
    assert 'id="rates-table"' in page.text
    assert_plain(page.text)


def test_the_plan_and_the_rank_list_open_programs_with_the_profile(client: TestClient) -> None:
    plan = client.get(f"/plan?{QUERY}").text
    assert re.search(rf'href="/programs/[0-9]{{10}}\?{re.escape(html.escape(QUERY))}"', plan)
    rank = client.get(f"/rank?{QUERY}&programs={PSYCHIATRY}").text
    assert f'href="/programs/{PSYCHIATRY}?{html.escape(QUERY)}"' in rank


def test_a_profile_of_another_specialty_or_a_wrong_one_gives_no_chance_and_says_why(
    client: TestClient,
) -> None:
    other = main_text(client.get(f"/programs/{IM}?{QUERY}").text)
    assert "your profile is for Psychiatry, and this program trains in Internal Medicine" in other
    wrong = client.get(f"/programs/{PSYCHIATRY}?{QUERY.replace('240', '999')}")
    assert wrong.status_code == 200 and 'role="alert"' in wrong.text
    assert "could not be read" in wrong.text and 'id="chance-table"' not in wrong.text
    assert client.get(f"/programs/0000000000?{QUERY}").status_code == 404


def test_a_program_without_published_rates_says_so(client: TestClient) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    rated = {r["acgme_id"] for r in services.dataset.rows("interview_rates")}
    bare = next(
        p.acgme_id
        for p in services.programs_by_id.values()
        if p.specialty_key == "psychiatry" and p.acgme_id not in rated
    )
    page = client.get(f"/programs/{bare}?{QUERY}").text
    assert 'id="no-rates"' in page and 'id="no-chance"' in page


def test_citations_read_as_plain_words() -> None:
    scraped = "ACGME program list as scraped in owner/repo src/list.js @ 4558f60f (2025-06-14)"
    assert plain_source(scraped) == "ACGME program list"
    unstated = "owner/repo data/*.csv @ 8b3b9f36 (MIT); origin not stated, probably AAMC"
    assert plain_source(unstated) == "Origin not stated, probably AAMC"
    curated = "SmartPick curation (src/x.csv), from its notes"
    assert plain_source(curated) == "SmartPick curation, from its notes"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("the weakest part (docs/model.md, known limits): optimistic",
         "the weakest part (see Known limits, under How it works): optimistic"),
        ("read them so (docs/model.md)", "read them so (see How it works)"),
        ("far from its figures (docs/validation.md): read",
         "far from its figures (see the validation report, under How it works): read"),
    ],
)  # fmt: skip
def test_file_names_become_words_with_their_brackets_whole(text: str, said: str) -> None:
    assert plain_words(text) == said


def test_the_search_finds_a_program_by_a_fragment_of_its_name_or_city(
    client: TestClient,
) -> None:
    rows = client.get("/api/v1/programs", params={"specialty": "psychiatry"}).json()
    hits = [r for r in rows if "south carolina" in r["name"].lower() and r["city"] == "Orangeburg"]
    assert [r["acgme_id"] for r in hits] == [PSYCHIATRY]
    assert all(set(r) == {"acgme_id", "name", "city", "state"} for r in rows)
    bad = client.get("/api/v1/programs", params={"specialty": "psychiatr y"})
    assert bad.status_code == 400 and bad.json()["field"] == "specialty"


def test_the_id_fields_carry_the_search_and_still_take_ids(client: TestClient) -> None:
    form = client.get("/").text
    assert 'data-program-search="one"' in form and 'data-program-search="comma"' in form
    rank = client.get("/rank").text
    assert 'data-program-search="line"' in rank
    for page in (form, rank):
        assert '<script src="/static/program-search.js" defer></script>' in page
    script = client.get("/static/program-search.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "http" not in script.text  # nothing fetched from elsewhere
    typed = client.get(f"/rank?{QUERY}&programs={PSYCHIATRY}")  # without script: ids work
    assert typed.status_code == 200 and 'id="rank-list"' in typed.text


SENTINEL = "0.918273"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a copy of the dataset with a sentinel in every `derive` figure."""
    target = tmp_path_factory.mktemp("planted") / "dataset"
    shipped = Path(str(resources.files("smartpick.data")))
    shutil.copytree(shipped, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    provenance = json.loads((target / "provenance.json").read_text())
    provenance["dataset_version"] = "planted"
    (target / "provenance.json").write_text(json.dumps(provenance))
    ds = load_dataset(target)
    keys = {"acgme_id", "specialty_key", "program_code", "join_doubtful", "basis", "method"}
    for table in ("interview_rates", "program_positions", "freida_im", "nrmp_tracks"):
        derive = set(ds.fields(table, "derive")) - keys
        rows = ds.rows(table)
        for row in rows:
            for name in derive:
                if row[name]:
                    row[name] = SENTINEL
        out = io.StringIO()
        writer = csv.DictWriter(out, ds.fields(table), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (target / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")
    db = str(tmp_path_factory.mktemp("planted-db") / "web.db")
    config = {"season": "2028", "db_path": db, "rate_limit": "100000", "dataset_dir": str(target)}
    with TestClient(create_app(load_config(config))) as c:
        yield c


@pytest.mark.parametrize("program", [IM, PSYCHIATRY])
def test_no_derive_figure_reaches_the_program_page(planted: TestClient, program: str) -> None:
    services: Services = planted.app.state.services  # type: ignore[attr-defined]
    assert any(r["md"] == SENTINEL for r in services.dataset.rows("interview_rates"))
    page = planted.get(f"/programs/{program}")
    assert page.status_code == 200
    for shown in (SENTINEL, "91.8", "92%"):
        assert shown not in page.text


def test_the_page_shows_the_img_interview_rates_and_the_share_of_img_residents(
    client: TestClient,
) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    row = next(r for r in services.dataset.rows("interview_rates") if r["acgme_id"] == PSYCHIATRY)
    page = client.get(f"/programs/{PSYCHIATRY}").text
    text = " ".join(main_text(page).split())
    us = percent(float(row["us_img_interview_rate"]))
    assert f"U.S.-citizen international graduates {us} were offered an interview" in text
    assert "Non-U.S.-citizen international graduates" in text and 'id="img-rates"' in page
    assert "2024 Match" in text and "not your own chance" in text
    # The other groups' rates stay unshown: only whether one was published.
    assert f"U.S. MD applicants {percent(float(row['md']))}" not in text
    assert "U.S. MD applicants yes" in text
    im = " ".join(main_text(client.get(f"/programs/{IM}").text).split())
    assert "Share of international graduates among residents 2.3% of current residents" in im
    assert "Non-U.S.-citizen international graduates under half a percent" in im
    assert_plain(page)


def test_a_first_year_track_has_its_own_page(client: TestClient) -> None:
    query = "specialty=dermatology&applicant_type=md&step2=258&school_state=OH"
    plan = client.get(f"/plan?{query}").text
    link = re.search(r'<a href="(/programs/[0-9]{7}P[0-9]\?[^"]+)">', plan)
    assert link, "the PGY-1 list links its programs"
    page = client.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert 'id="track-facts"' in page.text and "NRMP code" in page.text
    assert "Back to your plan" in page.text and "prior" in page.text
    located = client.get("/programs/1837999P0").text
    assert "Morgantown, WV" in located and "1837999P1" in located
    missing = client.get("/programs/9999999P9")
    assert missing.status_code == 404 and "no PGY-1 track" in missing.text


def test_an_interval_reads_as_words_and_one_figure_when_both_ends_read_alike() -> None:
    assert span((0.84, 0.86)) == "84% to 86%"
    assert span((0.991, 0.997)) == "99% to >99%"
    assert span((0.996, 0.999)) == ">99%"
    assert span(None) == ""
