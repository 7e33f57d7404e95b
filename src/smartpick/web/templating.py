"""The web app's folder and its Jinja templates, with SmartPick's filters."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from fastapi.templating import Jinja2Templates

from smartpick.web.words import percent

WEB = Path(str(resources.files("smartpick.web")))
templates = Jinja2Templates(directory=str(WEB / "templates"))
templates.env.filters["percent"] = percent

# A source kept in the dataset as "owner/repository path/file.ext (commit abc123)": said on a
# page as where it is, in plain words (the exact file and commit stay in the dataset's
# provenance and in the JSON).
_REPOSITORY_FILE = re.compile(r"([\w.-]+/[\w.-]+) [\w./-]+\.\w+ \(commit [0-9a-f]+\)")


def plain_source(text: str) -> str:
    """A source as a student reads it: a repository's file and commit become "a public
    transcription on GitHub (owner/repository)"."""
    return _REPOSITORY_FILE.sub(r"a public transcription on GitHub (\1)", text)


templates.env.filters["plain_source"] = plain_source
