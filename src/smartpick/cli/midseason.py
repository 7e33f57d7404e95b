"""The season as it happens: `smartpick midseason` reads your own list with the answers so far."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from smartpick.cli.common import (
    echo_flags,
    echo_json,
    json_option,
    profile_from,
    profile_options,
    session,
)
from smartpick.core.seasons import user_date
from smartpick.errors import InputError
from smartpick.services.midseason import FIELD, midseason_report, read_applied


@click.command("midseason")
@profile_options
@click.option(
    "--applied",
    "applied_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your list: a CSV with the header program_id,status,date[,signal]; status invited, "
    "rejected, waiting or withdrawn; date the day the answer came (YYYY-MM-DD, empty when "
    "waiting); signal gold, silver or signal (empty: none).",
)
@click.option("--today", help="The date to read the answers at (YYYY-MM-DD; default: today).")
@json_option
@click.pass_context
def midseason_command(
    ctx: click.Context, /, applied_file: Path, today: str | None, as_json: bool, **flags: Any
) -> None:
    """In the season: your chance of matching now, the interviews still likely to come,
    whether to apply to more programs and which, a backup specialty, SOAP, and what to do
    next, from the programs you applied to and their answers so far."""
    when = None if today is None else user_date(today, "today", "today", "2026-12-06")
    try:
        text = applied_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the list '{applied_file}': {getattr(exc, 'strerror', None) or exc}",
            field=FIELD,
            hint="Give a CSV file saved as UTF-8 text.",
        ) from None
    report = midseason_report(session(ctx), profile_from(flags), read_applied(text), when)
    if as_json:
        echo_json(report.dump())
        return
    click.echo(
        f"{report.specialty_name}, {report.applicant_type}, season {report.season}, "
        f"as of {report.today}"
    )
    echo_flags(report.flags, report.retake.steps if report.retake else None)
    counts = report.counts
    click.echo(
        f"  Your list: {sum(counts.values())} programs; {counts['invited']} invited, "
        f"{counts['rejected']} rejected, {counts['waiting']} waiting, "
        f"{counts['withdrawn']} withdrawn."
    )
    if report.p_match_now is None or report.p_match_now_interval is None:
        for note in report.notes:
            click.echo(f"  Note: {note}")
        return
    low, high = report.p_match_now_interval
    click.echo(
        f"  Chance of matching now: {report.p_match_now:.0%} ({low:.0%}-{high:.0%}); "
        f"{report.p_match_from_interviews or 0:.0%} from your interviews alone."
    )
    click.echo(
        f"  Invitations still likely to come: {report.expected_more_invitations or 0:.1f} "
        f"({report.invitations_still_to_come or 0:.0%} of the season's invitations are not yet "
        "sent)."
    )
    if report.add_programs:
        click.echo("\n  To apply to now (best first):")
        click.echo(f"  {'Interview':>9} {'Adds':>6} {'Fee':>5}  Program")
        for a in report.add_programs:
            mark = "" if a.worth_it else "  (not worth its fee)"
            click.echo(
                f"  {a.p_interview:>9.0%} {a.adds:>6.1%} {f'${a.fee:g}':>5}  {a.name}, "
                f"{a.state} [{a.program_id}]{mark}"
            )
    click.echo("\n  Next steps:")
    for k, step in enumerate(report.next_steps, start=1):
        click.echo(f"  {k}. {step.action}")
        click.echo(f"     Why: {step.reason}.")
    if report.assumption:
        click.echo(f"\n  How silence is read: {report.assumption}.")
    for note in report.notes:
        click.echo(f"  Note: {note}")
