"""The fingerprint of the model's code (smartpick.fitted): comments, docstrings and moving a
definition between fingerprinted modules leave it; a change to what the code does does not,
and a fit made by other code is refused with the command that refits it."""

from __future__ import annotations

import pytest

from smartpick.errors import DataError
from smartpick.fitted import fingerprint_of, require_current

ONE = '''"""A module."""
from __future__ import annotations

import numpy as np

from smartpick.core.model.parameters import Params

RATE = 0.5


def chance(x: float) -> float:
    """The chance."""
    # a comment
    return float(np.exp(-RATE * x))


class Shape:
    """A shape."""

    def area(self) -> float:
        return 1.0
'''


def test_comments_and_docstrings_do_not_count() -> None:
    edited = (
        ONE.replace('"""The chance."""', '"""The chance, said otherwise,\n    on two lines."""')
        .replace("# a comment", "# another comment, longer")
        .replace('"""A shape."""', "")
    )
    assert fingerprint_of([edited]) == fingerprint_of([ONE])


def test_a_definition_moved_to_another_module_does_not_count() -> None:
    head, shape = ONE.split("class Shape:")
    other = "import numpy as np\nfrom smartpick.core import model\n\nclass Shape:" + shape
    assert fingerprint_of([head, other]) == fingerprint_of([ONE])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("RATE = 0.5", "RATE = 0.6"),
        ("np.exp(-RATE * x)", "np.exp(RATE * x)"),
        ("import numpy as np", "import numpy.linalg as np"),
        ("return 1.0", "return 2.0"),
    ],
)
def test_a_change_to_what_the_code_does_counts(old: str, new: str) -> None:
    assert fingerprint_of([ONE.replace(old, new)]) != fingerprint_of([ONE])


def test_a_fit_made_by_other_code_is_refused_with_the_refit_command() -> None:
    require_current({"code_hash": "abc"}, "code_hash", "abc", "The parameters", "refit it")
    with pytest.raises(DataError) as caught:
        require_current({"code_hash": "abc"}, "code_hash", "def", "The parameters", "refit it")
    assert "other model code" in caught.value.message
    assert caught.value.hint == "Refit with `refit it`."


def test_grouping_imported_names_does_not_count() -> None:
    grouped = "from collections.abc import Mapping, Sequence\n\nX = Mapping\nY = Sequence\n"
    apart = "from collections.abc import Sequence\nfrom collections.abc import Mapping\n\n"
    assert fingerprint_of([grouped]) == fingerprint_of([apart + "X = Mapping\nY = Sequence\n"])
