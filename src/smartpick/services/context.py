"""What the model needs for one profile, from the session's dataset and fit: the context of a
specialty (its programs, rates, signals, location and visa flags), the pool's score figures,
the evidence priors and the parameter draws behind the intervals."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smartpick.core.catalog import visa_fit
from smartpick.core.model.evaluation import (
    Context,
    Draw,
    DrawInputs,
    planned_cells,
    program_vectors,
    tier_counts,
)
from smartpick.core.model.interview import TYPES, ProgramRates
from smartpick.core.model.parameters import Pool
from smartpick.core.model.signal_prior import silver_share
from smartpick.core.model.standing import Figures
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.seasons import signal_rule
from smartpick.data.engine import BORROWED, EngineData

if TYPE_CHECKING:
    from smartpick.services import Services

# Used where the program rates have no column for a signal tier of the planned season: the
# lowest published odds ratio of a program signal (2023 supplemental ERAS data, 9 specialties),
# because raw ratios overstate the causal effect (METHODS §3.3). Read from evidence.csv.
SIGNAL_PRIOR = "interview invitation odds ratio: program signal sent"
AWAY_PRIOR = "interview odds ratio: away rotation"


@dataclass(frozen=True)
class Priors:
    signal_log_or: float
    signal_source: str
    away_log_or: float
    away_source: str
    # A silver signal's log odds ratio as a share of a gold one's, where the program rates
    # have no silver column of their own (`silver_share`)
    silver_share: float = 1.0
    silver_source: str = ""


def priors(rows: Sequence[Mapping[str, str]], rates: Sequence[Mapping[str, str]] = ()) -> Priors:
    def find(quantity: str) -> Mapping[str, str]:
        return next(r for r in rows if r["quantity"] == quantity)

    sig, away = find(SIGNAL_PRIOR), find(AWAY_PRIOR)
    share, source = silver_share(rates)
    return Priors(
        math.log(float(sig["value_low"])),
        f"odds ratio {sig['value_low']} ({sig['citation']}; the lowest of the published "
        f"range {sig['value_low']}-{sig['value_high']})",
        math.log(float(away["value_low"])),
        f"odds ratio {away['value_low']} ({away['citation']}, {away['specialty']} only; "
        "confounded: applicants rotate where they are already strong)",
        share,
        source,
    )


def pool_figures(
    engine: EngineData, specialty: str, applicant_type: str, notes: list[str]
) -> Figures | None:
    """The score figures of the applicant's pool, with the fallbacks said."""
    figures, reasons = engine.figures_for(specialty, applicant_type)
    if figures is not None:
        notes.extend(figures.notes)
        return figures
    fallback = {"do": "md", "us-img": "non-us-img"}.get(applicant_type)
    if fallback is not None:
        figures, _ = engine.figures_for(specialty, fallback)
        if figures is not None:
            notes.append(
                f"{'; '.join(reasons)}: the score scale of {APPLICANT_TYPES[fallback]}s in the "
                "specialty is used instead"
            )
            return figures
    notes.extend(reasons)
    return None


