"""How the pages and the PDF say numbers and clauses: chances, dollars and sentences, the
same everywhere."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from smartpick.core.results import Pgy1Plan


def percent(value: float | None) -> str:
    """A chance as a careful person says it: whole percents, and never a certainty the model
    does not have (over 99.5% is ">99%", under 0.5% but above nothing "<1%")."""
    if value is None:
        return ""
    if value >= 0.995:
        return ">99%"
    if 0 < value < 0.005:
        return "<1%"
    return f"{value:.0%}"


def span(interval: Sequence[float] | None) -> str:
    """An interval of chances in words: "84% to 86%", one figure where both ends read alike."""
    if not interval:
        return ""
    low, high = percent(interval[0]), percent(interval[1])
    return low if low == high else f"{low} to {high}"


# The plan's column of the applicant's own IMG group's interview rate, by applicant type.
IMG_GROUP = {"us-img": "U.S. IMGs", "non-us-img": "Non-U.S. IMGs"}


def img_column(applicant_type: str, season: str) -> str | None:
    """The heading of an IMG plan's column of published IMG interview rates, else None."""
    group = IMG_GROUP.get(applicant_type)
    return None if group is None else f"{group} invited ({season})"


def own_img_rate(us: float | None, non_us: float | None, applicant_type: str) -> str:
    """The applicant's own IMG group's rate at a program, in words."""
    rate = us if applicant_type == "us-img" else non_us
    return (
        "not published" if rate is None else "under half a percent" if rate == 0 else percent(rate)
    )


def dollars(value: float) -> str:
    """Whole dollars, with thousands separated: $68,166 (the page says them the same way)."""
    return f"${value:,.0f}"


def sentence(text: str, capital: bool = True) -> str:
    """A report's clause as a sentence: a capital first letter unless it follows a colon
    (the rest untouched, unlike Jinja's `capitalize`) and a full stop."""
    text = text.strip()
    if not text:
        return text
    first = text[0].upper() if capital else text[0]
    return first + text[1:] + ("" if text[-1] in ".!?" else ".")


# The dataset's and the repository's file names, as a student reads them on a page or in print
# (the command line keeps the names: its readers can open them).
_FILES = (
    (re.compile(r"\(docs/validation\.md\)"), "(see the validation report, under How it works)"),
    (re.compile(r"docs/validation\.md"), "the validation report (under How it works)"),
    (re.compile(r"\(docs/model\.md, known limits\)"), "(see Known limits, under How it works)"),
    (re.compile(r"\(docs/model\.md\)"), "(see How it works)"),
    (re.compile(r"docs/model\.md"), "the model's documentation (How it works)"),
    (re.compile(r"\bexams\.csv\b"), "SmartPick's exam facts"),
    (re.compile(r"\bcalendar\.csv\b"), "SmartPick's season calendar"),
    (re.compile(r"\b[\w-]+\.csv\b"), "SmartPick's data"),
)


def plain_words(text: str) -> str:
    """A report's text with its file names said in words."""
    for pattern, words in _FILES:
        text = pattern.sub(words, text)
    return text


def pgy1_summary(plan: Pgy1Plan) -> str:
    """The PGY-1 list in one sentence, for the page and the PDF alike."""
    years = ", ".join(f"{n} {name}" for name, n in plan.applications_by_year.items())
    return (
        f"Apply to {plan.applications} PGY-1 programs ({years}; {dollars(plan.cost_usd)} in "
        f"ERAS fees, each year billed on its own): about {percent(plan.p_match)} chance of a "
        f"PGY-1 position, {percent(plan.p_match_with_advanced)} of both years together, with "
        f"about {plan.expected_interviews:.0f} interviews expected. They are chosen near the "
        "advanced programs on your list, so both years can be in one city. Why "
        f"{plan.applications}: {plan.why}."
    )


# The validation report is written for the repository; on its page, the commands that made
# its figures and the code's own names are said in words (the page shows no command line).
_COMMANDS = {
    "validate": "SmartPick's validation run",
    "simulate": "SmartPick's simulated Match",
    "calibrate": "the simulator's own fit",
    "chances": "SmartPick's chances",
}
TYPE_WORDS = {
    "md": "U.S. MD",
    "do": "DO",
    "us-img": "U.S.-citizen IMG",
    "non-us-img": "non-U.S. IMG",
}


def report_words(text: str, names: Mapping[str, str]) -> str:
    """The validation report's Markdown in a student's words: commands by what they do,
    specialties and applicant types by name, no module, file or issue numbers."""

    def command(found: re.Match[str]) -> str:
        return _COMMANDS.get(found.group(1), "SmartPick")

    text = re.sub(r"`smartpick (\w+)[^`]*`", command, text)
    text = re.sub(r"\bsmartpick (\w+)(?: --[\w-]+)*", command, text)
    text = re.sub(r" \((?:core|services)\.[\w.]+\)", "", text)
    text = re.sub(r" \(issue \d+\)", "", text)
    text = re.sub(r"specialty_figures [\w*()]+", "SmartPick's published figures", text)
    if names:
        keys = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
        text = re.sub(rf"\b({keys})\b", lambda m: names[m.group(1)], text)
    text = re.sub(
        r"(?<=\| )(md|do|us-img|non-us-img)(?= \|)", lambda m: TYPE_WORDS[m.group(1)], text
    )
    return plain_words(text)
