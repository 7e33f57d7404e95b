"""The dataset and its catalog: data info and build, specialties, season, programs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from smartpick.cli.common import (
    csv_text,
    echo_json,
    json_option,
    session,
)
from smartpick.core.catalog import PGY1_YEARS, Specialty
from smartpick.services import Services
from smartpick.services.pgy1 import ID_NOTE, list_tracks, pgy1_year, track_row_fields, tracks

PROGRAM_COLUMNS = [
    ("acgme_id", "ACGME id"),
    ("name", "Program"),
    ("city", "City"),
    ("state", "State"),
    ("entry_level", "Entry"),
    ("visa_j1", "J-1"),
    ("visa_h1b", "H-1B"),
    ("us_img_interview_rate", "US IMG int."),
    ("non_us_img_interview_rate", "Non-US IMG int."),
]


@click.group()
def data() -> None:
    """Inspect or rebuild SmartPick's dataset."""


@data.command("info")
@json_option
@click.pass_context
def data_info(ctx: click.Context, as_json: bool) -> None:
    """Counts, coverage of each field, sources, years and the season."""
    info = session(ctx).data_info()
    if as_json:
        echo_json(info)
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
    result = session(ctx).build_data(shared, out, labels, report, map_out)
    for key, value in result["counts"].items():
        click.echo(f"{key}: {value}")
    if result["join_sample"]:
        click.echo(f"join sample: {result['join_sample']}")
    click.echo(f"wrote {result['out']} and {report}")


@click.command()
@json_option
@click.pass_context
def specialties(ctx: click.Context, as_json: bool) -> None:
    """List the specialties SmartPick knows, with their codes and match."""
    services = session(ctx)
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
        years = [
            {"key": y.key, "name": y.name, "aliases": list(y.aliases), "nrmp_code": y.nrmp_code,
             "notes": y.notes, "programs": len(tracks(services, y.key))}
            for y in PGY1_YEARS
        ]  # fmt: skip
        echo_json({"season": services.season, "specialties": payload, "pgy1_years": years})
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
    click.echo("PGY-1 years (for advanced specialties; `programs --specialty` lists their tracks):")
    for y in PGY1_YEARS:
        click.echo(f"{y.name:<40} {y.key:<37} {y.nrmp_code}  {len(tracks(services, y.key))} tracks")


@click.command()
@json_option
@click.pass_context
def season(ctx: click.Context, as_json: bool) -> None:
    """The Match season SmartPick plans for: its dates and fees, each with its status."""
    info = session(ctx).season_overview()
    if as_json:
        echo_json(info)
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


