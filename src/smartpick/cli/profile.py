"""A profile's standing, and checking a profile file."""

from __future__ import annotations

from typing import Any

import click

from smartpick.cli.common import (
    echo_json,
    json_option,
    profile_from,
    profile_options,
    session,
)
from smartpick.core.profile import json_schema
from smartpick.services.standing import standing_report


@click.command("standing")
@profile_options
@json_option
@click.pass_context
def standing_command(ctx: click.Context, /, as_json: bool, **flags: Any) -> None:
    """How a Step 2 CK score stands in a specialty: the chance of matching, with its interval,
    and the score's percentiles among matched and unmatched applicants."""
    report = standing_report(session(ctx), profile_from(flags))
    if as_json:
        echo_json(report)
        return
    click.echo(f"{report['specialty_name']}, {report['applicant_type']}, season {report['season']}")
    for line in report["flags"]:
        click.echo(f"  Flag: {line}")
    for step in (report.get("retake") or {}).get("steps", []):
        click.echo(f"  Retake: {step}")
    if report["p_match"] is not None:
        low, high = report["p_match_interval"]
        click.echo(
            f"  Chance of matching in the specialty: {report['p_match']:.0%} "
            f"(95% interval {low:.0%}-{high:.0%}), for {report['applies_as']}"
        )
    for key, label in (("score_percentile_matched", "matched"),
                       ("score_percentile_unmatched", "unmatched")):  # fmt: skip
        if report[key] is not None:
            click.echo(f"  Step 2 CK {report['step2']} is above {report[key]:.0%} of {label} "
                       "applicants")  # fmt: skip
    for cited in report.get("cited", {}).values():
        click.echo(f"  Published: {cited['what']}: {cited['value']:g} [{cited['source']}]")
    for line in report["reasons"]:
        click.echo(f"  Why: {line}")
    click.echo("  Not modelled yet: " + ", ".join(report["not_modelled"]))


@click.group()
def profile() -> None:
    """Check a profile, or print the JSON Schema of profile files."""


@profile.command("check")
@profile_options
@json_option
@click.pass_context
def profile_check(ctx: click.Context, /, as_json: bool, **flags: Any) -> None:
    """Validate a profile (a file and/or flags) and print it as SmartPick reads it."""
    checked = profile_from(flags)
    services = session(ctx)
    services.resolve_specialty(checked.specialty)
    if checked.backup_specialty is not None:
        services.resolve_specialty(checked.backup_specialty, "backup_specialty")
    data = checked.model_dump(mode="json")
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key:<20} {value}")


@profile.command("schema")
def profile_schema() -> None:
    """Print the JSON Schema that profile files (and the API) follow."""
    echo_json(json_schema())
