"""How the pages and the PDF say numbers and clauses: chances, dollars and sentences, the
same everywhere."""

from __future__ import annotations


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
