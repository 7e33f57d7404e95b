"""Where a Step 2 CK score stands in a specialty: the chance of matching for an applicant who
applies as applicants of the type typically do, and the score's percentiles.

Closed form (METHODS §3.6, fallback): among applicants of a type who preferred the
specialty, matched and unmatched Step 2 CK scores are taken as normal; the matched curve is
fitted to the published quartiles (median and IQR / 1.349), the unmatched one to its published
median (or mean) with the matched spread (the reports give no unmatched spread). Bayes' rule
with the published match share gives

    P(match | x) = pi f1(x) / (pi f1(x) + (1 - pi) f0(x)),

which, with equal spreads, is a logistic curve in x that rises with the score whenever the
matched centre is above the unmatched one. Sampling uncertainty of the published figures
(centres, spread, match share) gives the interval, by a seeded parametric bootstrap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

IQR_TO_SD = 1.349  # interquartile range of a normal distribution, in standard deviations
MIN_GROUP = 20  # smaller groups are not used on their own (the n < 20 rule)


@dataclass(frozen=True)
class Figures:
    """The published figures of one specialty and applicant type that the curve uses."""

    year: int
    matched_n: float
    unmatched_n: float | None
    match_share: float
    matched_centre: float
    matched_sd: float
    unmatched_centre: float | None
    share_n: float  # applicants behind the match share
    notes: tuple[str, ...] = ()
    # The matched quartiles where published: percentiles then use each half's own spread.
    quartiles: tuple[float, float] | None = None


@dataclass(frozen=True)
class Standing:
    p_match: float | None
    interval: tuple[float, float] | None
    percentile_matched: float | None
    percentile_unmatched: float | None
    figures: Figures | None
    reasons: list[str] = field(default_factory=list)


Table = Mapping[tuple[str, str], Mapping[str, float]]


def figures_for(
    table: Table, years: Mapping[tuple[str, str], int], specialty: str, applicant_type: str
) -> tuple[Figures | None, list[str]]:
    """Pick the figures for (specialty, type), with fallbacks that are always said."""
    pick = {"md": _md, "non-us-img": _non_us_img, "do": _do}.get(applicant_type)
    if pick is None:
        return None, [
            "the dataset has no current Step 2 CK figures for U.S.-citizen IMGs by specialty "
            "(the 2013 means predate the current scale)"
        ]
    year = years.get((specialty, applicant_type), 0)
    figures, reasons = pick(table, specialty, year)
    if figures is not None and not _consistent(figures):
        return None, ["the published figures are inconsistent (no spread of scores, or a match "
                      "share outside 0-1): no standing can be computed from them"]  # fmt: skip
    return figures, reasons


def _consistent(f: Figures) -> bool:
    values = [f.matched_centre, f.matched_sd, f.match_share, f.matched_n, f.share_n]
    spreads = [] if f.quartiles is None else [f.matched_centre - f.quartiles[0],
                                             f.quartiles[1] - f.matched_centre]  # fmt: skip
    return (
        all(math.isfinite(v) for v in values)
        and f.matched_sd > 0
        and all(s > 0 for s in spreads)
        and 0.0 <= f.match_share <= 1.0
        and f.matched_n > 0
    )


def _md(table: Table, specialty: str, year: int) -> tuple[Figures | None, list[str]]:
    rows = table.get((specialty, "md"), {})
    n1, n0 = rows.get("matched_n"), rows.get("not_matched_n")
    q1, med, q3 = (rows.get(f"step2_matched_{k}") for k in ("q1", "median", "q3"))
    if n1 is None or q1 is None or med is None or q3 is None:
        return None, ["no Step 2 CK quartiles for U.S. MD seniors in this specialty"]
    notes = []
    if n0 is None:
        notes.append("the number not matched is suppressed (fewer than 5): taken as 2")
    share = n1 / (n1 + (n0 if n0 is not None else 2.0))
    unmatched = rows.get("step2_not_matched_median")
    sd = (q3 - q1) / IQR_TO_SD
    share_n = n1 + (n0 if n0 is not None else 2.0)
    return Figures(year, n1, n0, share, med, sd, unmatched, share_n, tuple(notes), (q1, q3)), []


def _non_us_img(table: Table, specialty: str, year: int) -> tuple[Figures | None, list[str]]:
    rows = table.get((specialty, "non-us-img"), {})
    share = rows.get("preferred_specialty_match_rate")
    if share is None:
        return None, ["no match rate for non-U.S. IMGs in this specialty"]
    notes = []
    source = rows
    n1 = rows.get("step2_matched_consented_n")
    q1, q3 = rows.get("step2_matched_q1"), rows.get("step2_matched_q3")
    if n1 is None or n1 < MIN_GROUP or q1 is None or q3 is None:
        notes.append(
            f"fewer than {MIN_GROUP} matched non-U.S. IMGs reported scores here: the score "
            "curve is the pooled one of all specialties, the match share this specialty's"
        )
        source = table.get(("all", "non-us-img"), {})
        q1, q3 = _pooled_quartiles(table, "non-us-img")
    n1 = source.get("step2_matched_consented_n")
    med = source.get("step2_matched_median")
    if med is None or q1 is None or q3 is None or n1 is None:
        return None, ["no Step 2 CK figures for non-U.S. IMGs here or pooled"]
    n0 = source.get("step2_not_matched_consented_n")
    unmatched = source.get("step2_not_matched_median")
    sd = (q3 - q1) / IQR_TO_SD
    share_n = rows.get("ranked_first_n") or n1 + (n0 or 0.0)
    return Figures(year, n1, n0, share, med, sd, unmatched, share_n, tuple(notes), (q1, q3)), []


def _do(table: Table, specialty: str, year: int) -> tuple[Figures | None, list[str]]:
    rows = table.get((specialty, "do"), {})
    share = rows.get("preferred_specialty_match_rate")
    n1, n0 = rows.get("matched_n"), rows.get("not_matched_n")
    mean1, mean0 = rows.get("step2_matched_mean"), rows.get("step2_not_matched_mean")
    if share is None or mean1 is None or n1 is None:
        return None, ["no Step 2 CK figures for U.S. DO seniors in this specialty"]
    md_rows = table.get((specialty, "md"), {})
    q1, q3 = md_rows.get("step2_matched_q1"), md_rows.get("step2_matched_q3")
    if q1 is None or q3 is None:
        return None, ["no spread of scores to borrow for U.S. DO seniors here"]
    note = (
        "the reports give DO means only: the spread is borrowed from U.S. MD seniors of the "
        "specialty, and the DO means cover only DO seniors who reported a Step 2 CK"
    )
    sd = (q3 - q1) / IQR_TO_SD
    share_n = n1 + (n0 or 0.0)
    return Figures(year, n1, n0, share, mean1, sd, mean0, share_n, (note,)), []


def _pooled_quartiles(table: Table, applicant_type: str) -> tuple[float | None, float | None]:
    """Quartiles pooled over the type's specialties, weighted by matched counts."""
    total = q1 = q3 = 0.0
    for (spec, atype), rows in table.items():
        n = rows.get("step2_matched_consented_n")
        if atype != applicant_type or spec == "all" or n is None or n < MIN_GROUP:
            continue
        if "step2_matched_q1" in rows and "step2_matched_q3" in rows:
            total += n
            q1 += n * rows["step2_matched_q1"]
            q3 += n * rows["step2_matched_q3"]
    return (q1 / total, q3 / total) if total else (None, None)


