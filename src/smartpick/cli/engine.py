"""The program-level engine's commands: chances, plan and advise."""

from __future__ import annotations

from typing import Any

import click

from smartpick.cli.common import (
    NUMBER,
    csv_text,
    echo_flags,
    echo_json,
    json_option,
    parse_ratings,
    profile_from,
    profile_options,
    session,
)
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.results import Pgy1Plan
from smartpick.core.seasons import user_date
from smartpick.services.chances import chances_report

# Counts of applications at which the plan's curve is printed (and the list's own)
CURVE_MARKS = (1, 2, 3, 5, 10, 20, 30, 40, 60, 80, 100, 150)


@click.command("chances")
@profile_options
@click.option(
    "--apply",
    "apply_to",
    multiple=True,
    metavar="ID[:TIER]",
    help="A program to apply to (ACGME id, ':gold', ':silver' or ':signal' to signal "
    "it); repeat, most preferred first, for the list's chance of matching.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="Show at most this many programs (all with --json).",
)
@json_option
@click.pass_context
def chances_command(
    ctx: click.Context, /, apply_to: tuple[str, ...], limit: int, as_json: bool, **flags: Any
) -> None:
    """Each program's chance of interviewing you and of matching you, with intervals; the
    chance of matching for a typical list, and for your own with --apply."""
    report = chances_report(session(ctx), profile_from(flags), apply_to, None if as_json else limit)
    if as_json:
        echo_json(report.dump())
        return
    click.echo(f"{report.specialty_name}, {report.applicant_type}, season {report.season}")
    echo_flags(report.flags, report.retake.steps if report.retake else None)
    typical = report.typical
    if typical:
        low, high = typical.p_match_interval
        click.echo(
            f"  Typical list: {typical.p_match:.0%} chance of matching "
            f"({low:.0%}-{high:.0%}); {typical.meaning}"
        )
    own = report.own_list
    if own:
        low, high = own.p_match_interval
        click.echo(
            f"  Your list of {len(own.programs)}: {own.p_match:.0%} "
            f"({low:.0%}-{high:.0%}); {own.expected_interviews:.1f} interviews "
            "expected"
        )
    if report.programs:
        tiers = list(report.programs[0].p_interview_signal)
        top = tiers[0] if tiers else None
        click.echo("")
        signal_head = f"{'With ' + top:>11}" if top else ""
        click.echo(f"  {'Interview':<16} {signal_head}  {'Match alone':<16}  Program")
        for row in report.programs:
            p, (pl, ph) = row.p_interview, row.p_interview_interval
            f, (fl, fh) = row.p_match_standalone, row.p_match_standalone_interval
            mark = " [excluded: visa]" if row.excluded else ""
            signal = f"{row.p_interview_signal[top]:>11.0%}" if top else ""
            click.echo(
                f"  {f'{p:.0%} ({pl:.0%}-{ph:.0%})':<16} {signal}"
                f"  {f'{f:.0%} ({fl:.0%}-{fh:.0%})':<16}"
                f"  {row.name}, {row.state} [{row.acgme_id}]{mark}"
            )
    for note in report.notes:
        click.echo(f"  Note: {note}")
    click.echo("  Not modelled: " + ", ".join(report.not_modelled))


def _echo_parallel(parallel: dict[str, Any]) -> None:
    if not parallel["needed"] or not parallel.get("available"):
        why = parallel.get("why", "not available")
        named = "name a backup specialty"
        click.echo(f"  Parallel plan: {why.replace(named, named + ' (--backup)')}.")
        for note in parallel.get("notes", []):
            click.echo(f"  Note (backup): {note}")
        return
    split = parallel["split"]
    click.echo(
        f"  Parallel plan with {parallel['backup']}: {split['preferred']} preferred + "
        f"{split['backup']} backup programs (${split['cost_usd']:g}): "
        f"{parallel['p_preferred']:.0%} in the preferred specialty, "
        f"{parallel['p_any']:.0%} of matching at all."
    )


