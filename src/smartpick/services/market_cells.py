"""What each specialty's market takes from the engine's published cells (services.simulate
builds the market from them): a cohort's figures and count, the signal limits of the rates'
season, and, for the NRMP specialties without program interview rates, the proxy whose
programs and fitted parameters they take, and what the market says of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from smartpick.core.seasons import signal_rule
from smartpick.data.engine import BORROWED
from smartpick.services.market_inputs import RATES_OF

if TYPE_CHECKING:
    from smartpick.core.match.market import SpecialtyMarket
    from smartpick.services import Services

NEARLY_ALL = 0.95  # a cell's match share above which its unmatched are drawn like its matched

# A specialty without program interview rates or a U.S. MD cell borrows Family Medicine's
# programs (assumed, said in the market's notes)
FALLBACK_PROXY = "family_medicine"


def proxies(services: Services, missing: Sequence[str], keys: Sequence[str]) -> dict[str, str]:
    """The specialty whose programs each NRMP specialty without program interview rates
    (`missing`) interviews like, and whose fitted parameters its applicants convert by: the
    market's specialty (`keys`) whose U.S. MD seniors' published match share is nearest its
    own, where it publishes one; else Family Medicine (assumed)."""
    share = {}
    for s in [*keys, *missing]:
        f, _ = services.engine.figures_for(s, "md")
        if f is not None:
            share[s] = f.match_share
    out = {}
    for s in missing:
        near = [k for k in keys if k in share]
        if s in share and near:
            out[s] = min(near, key=lambda k: (abs(share[k] - share[s]), k))
        elif FALLBACK_PROXY in keys:
            out[s] = FALLBACK_PROXY
    return out


def proxy_note(
    services: Services,
    proxy: Mapping[str, str],
    assumed: set[str],
    quota: Mapping[str, int],
    programs: Mapping[str, int],
) -> str:
    """What the market says of the specialties without program interview rates (`programs`:
    how many programs each has)."""
    name_of = services.specialty_names
    share = {s: services.engine.figures_for(s, "md")[0] for s in {*proxy, *proxy.values()}}
    parts = []
    for s, src in sorted(proxy.items(), key=lambda kv: name_of[kv[0]]):
        mine, theirs = share[s], share[src]
        why = (
            f", whose U.S. MD seniors' published match share is the nearest "
            f"({theirs.match_share:.0%}; its own {mine.match_share:.0%})"
            if mine is not None and theirs is not None
            else " (assumed: no U.S. MD cell is published)"
        )
        who = (
            f"{name_of[src]}'s per position, by type (assumed: none is published)"
            if s in assumed
            else "its own counts, for the types with one"
        )
        parts.append(
            f"{name_of[s]}, {programs.get(s, 0)} programs and {quota.get(s, 0):,} positions: "
            f"like {name_of[src]}{why}; "
            f"applicants: {who}"
        )
    return (
        "NRMP specialties without program interview rates: each program interviews like the "
        "median program of another specialty, whose fitted conversion, applications and "
        "signals its applicants take (synthetic). " + "; ".join(parts)
    )


def cohort_figures(engine: Any, specialty: str, g: str) -> Any:
    """The published figures a cohort of type g is drawn from (borrowed for U.S.-citizen
    IMGs), or None when the cell has none with both matched and unmatched scores. Where
    nearly all matched (`NEARLY_ALL`) the NRMP suppresses the unmatched scores: the few
    unmatched are drawn like the matched (said in the market's notes)."""
    f, _ = engine.figures_for(specialty, BORROWED.get(g, g))
    if f is not None and f.unmatched_centre is None and f.match_share >= NEARLY_ALL:
        return dataclasses.replace(f, unmatched_centre=f.matched_centre)
    return None if f is None or f.unmatched_centre is None else f


def signal_limits(services: Services, specialty: str, tiers: Mapping[str, float]) -> dict[str, int]:
    """How many signals of each tier an applicant may send in the market: the rates'
    season's rule; where it lacks a tier the rates show signals of, the nearest season's."""
    limits = dict(services.engine.signals_then(specialty))
    wanted = [t for t, share in tiers.items() if share > 0 and t not in limits]
    if not wanted:
        return limits
    rows = services.dataset.rows("signals")
    then = services.engine.rates_season
    years = sorted({int(r["season"]) for r in rows if r["season"]}, key=lambda y: abs(y - then))
    for year in years:
        rule = signal_rule(rows, specialty, year)
        if rule is None:
            continue
        counts = {"gold": rule.gold, "silver": rule.silver, "signal": rule.single_tier}
        for t in list(wanted):
            if counts.get(t):
                limits[t] = int(counts[t] or 0)
                wanted.remove(t)
        if not wanted:
            break
    return limits


def cohort_count(engine: Any, specialty: str, g: str) -> float | None:
    f, _ = engine.figures_for(specialty, g)
    if f is None or any("pooled" in n for n in f.notes):
        return None
    return float(f.share_n)


def drawn_alike_note(services: Services, markets: Sequence[SpecialtyMarket]) -> list[str]:
    """The market's note on the cohorts whose cell has no unmatched scores (each type drawn
    with the cells of `RATES_OF`), if any."""
    drawn_alike = []
    for mk in markets:
        for c in mk.cohorts:
            like = RATES_OF.get(c.applicant_type, c.applicant_type)
            f, _ = services.engine.figures_for(mk.specialty, BORROWED.get(like, like))
            if f is not None and f.unmatched_centre is None:
                name = services.specialty_names[mk.specialty]
                drawn_alike.append(f"{name} ({c.applicant_type})")
    if not drawn_alike:
        return []
    return [
        "cells whose unmatched scores the NRMP suppresses because nearly all matched (at "
        f"least {NEARLY_ALL:.0%}): the few unmatched are drawn like the matched: "
        + ", ".join(sorted(drawn_alike))
    ]
