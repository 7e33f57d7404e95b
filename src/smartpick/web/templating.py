"""The web app's folder and its Jinja templates, with SmartPick's filters."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi.templating import Jinja2Templates

from smartpick.services.program import plain_source
from smartpick.web.words import own_img_rate, percent, pgy1_summary, plain_words, span

WEB = Path(str(resources.files("smartpick.web")))
templates = Jinja2Templates(directory=str(WEB / "templates"))
templates.env.filters["percent"] = percent
templates.env.filters["span"] = span
templates.env.globals["own_img_rate"] = own_img_rate
templates.env.filters["plain_source"] = plain_source
templates.env.filters["plain_words"] = plain_words
templates.env.filters["pgy1_summary"] = pgy1_summary