@click.command("plan")
@profile_options
@click.option("--applications", type=int, help="How many programs to apply to.")
@click.option("--budget", type=NUMBER, help="Application fees you can spend, in US dollars.")
@click.option(
    "--signals",
    type=click.Choice(["auto", "none"]),
    default="auto",
    show_default=True,
    help="auto: choose where to signal with the list; none: plan without signals.",
)
@click.option(
    "--target",
    type=NUMBER,
    default=0.9,
    show_default=True,
    help="The chance of matching to aim for (0-1): the fewest applications that reach it.",
)
@click.option(
    "--parallel-below",
    type=NUMBER,
    default=0.8,
    show_default=True,
    help="Make a parallel plan with --backup when the preferred chance is under this.",
)
@click.option(
    "--backup-value",
    type=NUMBER,
    default=0.5,
    show_default=True,
    help="What matching in the backup is worth (preferred 1, unmatched 0).",
)
@click.option(
    "--rate",
    "ratings",
    multiple=True,
    metavar="ID=N",
    help="How much you want a program, 1-10 (repeat): the plan then maximizes the expected "
    "worth of where you match.",
)
@click.option(
    "--prefer-division",
    "divisions",
    multiple=True,
    metavar="DIV",
    help="A census division (1-9 or its name) you prefer; repeat for several.",
)
@click.option(
    "--other-region-value",
    type=NUMBER,
    default=0.5,
    show_default=True,
    help="What a program outside the preferred divisions is worth against one inside.",
)
@click.option(
    "--geography",
    default="none",
    show_default=True,
    metavar="none|auto|DIV,...",
    help="ERAS geographic preference: none, auto (the best for your chance) or up to three "
    "census divisions to state.",
)
@click.option(
    "--interviews",
    metavar="ID,...",
    help="Interview invitations received so far (ACGME ids): update the chances.",
)
@click.option(
    "--connections",
    metavar="STATE,...",
    help="ResidencyCAS specialties: up to three states you have ties to (your geographic "
    "connections).",
)
@click.option(
    "--fee-assistance",
    is_flag=True,
    help="You have the AAMC Fee Assistance Program's ERAS discount: price and budget with it.",
)
@click.option(
    "--cost-of-not-matching",
    type=NUMBER,
    default=COST_OF_NOT_MATCHING.value,
    show_default=True,
    help="What going unmatched for a year costs you, in US dollars (default: the mean PGY-1 "
    "stipend, AAMC 2025): an application is recommended while it adds more to your cautious "
    "chance than its fee is worth.",
)
@click.option(
    "--pgy1",
    "pgy1_years",
    metavar="YEAR,...",
    help="For advanced specialties: the PGY-1 years to plan (transitional, medicine "
    "preliminary, surgery preliminary); default: transitional and medicine preliminary.",
)
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the list as CSV.")
@click.pass_context
def plan_command(
    ctx: click.Context,
    /,
    applications: int | None,
    budget: float | None,
    signals: str,
    target: float,
    parallel_below: float,
    backup_value: float,
    interviews: str | None,
    ratings: tuple[str, ...],
    divisions: tuple[str, ...],
    other_region_value: float,
    geography: str,
    connections: str | None,
    fee_assistance: bool,
    cost_of_not_matching: float,
    pgy1_years: str | None,
    as_json: bool,
    as_csv: bool,
    **flags: Any,
) -> None:
    """The best list of programs for your chance of matching: how many, which, and where to
    signal, with the chance and cost for every number of applications."""
    from smartpick.services.pgy1 import kinds_from
    from smartpick.services.plan import LIST_COLUMNS, list_rows, plan_report

    services = session(ctx)
    report = plan_report(
        services,
        profile_from(flags),
        applications,
        budget,
        signals,
        target,
        parallel_below,
        backup_value,
        [i for i in (interviews or "").split(",") if i.strip()],
        parse_ratings(ratings),
        [services.division(d) for d in divisions],
        other_region_value,
        geography
        if geography in ("none", "auto")
        else [services.division(d) for d in geography.split(",") if d.strip()],
        fee_assistance,
        [c for c in (connections or "").split(",") if c.strip()],
        cost_of_not_matching,
        kinds_from(pgy1_years),
    )
    if as_json:
        echo_json(report.dump())
        return
    if as_csv:
        columns = list(LIST_COLUMNS)
        rows = [{c: row.get(c) for c in columns} for row in list_rows(report)]
        click.echo(csv_text(columns, rows), nl=False)
        return
    click.echo(f"{report.specialty_name}, {report.applicant_type}, season {report.season}")
    echo_flags(report.flags, report.retake.steps if report.retake else None)
    rec = report.recommended_applications
    if not report.programs or rec is None or report.p_match_interval is None:
        for note in report.notes:
            click.echo(f"  Note: {note}")
        return
    low, high = report.p_match_interval
    few, many = report.interviews_10_90 or (0, 0)
    click.echo(
        f"  Apply to {report.applications} programs (${report.cost_usd:g} in "
        f"{report.service} fees): {report.p_match:.0%} chance of matching "
        f"({low:.0%}-{high:.0%}); {report.expected_interviews:.1f} interviews expected "
        f"({few}-{many})."
    )
    click.echo(f"  Why {rec.n}: {rec.why}.")
    if report.typical_applications is not None:
        click.echo(f"  Typical: {report.typical_applications.meaning}.")
    if report.unspent_usd is not None:
        click.echo(f"  Of your ${report.budget_usd:g} budget, ${report.unspent_usd:g} is left.")
    if rec.usd_per_point_average is not None:
        last = rec.usd_per_point
        marginal = "it adds no chance" if last is None else f"${last:g} a point"
        click.echo(
            f"  Fees per point of chance: ${rec.usd_per_point_average:g} over the list; "
            f"the last application, {marginal}."
        )
    if report.total_cost_usd is not None:
        click.echo(f"  In all: ${report.total_cost_usd:g} ({'; '.join(report.cost_parts())}).")
    for tier, use in report.signals.items():
        click.echo(f"  Signals ({tier}): {use.used} of {use.allowed} placed.")
    click.echo("")
    click.echo(f"  {'Tier':<7} {'Signal':<7} {'Interview':>9} {'Alone':>6}  Program")
    for row in report.programs:
        click.echo(
            f"  {row.tier:<7} {row.signal or '':<7} {row.p_interview:>9.0%} "
            f"{row.p_match_alone:>6.0%}  {row.name}, {row.state} [{row.program_id}]"
        )
    click.echo("")
    marks = [
        c for i, c in enumerate(report.curve)
        if c.n in CURVE_MARKS or i == len(report.curve) - 1
    ]  # fmt: skip
    if marks:
        click.echo(
            "  Applications -> chance (fees): "
            + ", ".join(f"{c.n} -> {c.p_match:.0%} (${c.cost:g})" for c in marks)
        )
    if report.parallel is not None:
        _echo_parallel(report.parallel)
    geo = report.geography
    if geo:
        stated = ", ".join(map(str, geo["divisions"])) or "none"
        click.echo(
            f"  ERAS geographic preference: {stated} (census divisions): "
            f"{geo['p_match']:.0%} at {geo['p_match_at']} programs, against "
            f"{geo['p_match_no_preference']:.0%} stating none; {geo['prior']}."
        )
    update = report.season_update
    if update:
        click.echo(
            f"  With {update['interviews']} interviews: {update['p_match_from_interviews']:.0%} "
            f"from them alone, {update['p_match_with_pending']:.0%} with the programs that "
            f"have not answered; {update['advice']}."
        )
    if report.pgy1:
        click.echo(f"  PGY-1: {report.pgy1}.")
    if report.pgy1_plan is not None:
        _echo_pgy1(report.pgy1_plan)
    for note in report.notes:
        click.echo(f"  Note: {note}")


