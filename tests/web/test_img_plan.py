"""An IMG's plan shows, for each program, the share of the applicant's own IMG group it invited
to interview (issue 15): the page, its CSV and its PDF; a U.S. graduate's plan does not."""

from __future__ import annotations

import csv
import io
import re
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.web.words import percent
from tests.web.test_pdf import page_text, pdf_of

NON_US = "specialty=internal_medicine&applicant_type=non-us-img&step2=250&school_state=OH"
US = NON_US.replace("non-us-img", "us-img")
MD = NON_US.replace("non-us-img", "md")


def _list_table(page: str) -> str:
    return page.split('<table class="list">', 1)[1].split("</table>", 1)[0]


def test_a_non_us_imgs_list_shows_each_programs_non_us_img_rate(client: TestClient) -> None:
    table = _list_table(client.get(f"/plan?{NON_US}").text)
    assert "Non-U.S. IMGs invited (2024)" in table
    rows = list(csv.DictReader(io.StringIO(client.get(f"/plan.csv?{NON_US}").text)))
    assert rows and {"us_img_interview_rate", "non_us_img_interview_rate"} <= set(rows[0])
    cells = re.findall(r'data-label="Non-U.S. IMGs invited \(2024\)"[^>]*>([^<]*)<', table)
    assert len(cells) == len(rows)
    for row, cell in zip(rows, cells, strict=True):
        rate = row["non_us_img_interview_rate"]
        if not rate:
            assert cell == "not published"
        else:
            assert cell == ("under half a percent" if float(rate) == 0 else percent(float(rate)))


def test_a_us_imgs_list_reads_the_us_img_rate(client: TestClient) -> None:
    page = client.get(f"/plan?{US}").text
    assert "U.S. IMGs invited (2024)" in _list_table(page)
    assert "U.S. citizens who studied medicine abroad" in page_text(page)


def test_a_us_graduates_list_has_no_img_column(client: TestClient) -> None:
    assert "IMGs invited" not in _list_table(client.get(f"/plan?{MD}").text)


def test_the_pdf_has_the_img_column(client: TestClient) -> None:
    text, _ = pdf_of(client, NON_US)
    assert "Non-U.S. IMGs invited (2024)" in text
    assert "IMGs invited" not in pdf_of(client, MD)[0]