def build_context(
    services: Services, profile: Profile, specialty: str, season: int, notes: list[str]
) -> Context | None:
    engine = services.engine
    inputs = engine.inputs(specialty)
    if inputs is None:
        notes.append(
            "the dataset has no program interview rates for this specialty: no "
            "program-level chances"
        )
        return None
    g = profile.applicant_type
    fitted = BORROWED.get(g, g)
    if fitted != g:
        notes.append(
            f"no Step 2 CK figures for {APPLICANT_TYPES[g]}s: the parameters fitted for "
            f"{APPLICANT_TYPES[fitted]}s are used, with the program rates of {g}"
        )
    fit = services.fit
    params = fit.for_cell(specialty, fitted)
    if specialty not in fit.offsets:
        notes.append("the specialty had no calibration target: its conversion is the type's")
    figures = pool_figures(engine, specialty, g, notes)
    if figures is None:
        return None
    # The cells' notes name every type's missing rates: keep the applicant's own.
    others = [f"no {t} rate" for t in TYPES if t != g]
    notes.extend(n for n in inputs.cells.notes if not any(o in n for o in others))
    programs = [services.programs_by_id[i] for i in inputs.rates.ids]
    if profile.school_state is None:
        notes.append("no medical school state: every program is taken as out-of-state")
    tiers, counts = _signals(services, engine, inputs.rates, specialty, season, notes)
    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    planned = tier_counts(rule.gold, rule.silver, rule.single_tier) if rule else {}
    service = rule.service if rule else "ERAS"
    if rule is None:
        notes.append(
            "the dataset lists no application service or signals for the specialty: "
            "ERAS fees and no signals are assumed"
        )
    cells = planned_cells(
        inputs.rates, inputs.cells, counts, tiers, planned, engine.applications(specialty, g, fit),
        g,
    )  # fmt: skip
    pri = services.priors
    away_ids = set(profile.away_rotations)
    in_state, away, allowed = program_vectors(
        programs, profile.school_state, away_ids, pri.away_log_or, profile.visa
    )
    if away_ids:
        notes.append(
            f"away rotations raise the odds of an interview by the prior {pri.away_source}"
        )
        unknown = away_ids - set(inputs.rates.ids)
        if unknown:
            notes.append(
                "away rotations not among the specialty's programs are ignored: "
                + ", ".join(sorted(unknown))
            )
    if profile.home_program is not None:
        notes.append("home program: not modelled (no published effect size in the dataset)")
    independent = sum(p.entry_level == "independent" for p in programs)
    if independent:
        notes.append(
            f"{independent} independent programs (entered after other training) are "
            "excluded: a graduating student cannot enter them"
        )
    if profile.visa != "none":
        unknown_visa = sum(visa_fit(p, profile.visa) == "unknown" for p in programs)
        notes.append(
            f"visa policy unknown for {unknown_visa} of {len(programs)} programs "
            "(the dataset has it for Internal Medicine only): they are kept"
        )
    return Context(
        specialty,
        g,
        params,
        Pool.from_figures(figures),
        inputs.rates,
        cells,
        programs,
        in_state,
        tiers,
        planned,
        service,
        counts,
        figures.match_share,
        away,
        allowed,
        notes,
    )


def _signals(
    services: Services,
    engine: EngineData,
    rates: ProgramRates,
    specialty: str,
    season: int,
    notes: list[str],
) -> tuple[dict[str, float | None], tuple[dict[str, int], dict[str, int]] | None]:
    """The planned season's tiers: the program's own effect where the rates have the tier
    (carried over to the season's counts), the evidence prior where they do not."""
    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    now = tier_counts(rule.gold, rule.silver, rule.single_tier) if rule else {}
    then = engine.signals_then(specialty)
    pri = services.priors
    tiers: dict[str, float | None] = {
        t: None
        if t in rates.tiers
        else pri.signal_log_or * (pri.silver_share if t == "silver" else 1.0)
        for t in now
    }
    prior_only = [t for t, v in tiers.items() if v is not None]
    if prior_only:
        notes.append(
            f"signals: the {rates.season} program rates have no column for "
            + ", ".join(prior_only)
            + f"; the effect is a prior only, the {pri.signal_source}"
            + (f"; {pri.silver_source}" if "silver" in prior_only else "")
            + ". The published rates count everyone who applied that season, signal or not: "
            "a signal's gain is taken from the applications without one, so no program gives "
            "more interviews than it did"
        )
    own = [t for t in now if t in rates.tiers]
    if not own or all(now.get(t) == then.get(t) for t in own):
        return tiers, None
    if any(t not in then for t in own):
        notes.append(
            f"signals: the dataset has no signal count for {rates.season}, the season of the "
            "program rates, so they cannot be carried over to this season's count; the "
            f"{rates.season} effects are used as they are"
        )
        return tiers, None
    notes.append(
        f"signals: the program rates are from {rates.season} ("
        + ", ".join(f"{then.get(t, '?')} {t}" for t in own)
        + f"); {season} has "
        + ", ".join(f"{now[t]} {t}" for t in own)
        + ". Each program's signal odds ratio is kept and its interviews held fixed, so the "
        "rate without a signal moves with the share who signal (METHODS §3.3, dilution)"
    )
    return tiers, (then, now)


def parameter_draws(services: Services, ctx: Context) -> list[Draw]:
    """The draws behind the intervals (core.model.evaluation.make_draws), made once per
    session for the specialty, the type and the season's signals."""

    def inputs() -> DrawInputs:
        engine, fit = services.engine, services.fit
        g = BORROWED.get(ctx.applicant_type, ctx.applicant_type)
        return DrawInputs(
            fit,
            g,
            engine.published_applications(ctx.specialty, g).share_key,
            engine.applications(ctx.specialty, ctx.applicant_type, fit),
            engine.type_shares(ctx.specialty),
            engine.signals_then(ctx.specialty),
            engine.location_cap,
        )

    return services.evaluator.draws(ctx, inputs)
