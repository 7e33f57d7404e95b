"""The simulated Match and the rank order list: simulate, rank."""

from __future__ import annotations

import sys
from typing import Any

import click

from smartpick.cli.common import (
    echo_json,
    json_option,
    parse_ratings,
    profile_from,
    profile_options,
    session,
)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@click.command("simulate")
@click.option("--runs", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="Replications of the whole Match.")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True,
              help="Master seed: the same seed gives the same results.")  # fmt: skip
@click.option("--year", type=int, help="NRMP figures to compare with  [default: the latest]")
@click.option("--scheduler", metavar="ADDR",
              help="Run the replications on a Dask cluster (tcp://host:8786); needs "
              "smartpick[distributed]. Only simulation inputs are sent.")  # fmt: skip
@json_option
@click.pass_context
def simulate_command(
    ctx: click.Context, runs: int, seed: int, year: int | None, scheduler: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Simulate the NRMP Main Residency Match: a national market drawn from the dataset and
    the fitted model, matched by applicant-proposing deferred acceptance, beside the NRMP's
    own figures."""
    from smartpick.services.simulate import simulate_report

    services = session(ctx)
    with click.progressbar(length=runs, label="Simulating", file=sys.stderr) as bar:
        report = simulate_report(
            services, runs, seed, year, scheduler, progress=lambda done: bar.update(done)
        )
    if as_json:
        echo_json(report)
        return
    _echo_simulation(report, services.specialty_names)


def _echo_simulation(r: dict[str, Any], name_of: dict[str, str]) -> None:
    nrmp = r["nrmp"]
    click.echo(
        f"Simulated Match: {r['runs']} runs, seed {r['seed']}, "
        f"{r['seconds_per_run']:.2f} s per run; compared with NRMP {r['year']}"
    )
    m = r["market"]
    click.echo(
        f"Market: {m['applicants']:,} applicants, {m['programs']:,} programs, "
        f"{m['positions']:,} positions in {m['specialties']} specialties"
    )
    click.echo("")
    click.echo(f"{'applicant type':<28}{'simulated':>12}{'NRMP':>10}")
    names = {"md": "U.S. MD seniors", "do": "U.S. DO seniors", "us-img": "U.S.-citizen IMGs",
             "non-us-img": "non-U.S.-citizen IMGs",
             "other": "others (earlier graduates)"}  # fmt: skip
    for g, name in names.items():
        sim = r["match_rate_by_type"].get(g)
        click.echo(
            f"{name:<28}{_percent(sim):>12}{_percent(nrmp['match_rate_by_type'].get(g)):>10}"
        )
    click.echo(
        f"{'positions filled':<28}{_percent(r['fill_rate']):>12}{_percent(nrmp['fill_rate']):>10}"
    )
    click.echo(
        f"Unmatched applicants: {r['unmatched_applicants']:,.0f} a run; "
        f"unfilled positions: {r['unfilled_positions']:,.0f} a run"
    )
    soap = r.get("soap") or {}
    offered = soap.get("positions_offered")
    if offered:
        filled = soap["positions_filled"]
        click.echo(
            f"SOAP: {filled:,.0f} of the {offered:,.0f} unfilled positions filled a run "
            f"({filled / offered:.1%})"
        )
    _echo_interviews(r.get("interviews") or {}, nrmp.get("interviews") or {}, name_of)
    click.echo("")
    for note in r["notes"]:
        click.echo(f"- {note}")


def _echo_interviews(
    sim: dict[str, Any], published: dict[str, Any], name_of: dict[str, str]
) -> None:
    """What the Match made of interviews, beside Charting Outcomes' figures."""
    curve, shown = (
        sim.get("md_share_matched_by_ranks") or {},
        published.get("md_share_matched_by_ranks") or {},
    )
    if curve:
        click.echo("")
        click.echo("U.S. MD seniors matched in their preferred specialty, by programs ranked:")
        click.echo(
            "  "
            + "; ".join(f"{k}: {_percent(curve.get(k))} ({_percent(v)})" for k, v in shown.items())
            + "  (simulated, published in brackets)"
        )
    medians = sim.get("non_us_img_contiguous_ranks_median") or {}
    wanted = published.get("non_us_img_contiguous_ranks_median") or {}
    rows = [(s, m, wanted[s]) for s, m in medians.items() if s in wanted]
    if rows:
        click.echo("Non-U.S. IMGs' programs ranked in their preferred specialty (median), "
                   "matched / not matched:")  # fmt: skip
        for spec, m, p in rows:
            click.echo(
                f"  {name_of.get(spec, spec):<36}{_median(m['matched'])} / "
                f"{_median(m['not_matched'])}  (published {p['matched']:g} / "
                f"{p['not_matched']:g})"
            )


def _median(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


@click.command("rank")
@profile_options
@click.option(
    "--programs",
    "programs",
    required=True,
    metavar="ID,ID,...",
    help="ACGME ids of the programs where you interviewed, the one you want most first.",
)
@click.option(
    "--rate",
    "ratings",
    multiple=True,
    metavar="ID=N",
    help="How much you want a program, 1-10 (repeat); the order then follows the ratings.",
)
@click.option(
    "--supplemental",
    metavar="CODE,CODE,...",
    help="For advanced programs: the PGY-1 programs where you interviewed (NRMP codes or "
    "names), the one you want most first (your supplemental list).",
)
@json_option
@click.pass_context
def rank_command(
    ctx: click.Context,
    /,
    programs: str,
    ratings: tuple[str, ...],
    supplemental: str | None,
    as_json: bool,
    **flags: Any,
) -> None:
    """Your rank order list: the chance of matching at each rank for the programs where you
    interviewed, and why ranking them in your true order of preference is best."""
    from smartpick.services.rank import rank_report

    report = rank_report(
        session(ctx),
        profile_from(flags),
        programs.split(","),
        parse_ratings(ratings),
        (supplemental or "").split(","),
    )
    if as_json:
        echo_json(report.dump())
        return
    click.echo(
        f"{report.specialty_name}, {report.applicant_type}, season {report.season}: "
        f"{report.p_match:.0%} chance of matching with these {len(report.programs)} "
        "programs ranked"
    )
    click.echo("")
    click.echo(f"  {'Rank':<5} {'Match here':>10} {'By here':>8}  Program")
    for row in report.programs:
        click.echo(
            f"  {row.rank:<5} {row.p_match_here:>10.0%} {row.p_match_by_here:>8.0%}"
            f"  {row.name}, {row.state} [{row.acgme_id}]"
        )
    click.echo("")
    click.echo(
        f"  Expected value of your order: {report.expected_value:.3f} ({report.value_basis})"
    )
    for alt in report.alternatives:
        click.echo(
            f"  {alt.order}: {alt.p_match:.0%} chance, value {alt.expected_value:.3f} "
            f"(loses {alt.loss:.3f})"
        )
    search = report.search
    if search:
        verdict = "no order beats yours" if search.true_order_is_best else "another order is better"
        click.echo(f"  Every one of the {search.orders:,} orders checked: {verdict}.")
    extra = report.supplemental
    if extra is not None:
        click.echo(
            f"  Supplemental list: {extra.p_pgy1:.0%} chance of a PGY-1 position once an "
            f"advanced program matches you ({extra.p_advanced:.0%}); both: {extra.p_both:.0%}."
        )
        for srow in extra.programs:
            click.echo(
                f"  {srow.rank:<5} {srow.p_match_here:>10.0%} {srow.p_match_by_here:>8.0%}"
                f"  {srow.name}, {srow.state} [{srow.program_id}]"
            )
        click.echo(f"  The PGY-1 chances are {extra.method}.")
    for note in report.notes:
        click.echo(f"  Note: {note}")
