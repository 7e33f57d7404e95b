"""The web app: serve."""

from __future__ import annotations

import click

from smartpick.cli.common import (
    session,
)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--get", "path", metavar="PATH", help="Render one page in-process and exit.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core serves the most); settings come from the environment.",
)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, path: str | None, workers: int) -> None:
    """Run the web app (no account, no outside requests); with --get, print one page and exit
    non-zero on an error: a smoke test."""
    from smartpick.web import create_app

    app = create_app(session(ctx).config)
    if path is not None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # starlette's note about its test client
            from fastapi.testclient import TestClient

        with TestClient(app) as client:
            response = client.get(path)
        click.echo(response.text)
        if response.status_code >= 400:
            raise click.exceptions.Exit(1)
        return
    import uvicorn

    click.echo(f"SmartPick on http://{host}:{port}/ (Ctrl-C to stop)")
    if workers > 1:
        uvicorn.run(
            "smartpick.web.asgi:app", host=host, port=port, workers=workers, log_level="warning"
        )
    else:
        uvicorn.run(app, host=host, port=port, log_level="warning")
