"""The `smartpick` command line: one group, one module per command group (catalog, profile,
engine, fit, market, serve) over the shared options in cli.common. Adding a command: write it
as a click command in the module of its group and add it to the group below."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import click

from smartpick.cli import catalog, engine, fit, market, midseason, profile, serve
from smartpick.cli.common import PROGRAM_FIELDS, option_of
from smartpick.errors import SmartPickError
from smartpick.services import Services
from smartpick.settings import load_config


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
        field = getattr(exc, "field", None)
        flag = option_of(field)
        if flag is not None:
            click.echo(f"(the option: {flag})", err=True)
        if field in PROGRAM_FIELDS:
            click.echo("(`smartpick chances` lists the programs with their ACGME ids)", err=True)
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


for command in (
    catalog.data,
    catalog.specialties,
    catalog.season,
    catalog.programs,
    profile.standing_command,
    profile.profile,
    engine.chances_command,
    engine.plan_command,
    engine.advise_command,
    fit.calibrate_command,
    fit.validate_command,
    market.simulate_command,
    market.rank_command,
    midseason.midseason_command,
    serve.serve_command,
):
    cli.add_command(command)
