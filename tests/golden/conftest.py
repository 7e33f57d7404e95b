"""The e2e fixture that runs the CLI in-process."""

from tests.e2e.conftest import invoke

__all__ = ["invoke"]
