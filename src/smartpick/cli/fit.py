"""Fitting the model and the simulator, and validating the fit: calibrate, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from smartpick.cli.common import (
    echo_json,
    json_option,
    session,
)


@click.command("calibrate")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Dataset folder to write fitted/parameters.json into (default: the dataset's own).",
)
@click.option(
    "--market",
    is_flag=True,
    help="Fit the Match simulator's own parameters instead (simulated moments, minutes).",
)
@click.option(
    "--runs",
    type=click.IntRange(1, 100),
    default=2,
    show_default=True,
    help="With --market: markets drawn behind each evaluation (drawn again at each).",
)
@click.pass_context
def calibrate_command(ctx: click.Context, out: Path | None, market: bool, runs: int) -> None:
    """Refit the model's parameters on the dataset's published targets (a few minutes);
    with --market, the simulator's parameters on the published cells."""
    from smartpick.services.calibrate import calibrate

    services = session(ctx)
    folder = out or services.config.dataset_dir or Path(str(services.dataset.directory))
    if market:
        from smartpick.fitted import load_market_fit
        from smartpick.services.market_fit import fit_market, write_market_fit
        from smartpick.services.simulate import build_market

        last = load_market_fit(folder)  # a start only: its fingerprint may be stale
        fitted, record = fit_market(
            services,
            build_market(services),
            runs=runs,
            progress=lambda line: click.echo(f"  {line}", err=True),
            # by name: a record of an earlier theta starts what its names became
            previous=None if last is None else dict(last.get("theta", {})),
        )
        path = write_market_fit(record, folder)
        chosen = fitted.behaviour
        click.echo(
            f"Fitted tau {fitted.tau:.2f}, shift DO {fitted.shift('do'):+.2f}, IMG "
            f"{fitted.shift('non-us-img'):+.2f}, U.S. IMG {fitted.shift('us-img'):+.2f}, "
            f"applications x{chosen.multiplier('md'):.2f} "
            f"(MD) x{chosen.multiplier('do'):.2f} (DO) x{chosen.multiplier('non-us-img'):.2f} "
            f"(IMGs), temperature {chosen.heat('md'):.2f} (MD) {chosen.heat('do'):.2f} (DO) "
            f"{chosen.heat('non-us-img'):.2f} (IMGs), reach {chosen.reach:.2f}, dispersion "
            f"{chosen.dispersion:.2f}, impression {chosen.impression:.2f} on "
            f"{fitted.cells} cells and "
            f"{len(record['national'])} national moments over {runs} markets per evaluation "
            f"(distance {fitted.start_distance:.4f} -> {fitted.distance:.4f}, settled "
            f"{record['distance']['settled']:.4f}, "
            f"{record['seconds']:.0f} s); the SOAP's consideration "
            f"{record['soap']['consideration']:+.2f} (fills "
            f"{record['soap']['share_filled']:.1%}); wrote {path}"
        )
        return
    result = calibrate(
        services.dataset,
        folder,
        services.config.today.isoformat(),
        progress=lambda line: click.echo(f"  {line}", err=True),
    )
    click.echo(
        f"Fitted {result['parameter_count']} parameters on {result['targets']} targets "
        f"(converged: {result['converged']}); wrote {result['path']}"
    )


@click.command("validate")
@click.option(
    "--docs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("docs"),
    show_default=True,
    help="Folder to write validation.md and its figures into.",
)
@click.option(
    "--targets",
    is_flag=True,
    help="Only print what the fitted model implies for the published figures on interviews "
    "and applications (seconds; writes nothing).",
)
@json_option
@click.pass_context
def validate_command(ctx: click.Context, docs: Path, targets: bool, as_json: bool) -> None:
    """Score the fitted model against the published figures, in sample and leaving each
    specialty out, against lookup-table baselines; write docs/validation.md (minutes)."""
    from smartpick.services.simulate import engine_check
    from smartpick.services.validation import profile_checks, targets_report
    from smartpick.services.validation_report import validate

    services = session(ctx)
    if targets:
        report = targets_report(services.dataset, services.fit)
        if as_json:
            echo_json(report)
        else:
            _echo_targets(report)
        return
    if as_json:
        raise click.UsageError("--json goes with --targets")
    click.echo("  simulating national Matches for the engine check", err=True)
    simulation = engine_check(services)
    result = validate(
        services.dataset,
        services.config.dataset_dir,
        services.fit,
        docs,
        services.config.today.isoformat(),
        progress=lambda line: click.echo(f"  {line}", err=True),
        simulation=simulation,
        profiles=profile_checks(services),
    )
    click.echo(
        f"Wrote {result['path']} (stamp {result['stamp']}; {result['cells']} cells; held-out "
        f"Brier {result['held_out_brier']})"
    )


def _echo_targets(report: dict[str, Any]) -> None:
    curve = report["p_match_by_interviews"]["md"]
    published = report["p_match_by_interviews_published"]["md"]
    click.echo("U.S. MD seniors, share matched by number of interviews (model / published):")
    for k, value in curve.items():
        pub = published.get(k)
        click.echo(f"  {k:>2}: {value:.0%}" + (f" / {pub:.0%}" if pub is not None else ""))
    click.echo("Non-U.S. IMGs, median contiguous ranks, matched and not (model / published):")
    for spec, row in report["contiguous_ranks_median"]["non-us-img"].items():
        pub = row.get("published")
        shown = f" / {pub['matched']:g}, {pub['not_matched']:g}" if pub else ""
        click.echo(f"  {spec}: {row['matched']:.1f}, {row['not_matched']:.1f}{shown}")
    for spec, row in report["interviews_per_matched_applicant"].items():
        click.echo(
            f"Interviews per matched applicant, {spec}: {row['model']:.1f} "
            f"(programs report {row['published']:.1f})"
        )
