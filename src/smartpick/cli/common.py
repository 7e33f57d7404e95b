"""What the commands share: the session, the profile flags, JSON and CSV output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from smartpick.core.numbers import finite_number
from smartpick.core.profile import Profile
from smartpick.profile_io import merge_profile
from smartpick.services import Services


class FiniteNumber(click.ParamType[float]):
    """A number as people type it, finite: "nan" and "inf" are not amounts (float() takes
    them, and a budget of inf would buy every program)."""

    name = "number"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        number = finite_number(str(value))
        if number is None:
            self.fail(f"'{value}' is not a finite number", param, ctx)
        return number


NUMBER = FiniteNumber()

# The services name a bad value by its field; the command line names the option that gave it.
OPTIONS = {
    "applicant_type": "--type",
    "away_rotations": "--away",
    "backup_specialty": "--backup",
    "research_items": "--research",
    "visa": "--visa",
    "rate": "--rate",
}
NOT_OPTIONS = {"profile", "csrf", "apply", "runs"}
PROGRAM_FIELDS = {
    "apply", "programs", "interviews", "home_program", "away_rotations", "rate", "applied"
}  # fmt: skip


def option_of(field: str | None) -> str | None:
    """The command-line option behind a field of the profile or the plan's options."""
    if not field or field in NOT_OPTIONS or not field.replace("_", "").isalnum():
        return None
    return OPTIONS.get(field, "--" + field.replace("_", "-"))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")


def echo_json(payload: object) -> None:
    click.echo(json.dumps(payload, indent=1, ensure_ascii=False))


def session(ctx: click.Context) -> Services:
    services = ctx.find_object(Services)
    if services is None:  # pragma: no cover - the group always sets it
        raise click.UsageError("internal: no session")
    return services


def csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def profile_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The profile flags every command that takes a profile shares; flags override --profile."""
    options = [
        click.option("--profile", "profile_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="A profile file (JSON; `smartpick profile schema`)."),
        click.option("--specialty", "-s", help="Specialty name, key or alias."),
        click.option("--type", "applicant_type", help="md, do, us-img or non-us-img."),
        click.option("--step2", type=int, help="Step 2 CK score (1-300)."),
        click.option("--step2-expected", type=int, help="An expected Step 2 CK score."),
        click.option("--step2-date", help="Step 2 CK test date (YYYY-MM-DD)."),
        click.option("--step1", help="pass, fail, or a numeric score from before pass/fail."),
        click.option("--comlex2", type=int, help="COMLEX Level 2-CE score."),
        click.option("--graduation-year", type=int, help="Year of medical school graduation."),
        click.option("--failed-attempts", type=int, help="Failed USMLE/COMLEX attempts."),
        click.option("--research", "research_items", type=int,
                     help="Abstracts, presentations and publications."),
        click.option("--us-clinical-months", type=NUMBER, help="Months of US clinical experience."),
        click.option("--visa", "visa_need", help="Visa needed: none, j1, h1b or either."),
        click.option("--home-state", help="State of legal residence."),
        click.option("--school-state", help="State of the medical school."),
        click.option("--home-program", help="ACGME id of your home program."),
        click.option("--away", "away_rotations", multiple=True,
                     help="ACGME id of an away rotation; repeat for several."),
        click.option("--backup", "backup_specialty", help="A backup specialty."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def profile_from(flags: dict[str, Any]) -> Profile:
    """Merge --profile and the flags into one validated Profile."""
    path = flags.pop("profile_file", None)
    actual, expected = flags.pop("step2", None), flags.pop("step2_expected", None)
    if actual is not None and expected is not None:
        raise click.UsageError("give --step2 or --step2-expected, not both")
    if actual is not None:
        flags.update(step2=actual, step2_kind="actual")
    elif expected is not None:
        flags.update(step2=expected, step2_kind="expected")
    flags["visa"] = flags.pop("visa_need", None)
    flags["away_rotations"] = list(flags["away_rotations"]) or None
    return merge_profile(path, flags)


def parse_ratings(entries: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for entry in entries:
        pid, sep, value = entry.partition("=")
        try:
            out[pid.strip()] = float(value)
        except ValueError:
            raise click.UsageError(
                f"--rate '{entry}': give ACGME id=rating, e.g. --rate 1403521292=8"
            ) from None
        if not sep:
            raise click.UsageError(f"--rate '{entry}': give ACGME id=rating")
    return out


def echo_flags(flags: list[str], retake_steps: list[str] | None) -> None:
    """The profile's flags and, for a failing score, the retake path: first, before any
    number."""
    for line in flags:
        click.echo(f"  Flag: {line}")
    if retake_steps:
        click.echo("  Retake path:")
        for step in retake_steps:
            click.echo(f"    - {step}")
