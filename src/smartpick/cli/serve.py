"""The web app: serve."""

from __future__ import annotations

import os
import socket
from typing import Any

import click

from smartpick.cli.common import session
from smartpick.errors import InputError
from smartpick.settings import as_environment


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option("--get", "path", metavar="PATH", help="Render one page in-process and exit.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core serves the most).",
)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, path: str | None, workers: int) -> None:
    """Run the web app (no account, no outside requests); with --get, print one page and exit
    non-zero on an error: a smoke test."""
    from smartpick.web import create_app

    if path is not None:
        app = create_app(session(ctx).config)
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

    _check_free(host, port)
    if session(ctx).config.database_url.startswith("sqlite"):
        # A damaged or missing SQLite file is said now, not at the first save.
        session(ctx).store.dataset_version()
    click.echo(
        f"SmartPick on http://{host}:{port}/ once the engine is warm, in a few seconds "
        "(Ctrl-C to stop)"
    )
    # A client's address is the connection's, unless it comes through a proxy named in
    # SMARTPICK_TRUSTED_PROXIES (uvicorn would otherwise believe X-Forwarded-For from
    # 127.0.0.1, letting any local client pose as many and pass the rate limit).
    proxies = session(ctx).config.trusted_proxies
    options: dict[str, Any] = {
        "log_level": "warning",
        "proxy_headers": proxies is not None,
        "forwarded_allow_ips": proxies,
    }
    if workers > 1:
        # The workers are new processes that build the app from the environment: hand them
        # the settings given here (--db, --database-url, --season) that way.
        os.environ.update(as_environment(session(ctx).config))
        uvicorn.run("smartpick.web.asgi:app", host=host, port=port, workers=workers, **options)
    else:
        app = create_app(session(ctx).config, warm=True)
        uvicorn.run(app, host=host, port=port, **options)


def _check_free(host: str, port: int) -> None:
    """Stop with one line when the address cannot be listened on (a port in use, say)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            # As the server will: a port whose last connections are closing (TIME_WAIT, after
            # a restart) can be listened on again; one another program listens on cannot.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            field="port",
            hint="Another program may be using the port: give another with --port.",
        ) from None
