"""The `smartpick` command line: parse, call a service, print. Errors are translated here."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from smartpick.core.profile import Profile, json_schema
from smartpick.errors import SmartPickError
from smartpick.profile_io import merge_profile
from smartpick.services import Services
from smartpick.services.standing import standing_report
from smartpick.settings import load_config

PROGRAM_COLUMNS = [
    ("acgme_id", "ACGME id"),
    ("name", "Program"),
    ("city", "City"),
    ("state", "State"),
    ("entry_level", "Entry"),
    ("visa_j1", "J-1"),
    ("visa_h1b", "H-1B"),
]


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")


def _echo_json(payload: object) -> None:
    click.echo(json.dumps(payload, indent=1, ensure_ascii=False))


def _services(ctx: click.Context) -> Services:
    services = ctx.find_object(Services)
    if services is None:  # pragma: no cover - the group always sets it
        raise click.UsageError("internal: no session")
    return services


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", "db_path", metavar="PATH", help="SQLite file to use (env SMARTPICK_DB_PATH).")
@click.option(
    "--database-url",
    metavar="URL",
    help="Database URL, e.g. PostgreSQL (env SMARTPICK_DATABASE_URL).",
)
@click.option("--season", metavar="YEAR", help="Match season to plan for (env SMARTPICK_SEASON).")
@click.version_option(package_name="smartpick")
@click.pass_context
def cli(
    ctx: click.Context, db_path: str | None, database_url: str | None, season: str | None
) -> None:
    """SmartPick plans residency applications: which programs, how many, and why.

    Every number comes from a public source, named with its year.
    """
    config = load_config({"db_path": db_path, "database_url": database_url, "season": season})
    ctx.obj = Services(config)
    ctx.call_on_close(ctx.obj.close)


@cli.group()
def data() -> None:
    """Inspect or rebuild SmartPick's dataset."""


@data.command("info")
@json_option
@click.pass_context
def data_info(ctx: click.Context, as_json: bool) -> None:
    """Counts, coverage of each field, sources, years and the season."""
    info = _services(ctx).data_info()
    if as_json:
        _echo_json(info)
        return
    click.echo(f"SmartPick dataset {info['dataset_version']} - planning season {info['season']}")
    click.echo(f"  programs:                       {info['programs']}")
    click.echo(f"  specialties:                    {info['specialties']}")
    click.echo(f"  programs with interview rates:  {info['programs_with_interview_rates']}")
    click.echo(f"  programs with a location:       {info['programs_with_location']}")
    for name, key in (("sample", "join_sample"), ("doubtful joins", "join_sample_doubtful")):
        sample = info.get(key) or {}
        if sample:
            click.echo(
                f"  rate joins checked by hand ({name}): {sample['correct']} of "
                f"{sample['joined']} correct ({sample['precision']:.1%})"
            )
    for name, table in info["tables"].items():
        click.echo(f"\n{name} ({table['rows']} rows)")
        sources: dict[str, None] = {}
        for field, f in table["fields"].items():
            click.echo(
                f"  {field:<24} {f['coverage']:>6.1%}  {f['use']:<6}  {f['confidence']:<10} "
                f"{f['year']}"
            )
            sources.setdefault(f["source"])
        click.echo("  sources:")
        for source in sources:
            click.echo(f"    - {source}")


def _flag(confidence: str) -> str:
    return " [unverified]" if confidence == "unverified" else ""


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@data.command("build")
@click.option(
    "--raw",
    "shared",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The shared data folder holding raw/ and reference/ (e.g. ../shared/data).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("src/smartpick/data"),
    show_default=True,
    help="Where to write the dataset.",
)
@click.option(
    "--labels",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("labels/interview_rates_join_sample.csv"),
    show_default=True,
    help="Hand-labelled join sample to measure precision against.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("reports/data-build.md"),
    show_default=True,
    help="Where to write the build report.",
)
@click.option(
    "--map",
    "map_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the map asset  [default: the web app's us-states.json]",
)
@click.pass_context
def data_build(
    ctx: click.Context, shared: Path, out: Path, labels: Path, report: Path, map_out: Path | None
) -> None:
    """Build the dataset from the shared raw sources and reference figures. Bad input stops
    the build before anything is written."""
    result = _services(ctx).build_data(shared, out, labels, report, map_out)
    for key, value in result["counts"].items():
        click.echo(f"{key}: {value}")
    if result["join_sample"]:
        click.echo(f"join sample: {result['join_sample']}")
    click.echo(f"wrote {result['out']} and {report}")


