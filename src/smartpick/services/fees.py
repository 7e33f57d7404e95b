"""The fees beside the application fees: the exam transcripts and the NRMP registration, each
with how it is known (issue 14). A season's fee is the latest published at or before it; where
sources disagree on the amount the higher one is counted, so a total is never understated, and
the disagreement is said wherever the fee is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from smartpick.core.profile import Profile
from smartpick.core.seasons import fee_tiers

if TYPE_CHECKING:
    from smartpick.services import Services

NRMP_REGISTRATION = "standard registration fee"
# The transcript fee items of each application service (fees.csv): ERAS names one per exam,
# ResidencyCAS one fee charged for each exam's scores (SAEM: "one-time $80 fee for each").
TRANSCRIPT_ITEMS = {
    "ERAS": {"USMLE": "USMLE transcript fee", "COMLEX": "COMLEX transcript fee"},
    "ResidencyCAS": {"USMLE": "transcript fee", "COMLEX": "transcript fee"},
}


def profile_exams(profile: Profile) -> list[str]:
    """The licensing exams whose transcripts the applicant sends: USMLE for a Step 1 or
    Step 2 CK result, COMLEX for a Level 2-CE result."""
    exams = []
    if profile.step2 is not None or profile.step1 is not None:
        exams.append("USMLE")
    if profile.comlex2 is not None:
        exams.append("COMLEX")
    return exams


def _dated(rows: Sequence[Mapping[str, str]], season: int) -> tuple[Mapping[str, str], str] | None:
    """The latest row at or before the season, and its status with its confidence."""
    chosen = fee_tiers([r for r in rows if r["season"].isdigit()], season)
    if not chosen:
        return None
    row, dated = chosen[0]
    status = dated.status
    if row["confidence"] != "primary":
        status = f"{status}; {row['confidence']}"
    return row, status


def registration(services: Services, season: int) -> dict[str, Any] | None:
    """The NRMP standard registration fee of the season, with one status said the same way
    everywhere it is shown (plan, season, web page): where sources disagree on the amount,
    the higher is counted and marked unverified, with the others named."""
    rows = [
        r
        for r in services.dataset.rows("fees")
        if r["service"] == "NRMP" and r["item"] == NRMP_REGISTRATION and r["season"].isdigit()
        and r["amount_usd"] and int(r["season"]) <= season
    ]  # fmt: skip
    found = _dated(rows, season)
    if found is None:
        return None
    row, status = found
    amounts = {float(r["amount_usd"]) for r in rows}
    confidence = row["confidence"]
    if len(amounts) > 1:
        row = max(rows, key=lambda r: (float(r["amount_usd"]), r["season"]))
        said: dict[float, list[str]] = {}
        for r in sorted(rows, key=lambda r: r["season"]):
            said.setdefault(float(r["amount_usd"]), []).append(f"{r['season']} {r['confidence']}")
        amounts_said = " or ".join(
            f"${amount:g} ({', '.join(seen)})"
            for amount, seen in sorted(said.items(), reverse=True)
        )
        status = f"unverified: sources disagree, {amounts_said}; the higher is counted"
        confidence = "unverified"
    return {
        "amount_usd": float(row["amount_usd"]),
        "status": status,
        "source": row["source"],
        "confidence": confidence,
    }


def transcript_fees(
    services: Services, season: int, service: str, profile: Profile
) -> list[dict[str, Any]]:
    """The transcript fee of each exam the profile sends, charged once per season by the
    application service (fees.csv), each with its status and source."""
    out = []
    fees = services.dataset.rows("fees")
    for exam in profile_exams(profile):
        item = TRANSCRIPT_ITEMS.get(service, TRANSCRIPT_ITEMS["ERAS"])[exam]
        rows = [r for r in fees if r["service"] == service and r["item"] == item]
        found = _dated(rows, season)
        if found is None:
            continue
        row, status = found
        out.append(
            {
                "exam": exam,
                "item": f"{exam} transcript fee ({service})",
                "amount_usd": float(row["amount_usd"]),
                "unit": "once per season",
                "status": status,
                "source": row["source"],
                "confidence": row["confidence"],
            }
        )
    return out