def _echo_pgy1(plan: Pgy1Plan) -> None:
    years = ", ".join(f"{n} {name}" for name, n in plan.applications_by_year.items())
    click.echo(
        f"  PGY-1 list: {plan.applications} programs ({years}; ${plan.cost_usd:g} in ERAS "
        f"fees): {plan.p_match:.0%} chance of a PGY-1 position, {plan.p_match_with_advanced:.0%} "
        f"with an advanced one; {plan.expected_interviews:.1f} interviews expected."
    )
    click.echo(f"  Why {plan.applications}: {plan.why}. The chances are {plan.method}.")
    for sig in plan.signals:
        click.echo(f"  {sig.year} signals ({sig.allowed}): " + ", ".join(sig.programs) + ".")
    for row in plan.programs:
        click.echo(
            f"  {row.p_interview:>9.0%} {row.p_match_alone:>6.0%}  {row.name}, "
            f"{row.city or '(city not known)'}, {row.state} [{row.program_id}]"
        )


@click.command("advise")
@profile_options
@click.option(
    "--expected", type=int, help="An expected Step 2 CK score (same as --step2-expected)."
)
@click.option("--test-date", help="The date Step 2 CK was or will be taken (YYYY-MM-DD).")
@json_option
@click.pass_context
def advise_command(
    ctx: click.Context,
    /,
    expected: int | None,
    test_date: str | None,
    as_json: bool,
    **flags: Any,
) -> None:
    """How to time, release and present your Step 2 CK score: your situation, the score's
    timeline against the first review, advice for the application (MyERAS or ResidencyCAS),
    the personal statement, the CV, interviews and letters, and what other scores would
    change."""

    from smartpick.services.advice import SECTIONS, advise_report

    if expected is not None:
        if flags.get("step2_expected") is not None or flags.get("step2") is not None:
            raise click.UsageError("give one score: --step2, --step2-expected or --expected")
        flags["step2_expected"] = expected
    when = None
    if test_date is not None:
        when = user_date(test_date, "test_date", "test date", "2027-06-15")
    report = advise_report(session(ctx), profile_from(flags), when)
    if as_json:
        echo_json(report.dump())
        return
    click.echo(f"{report.specialty_name}, {report.applicant_type}, season {report.season}")
    extra = f" ({', '.join(report.modifiers)})" if report.modifiers else ""
    click.echo(f"  Situation: {report.scenario}{extra}. " + "; ".join(report.reasons) + ".")
    t = report.timeline
    click.echo(
        f"  Programs start reviewing {t['review_starts']}; latest safe test date "
        f"{t['latest_safe_test_date']}."
    )
    section = None
    for item in report.recommendations:
        if item.section != section:
            section = item.section
            click.echo(f"\n  {SECTIONS.get(section, section)}")
        mark = "" if item.kind == "general advice" else " [data]"
        click.echo(f"  - {item.text}{mark}")
    if report.what_if:
        click.echo(
            "\n  What if: "
            + ", ".join(
                f"{w.step2} -> {w.p_match:.0%} with {w.recommended_applications} programs"
                for w in report.what_if
            )
        )
    for note in report.notes:
        click.echo(f"  Note: {note}")