@click.command()
@click.option("--specialty", "-s", help="Specialty name, key or alias (e.g. 'ob-gyn').")
@click.option("--state", "states", multiple=True, help="State code or name; repeat for several.")
@click.option("--division", "divisions", multiple=True, help="Census division 1-9 or its name.")
@click.option("--visa", help="Only programs known to sponsor this visa: j1 or h1b.")
@click.option("--entry-level", help="categorical, advanced or independent.")
@click.option("--name", help="Words the program name contains.")
@click.option(
    "--min-img-rate",
    metavar="RATE",
    help="Only programs that offered an interview to at least this share of their non-U.S. IMG "
    "applicants (ERAS 2024 season): 0.1 or 10%. Programs without a published rate are left out.",
)
@click.option(
    "--type",
    "img_type",
    metavar="TYPE",
    help="us-img: --min-img-rate reads the U.S. IMG rate instead (default: non-us-img).",
)
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
    min_img_rate: str | None,
    img_type: str | None,
    as_json: bool,
    as_csv: bool,
    limit: int | None,
) -> None:
    """List programs, filtered by specialty, state, division, visa, entry level, name and the
    share of IMG applicants offered an interview."""
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    services = session(ctx)
    split_states = [s for value in states for s in value.split(",")]
    year = pgy1_year(specialty) if specialty is not None else None
    if year is not None:
        _pgy1_programs(
            services,
            year,
            split_states,
            name,
            (divisions, visa, entry_level),
            as_json,
            as_csv,
            limit,
        )
        return
    criteria = services.program_filter(
        specialty=specialty,
        states=split_states,
        divisions=divisions,
        visa=visa,
        entry_level=entry_level,
        name=name,
        min_img_rate=min_img_rate,
        img_type=img_type,
    )
    result = services.list_programs(criteria)
    rows = result.programs[:limit] if limit else result.programs
    if as_json:
        payload = {"season": result.season, "dataset_version": result.dataset_version}
        total = len(result.programs)
        notes = {"notes": list(result.notes)} if result.notes else {}
        echo_json({**payload, "total": total, "count": len(rows), "programs": rows, **notes})
        return
    if not rows:
        click.echo("No program matches these filters.", err=True)
        for note in result.notes:
            click.echo(f"Why: {note}.", err=True)
    if as_csv:
        columns = ["season", *services.program_fields]
        click.echo(csv_text(columns, [{"season": result.season, **r} for r in rows]), nl=False)
        return
    if not rows:
        raise click.exceptions.Exit(1)
    click.echo(_table(rows))
    more = f" (showing {len(rows)})" if len(rows) < len(result.programs) else ""
    rates = services.dataset.field_provenance("interview_rates", "non_us_img_interview_rate")
    click.echo(
        f"\n{len(result.programs)} programs{more}. Season {result.season}; "
        f"sources: `smartpick data info`.\nUS IMG int. / Non-US IMG int.: the share of the "
        f"program's U.S. / non-U.S. IMG applicants it offered an interview, ERAS "
        f"{rates['year']} season ({rates['confidence']}: {rates['source']}); - where not published."
    )


PGY1_COLUMNS = [
    ("program_id", "NRMP code"),
    ("name", "Institution and track"),
    ("city", "City"),
    ("state", "State"),
]


def _pgy1_programs(
    services: Services,
    year: Specialty,
    states: list[str],
    name: str | None,
    unsupported: tuple[Any, ...],
    as_json: bool,
    as_csv: bool,
    limit: int | None,
) -> None:
    """`programs` for a PGY-1 year: its NRMP tracks, which have NRMP codes, not ACGME ids."""
    if any(unsupported):
        raise click.UsageError(
            f"{year.name} tracks can be filtered by --state and --name only: SmartPick has no "
            "census division, visa or entry level for them"
        )
    checked = services.program_filter(states=states, name=name)
    rows = list_tracks(services, year, checked.states, checked.name)
    shown = rows[:limit] if limit else rows
    if as_json:
        echo_json({
            "season": services.season, "dataset_version": services.dataset.version,
            "specialty": year.name, "total": len(rows), "count": len(shown),
            "programs": shown, "notes": [ID_NOTE],
        })  # fmt: skip
        return
    if as_csv:
        columns = ["season", *(shown[0] if shown else track_row_fields())]
        click.echo(csv_text(columns, [{"season": services.season, **r} for r in shown]), nl=False)
        return
    if not shown:
        click.echo(f"No {year.name} track matches these filters.", err=True)
        raise click.exceptions.Exit(1)
    click.echo(_table(shown, PGY1_COLUMNS))
    click.echo(f"\n{len(rows)} {year.name} tracks. {ID_NOTE}. Location: the row's location_source.")


def _cell(value: object) -> str:
    """A table cell: a rate as a percentage, a missing one as a dash."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0%}"
    return str(value)


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]] = PROGRAM_COLUMNS) -> str:
    cells = [[_cell(r[k]) for k, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [min(60, max(len(h), *(len(c[i]) for c in cells))) for i, h in enumerate(heads)]

    def line(values: list[str]) -> str:
        return "  ".join(
            _short(v, w).ljust(w) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    return "\n".join([line(heads), line(["-" * w for w in widths]), *map(line, cells)])
