"""SmartPick: a residency application planner with numbers traced to public sources."""

from smartpick.errors import DataError, InputError, NotFoundError, SmartPickError, StoreError

__all__ = [
    "DataError",
    "InputError",
    "NotFoundError",
    "SmartPickError",
    "StoreError",
    "__version__",
]

__version__ = "0.1.0"