def _phi(z: float) -> float:
    """The standard normal distribution function."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def p_match(score: float | np.ndarray, f: Figures, *, mu1: float | np.ndarray | None = None,
            mu0: float | np.ndarray | None = None, sd: float | np.ndarray | None = None,
            share: float | np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """P(match | score) by Bayes' rule with equal spreads (a logistic curve in the score)."""
    m1 = f.matched_centre if mu1 is None else mu1
    m0 = f.unmatched_centre if mu0 is None else mu0
    s = f.matched_sd if sd is None else sd
    pi = f.match_share if share is None else share
    x = np.asarray(score, dtype=float)
    if m0 is None:
        return np.asarray(
            np.broadcast_to(np.asarray(pi, dtype=float), np.broadcast(x, pi).shape), dtype=float
        )
    log_odds = (
        np.log(pi)
        - np.log1p(-np.asarray(pi))
        + ((np.asarray(m1) - np.asarray(m0)) * (x - (np.asarray(m1) + np.asarray(m0)) / 2.0))
        / np.square(s)
    )
    return np.asarray(np.exp(-np.logaddexp(0.0, -log_odds)), dtype=float)  # stable logistic


def matched_percentile(score: float, f: Figures) -> float:
    """The share of matched applicants scoring below `score`. With published quartiles each
    half of the distribution has its own spread (a split normal), so the quartiles read back
    exactly; otherwise the symmetric fit."""
    sd = f.matched_sd
    if f.quartiles is not None:
        q1, q3 = f.quartiles
        half = (f.matched_centre - q1) if score < f.matched_centre else (q3 - f.matched_centre)
        sd = half / (IQR_TO_SD / 2)
    return _phi((score - f.matched_centre) / sd)


def standing(score: float, f: Figures, rng: np.random.Generator, draws: int = 4000) -> Standing:
    """The point estimate, a 95% interval and the percentiles of one score."""
    point = float(p_match(score, f))
    n1 = max(f.matched_n, 2.0)
    n0 = max(f.unmatched_n or 0.0, 2.0)
    sd = f.matched_sd * np.sqrt(rng.chisquare(n1 - 1, draws) / (n1 - 1))
    mu1 = rng.normal(f.matched_centre, f.matched_sd / np.sqrt(n1), draws)
    mu0 = (
        None if f.unmatched_centre is None
        else rng.normal(f.unmatched_centre, f.matched_sd / np.sqrt(n0), draws)
    )  # fmt: skip
    total = max(f.share_n, 2.0)
    share = rng.beta(f.match_share * total + 1, (1 - f.match_share) * total + 1, draws)
    sample = p_match(score, f, mu1=mu1, mu0=mu0, sd=sd, share=share)
    low, high = np.quantile(sample, [0.025, 0.975])
    pct1 = matched_percentile(score, f)
    reasons = list(f.notes)
    pct0: float | None = None
    if f.unmatched_centre is None:
        reasons.append("no unmatched centre is published: the score's effect cannot be estimated")
    else:
        pct0 = float(_phi((score - f.unmatched_centre) / f.matched_sd))
    return Standing(point, (float(low), float(high)), pct1, pct0, f, reasons)
