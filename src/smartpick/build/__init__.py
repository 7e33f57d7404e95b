"""The data build: turns the shared raw sources and reference figures into SmartPick's dataset.

It runs at development time (`smartpick data build --raw DIR`), never at start-up; the
result is committed under `smartpick/data/` so a fresh clone runs without the raw files.
"""

from smartpick.build.pipeline import BuildResult, build_dataset, check_layout, write_report

__all__ = ["BuildResult", "build_dataset", "check_layout", "write_report"]