@cli.command()
@json_option
@click.pass_context
def specialties(ctx: click.Context, as_json: bool) -> None:
    """List the specialties SmartPick knows, with their codes and match."""
    services = _services(ctx)
    items = services.specialties()
    rules = services.signal_rules()
    if as_json:
        payload = []
        for s in items:
            rule = rules[s.key]
            signals = None
            if rule is not None:
                signals = {
                    "service": rule.service, "gold": rule.gold, "silver": rule.silver,
                    "single_tier": rule.single_tier, "status": rule.dated.status,
                    "source": rule.source, "confidence": rule.confidence,
                    "alternatives": list(rule.alternatives),
                }  # fmt: skip
            payload.append({**s.__dict__, "signals": signals})
        _echo_json({"season": services.season, "specialties": payload})
        return
    click.echo(f"Season {services.season}: specialty, key, ACGME code, match, service and signals")
    for s in items:
        rule = rules[s.key]
        match = s.match or "no Main Match"
        text = "no season lists it"
        if rule is not None:
            status = "" if rule.dated.published else f" ({rule.dated.status})"
            text = f"{rule.service}: {rule.summary}{status}{_flag(rule.confidence)}"
            if rule.alternatives:
                text += "; another source: " + "; ".join(rule.alternatives)
        click.echo(f"{s.name:<40} {s.key:<37} {s.acgme_code}  {match:<9} {text}")


@cli.command()
@json_option
@click.pass_context
def season(ctx: click.Context, as_json: bool) -> None:
    """The Match season SmartPick plans for: its dates and fees, each with its status."""
    info = _services(ctx).season_overview()
    if as_json:
        _echo_json(info)
        return
    how = "set by you" if info["chosen_by"] == "setting" else "the next Match not yet open"
    click.echo(f"Season {info['season']} ({how})")
    click.echo("\nDates")
    if not info["calendar"]:
        click.echo("  SmartPick's calendar has no dates for this season")
    for row in info["calendar"]:
        flag = " (projected)" if row["projected"] == "true" else ""
        click.echo(f"  {row['date']}  {row['service']:<12} {row['event']}{flag}")
    click.echo("\nFees")
    for fee in info["fees"]:
        span = f"{fee['from'] or ''}-{fee['to'] or '...'}".strip("-")
        status = "" if fee["status"] == "published" else f" ({fee['status']})"
        click.echo(
            f"  {fee['service']:<12} {fee['item']:<28} {span:>7}  "
            f"${fee['amount_usd']} {fee['unit']}{status}{_flag(fee['confidence'])}"
        )
    click.echo("\nSources: `smartpick season --json` gives each row's source and confidence.")


