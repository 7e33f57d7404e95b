"""A score's standing on the published curve with a reproducible interval: the parametric
bootstrap of core.model.standing drawn from a fixed seed, so that the same score and figures
always give the same interval (the standing use case, services.standing).

Kept apart from core.model.standing, whose code the engine's fit is fingerprinted by."""

from __future__ import annotations

import numpy as np

from smartpick.core.model.standing import Figures, Standing, standing

SEED = 20261125  # the bootstrap of the interval is seeded: the same inputs, the same output


def seeded_standing(score: float, figures: Figures) -> Standing:
    """Where `score` stands against the figures, its interval drawn from SEED."""
    return standing(score, figures, np.random.default_rng(SEED))
