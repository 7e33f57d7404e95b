"""A fuzz of the data build's inputs: every raw and reference file of a small shared folder
damaged in the ways files get damaged (missing, empty, cut short, bytes overwritten, not
UTF-8, a column gone, a cell replaced by something strange). The build either succeeds with a
dataset SmartPick can open, or stops with the build's own error (a message, exit code 2 on
the command line); the dataset already in the output folder is never touched by a build that
fails."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartpick.data import load_dataset
from smartpick.errors import SourceError
from smartpick.services import Services
from smartpick.settings import load_config
from tests.fixtures.shared import make_shared

TEMPLATE = Path(tempfile.mkdtemp(prefix="smartpick-fuzz-shared-"))
make_shared(TEMPLATE)
FILES = sorted(str(p.relative_to(TEMPLATE)) for p in TEMPLATE.rglob("*") if p.is_file())

KINDS_OF_DAMAGE = ["delete", "empty", "truncate", "overwrite", "latin1", "drop_column",
                   "cell", "header_only", "duplicate_rows"]  # fmt: skip
STRANGE_CELLS = ["", "-", "NaN", "nan", "inf", "-1", "1e309", "0.0.1", "9" * 40, "\u00a0",
                 '"', "a,b", "\n", "Ω≈ç√", "None", "null", "  ", "0x1F", "+-0"]  # fmt: skip


@st.composite
def damages(draw: st.DrawFn) -> tuple[str, str, object]:
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(KINDS_OF_DAMAGE))
    arg: object = None
    if kind in ("truncate", "overwrite"):
        arg = (draw(st.floats(0, 1)), draw(st.binary(min_size=1, max_size=12)))
    elif kind == "drop_column":
        arg = draw(st.integers(0, 40))
    elif kind == "cell":
        arg = (draw(st.integers(0, 400)), draw(st.sampled_from(STRANGE_CELLS) | st.text()))
    return name, kind, arg


def _damage(path: Path, kind: str, arg: object) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if kind == "delete":
        path.unlink()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncate":
        assert isinstance(arg, tuple)
        path.write_bytes(data[: int(len(data) * arg[0])])
    elif kind == "overwrite":
        assert isinstance(arg, tuple)
        at = int(len(data) * arg[0])
        path.write_bytes(data[:at] + arg[1] + data[at + len(arg[1]) :])
    elif kind == "latin1":
        path.write_bytes(text.replace("a", "\u00e9").encode("latin-1", errors="replace"))
    elif kind == "drop_column":
        assert isinstance(arg, int)
        split = [line.rstrip("\n").split(",") for line in lines]
        col = arg % max(len(split[0]), 1) if split else 0
        path.write_text("".join(",".join(c[:col] + c[col + 1 :]) + "\n" for c in split))
    elif kind == "cell":
        assert isinstance(arg, tuple)
        cells = text.split(",")
        cells[arg[0] % len(cells)] = str(arg[1])
        path.write_text(",".join(cells), encoding="utf-8")
    elif kind == "header_only":
        path.write_text(lines[0] if lines else "", encoding="utf-8")
    elif kind == "duplicate_rows":
        path.write_text(text + "".join(lines[1:]), encoding="utf-8")


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def build(shared: Path, out: Path) -> None:
    """What `smartpick data build` does: the dataset and the map."""
    Services(load_config({})).build_data(shared, out, None, None, out / "map.json")


BUILT = Path(tempfile.mkdtemp(prefix="smartpick-fuzz-dataset-"))
build(TEMPLATE, BUILT)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=damages())
def test_a_damaged_source_builds_a_usable_dataset_or_stops_cleanly(
    damage: tuple[str, str, object],
) -> None:
    name, kind, arg = damage
    with tempfile.TemporaryDirectory() as tmp:
        shared, out = Path(tmp) / "shared", Path(tmp) / "dataset"
        shutil.copytree(TEMPLATE, shared)
        shutil.copytree(BUILT, out)
        before = _digest(out)
        _damage(shared / name, kind, arg)
        try:
            build(shared, out)
        except SourceError as exc:
            assert exc.exit_code == 2 and exc.message.strip()
            assert _digest(out) == before, "a failed build changed the dataset"
            return
        dataset = load_dataset(out)  # what was written opens, with its provenance
        assert dataset.programs()