@cli.command()
@click.option("--specialty", "-s", help="Specialty name, key or alias (e.g. 'ob-gyn').")
@click.option("--state", "states", multiple=True, help="State code or name; repeat for several.")
@click.option("--division", "divisions", multiple=True, help="Census division 1-9 or its name.")
@click.option("--visa", help="Only programs known to sponsor this visa: j1 or h1b.")
@click.option("--entry-level", help="categorical, advanced or independent.")
@click.option("--name", help="Words the program name contains.")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many rows.")
@click.pass_context
def programs(
    ctx: click.Context,
    specialty: str | None,
    states: tuple[str, ...],
    divisions: tuple[str, ...],
    visa: str | None,
    entry_level: str | None,
    name: str | None,
    as_json: bool,
    as_csv: bool,
    limit: int | None,
) -> None:
    """List programs, filtered by specialty, state, division, visa, entry level and name."""
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    services = _services(ctx)
    split_states = [s for value in states for s in value.split(",")]
    criteria = services.program_filter(
        specialty=specialty,
        states=split_states,
        divisions=divisions,
        visa=visa,
        entry_level=entry_level,
        name=name,
    )
    result = services.list_programs(criteria)
    rows = result.programs[:limit] if limit else result.programs
    if as_json:
        payload = {"season": result.season, "dataset_version": result.dataset_version}
        total = len(result.programs)
        _echo_json({**payload, "total": total, "count": len(rows), "programs": rows})
        return
    if not rows:
        click.echo("No program matches these filters.", err=True)
    if as_csv:
        columns = ["season", *services.program_fields]
        click.echo(_csv(columns, [{"season": result.season, **r} for r in rows]), nl=False)
        return
    if not rows:
        raise click.exceptions.Exit(1)
    click.echo(_table(rows))
    more = f" (showing {len(rows)})" if len(rows) < len(result.programs) else ""
    click.echo(
        f"\n{len(result.programs)} programs{more}. Season {result.season}; "
        f"sources: `smartpick data info`."
    )


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[str(r[k]) for k, _ in PROGRAM_COLUMNS] for r in rows]
    heads = [h for _, h in PROGRAM_COLUMNS]
    widths = [min(60, max(len(h), *(len(c[i]) for c in cells))) for i, h in enumerate(heads)]

    def line(values: list[str]) -> str:
        return "  ".join(
            _short(v, w).ljust(w) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    return "\n".join([line(heads), line(["-" * w for w in widths]), *map(line, cells)])


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
        click.option("--us-clinical-months", type=float, help="Months of US clinical experience."),
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


def _profile(flags: dict[str, Any]) -> Profile:
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


@cli.command("standing")
@profile_options
@json_option
@click.pass_context
def standing_command(ctx: click.Context, /, as_json: bool, **flags: Any) -> None:
    """How a Step 2 CK score stands in a specialty: the chance of matching, with its interval,
    and the score's percentiles among matched and unmatched applicants."""
    report = standing_report(_services(ctx), _profile(flags))
    if as_json:
        _echo_json(report)
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


@cli.group()
def profile() -> None:
    """Check a profile, or print the JSON Schema of profile files."""


@profile.command("check")
@profile_options
@json_option
@click.pass_context
def profile_check(ctx: click.Context, /, as_json: bool, **flags: Any) -> None:
    """Validate a profile (a file and/or flags) and print it as SmartPick reads it."""
    checked = _profile(flags)
    services = _services(ctx)
    services.resolve_specialty(checked.specialty)
    if checked.backup_specialty is not None:
        services.resolve_specialty(checked.backup_specialty)
    data = checked.model_dump(mode="json")
    if as_json:
        _echo_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key:<20} {value}")


@profile.command("schema")
def profile_schema() -> None:
    """Print the JSON Schema that profile files (and the API) follow."""
    _echo_json(json_schema())


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; no traceback ever reaches the user."""
    sys.exit(run(cli, argv))


def run(command: Callable[..., Any], argv: list[str] | None) -> int:
    try:
        # Without standalone mode click returns the code of an Exit instead of raising it.
        code = command.main(args=argv, prog_name="smartpick", standalone_mode=False)  # type: ignore[attr-defined]
    except SmartPickError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        if exc.hint:
            click.echo(exc.hint, err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except Exception:
        if os.environ.get("SMARTPICK_DEBUG"):
            traceback.print_exc()
        click.echo(
            "Error: SmartPick hit an internal problem. Nothing you saved was changed.\n"
            "Run again with SMARTPICK_DEBUG=1 to see details, and please report it.",
            err=True,
        )
        return 1
    return code if isinstance(code, int) else 0


# The engine's and the Match's commands live in their own modules and register themselves on
# `cli`.
import smartpick.cli_engine  # noqa: E402
import smartpick.cli_market  # noqa: E402, F401
