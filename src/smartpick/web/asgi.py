"""The app as an import string for servers with several worker processes
(`smartpick serve --workers N`, or `uvicorn smartpick.web.asgi:app`): settings from the
environment, the engine warmed before the first request."""

from smartpick.web.app import create_app

app = create_app(warm=True)
