"""The score a report uses: Step 2 CK as given, or for a DO student with only COMLEX Level 2-CE
its Step 2 CK equivalent (core.model.concordance), said at the top of the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from smartpick.core.model.concordance import (
    PAIRED_R,
    PAIRED_SHORT,
    Equivalent,
    pooled,
    step2_equivalent,
)
from smartpick.core.model.standing import figures_for
from smartpick.core.profile import Profile
from smartpick.errors import DataError

if TYPE_CHECKING:
    from smartpick.services import Services

COMLEX = "COMLEX-USA Level 2-CE"


def comlex_equivalent(services: Services, profile: Profile) -> Equivalent | None:
    """The Step 2 CK equivalent of a COMLEX-only DO profile's score (None otherwise)."""
    if profile.step2 is not None or profile.comlex2 is None or profile.applicant_type != "do":
        return None
    facts = {r["fact_key"]: r for r in services.dataset.rows("exams") if r["exam"] == COMLEX}
    if "first_time_mean" not in facts or "score_sd" not in facts:
        raise DataError(f"the dataset lacks the {COMLEX} mean and spread")
    passing = facts.get("min_passing_score")
    if passing is not None and profile.comlex2 < float(passing["value"]):
        return None  # a failing COMLEX score has no equivalent (scored says so)
    table, years, _ = services.engine.figures
    figures = []
    for spec in services.specialties():
        found, _ = figures_for(table, years, spec.key, "do")
        if found is not None and not any("pooled" in n for n in found.notes):
            figures.append(found)
    mean, sd = pooled(figures)
    return step2_equivalent(
        profile.comlex2,
        float(facts["first_time_mean"]["value"]),
        float(facts["score_sd"]["value"]),
        mean,
        sd,
    )


@dataclass(frozen=True)
class Scored:
    """The profile with the score the numbers use; what to say at the top when it is not the
    profile's own Step 2 CK; the COMLEX equivalent behind it, if any."""

    profile: Profile
    flag: str | None = None
    equivalent: Equivalent | None = None


def scored(services: Services, profile: Profile) -> Scored:
    """The score a report uses: Step 2 CK as given, or a COMLEX-only DO's equivalent."""
    eq = comlex_equivalent(services, profile)
    if eq is None:
        if profile.step2 is None and profile.comlex2 is not None and profile.applicant_type == "do":
            return Scored(
                profile,
                f"COMLEX Level 2-CE {profile.comlex2} is under the passing mark: it is a failed "
                "attempt, and SmartPick gives no chance until you have a passing score",
            )
        return Scored(profile)
    flag = (
        f"COMLEX Level 2-CE {eq.comlex} read as Step 2 CK {eq.score}: the Step 2 CK at the "
        f"same percentile ({eq.percentile:.0%} of first-time COMLEX takers), among DO seniors "
        f"who reported a Step 2 CK; a student's own Step 2 CK would likely be {eq.low}-"
        f"{eq.high} (paired scores correlate about {PAIRED_R:g}: {PAIRED_SHORT}). DO students "
        "who also take Step 2 CK score higher than those who do not, so the equivalent is "
        "likely high and your chance likely lower than shown"
    )
    return Scored(profile.model_copy(update={"step2": eq.score}), flag, eq)
