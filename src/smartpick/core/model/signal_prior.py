"""How much a silver signal counts against a gold one where a season's program rates have no
column for it: measured on the specialties whose rates publish both tiers (services.context
uses it for the planned season's prior)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from smartpick.core.model.interview import clamp, logit


def silver_share(rates: Sequence[Mapping[str, str]]) -> tuple[float, str]:
    """A silver signal's effect as a share of a gold one's, on the log-odds scale over no
    signal, from the program rates that publish both tiers: in each such specialty the
    programs' median effects of silver and gold, and the median of their ratios over the
    specialties. 1 (silver like gold, said) where no rates have both."""
    effects: dict[str, list[tuple[float, float]]] = {}
    for r in rates:
        cells = [r.get(k, "") for k in ("gold_signal", "silver_signal", "no_signal")]
        if all(c not in ("", None) for c in cells):
            gold, silver, none = (float(logit(clamp(np.array(float(c))))) for c in cells)
            effects.setdefault(r["specialty_key"], []).append((gold - none, silver - none))
    ratios = []
    for pairs in effects.values():
        gold_effect = float(np.median([g for g, _ in pairs]))
        if gold_effect > 0:
            ratios.append(float(np.median([s for _, s in pairs])) / gold_effect)
    if not ratios:
        return 1.0, "a silver signal is taken to count like a gold one (no rates have both)"
    share = float(np.median(ratios))
    return share, (
        f"a silver signal's effect is {share:.0%} of a gold one's on the log-odds scale, the "
        f"median over the {len(ratios)} specialties whose program rates publish both tiers "
        f"({min(ratios):.0%} to {max(ratios):.0%})"
    )
