"""The web app's folder and its Jinja templates, with SmartPick's filters."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi.templating import Jinja2Templates

from smartpick.web.words import percent

WEB = Path(str(resources.files("smartpick.web")))
templates = Jinja2Templates(directory=str(WEB / "templates"))
templates.env.filters["percent"] = percent
