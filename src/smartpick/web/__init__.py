"""The web app: server-rendered pages and the JSON API over the same services."""

from smartpick.web.app import create_app

__all__ = ["create_app"]
