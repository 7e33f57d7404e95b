"""Answers kept by their inputs within a session: a plan page, its CSV, its PDF and the
advice's what-if plans ask for the same plan, and it is made once. Only frozen answers are
kept (they are shared, never changed); an input that fails is not kept, so the next request
gets the same error afresh."""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from smartpick.services import Services

P = ParamSpec("P")
R = TypeVar("R")
KEPT = 64  # answers kept per session, the least recently used dropped first


class Answers:
    """A small least-recently-used store of a session's answers, safe across threads."""

    def __init__(self, limit: int = KEPT) -> None:
        self.limit = limit
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # answers computed (not found kept): what the tests count

    def get(self, key: Hashable, make: Callable[[], R]) -> R:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                found: R = self._kept[key]
                return found
        answer = make()  # outside the lock: two sessions' threads may both make it once
        with self._lock:
            self.made += 1
            self._kept[key] = answer
            self._kept.move_to_end(key)
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)
        return answer


def _frozen(value: Any) -> Hashable:
    """An input as part of a key: a profile by its JSON, a mapping as its sorted items, a
    sequence as a tuple."""
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep an answer by a {type(value).__name__}")


def remembered(
    function: Callable[Concatenate[Services, P], R],
) -> Callable[Concatenate[Services, P], R]:
    """Keep a use case's answers in its session (`services.answers`), by every argument but
    the session, defaults filled in (so the same question asked two ways is one answer)."""
    signature = inspect.signature(function)

    def wrapper(services: Services, /, *args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(services, *args, **kwargs)
        bound.apply_defaults()
        key = (function.__qualname__, *(_frozen(v) for v in list(bound.arguments.values())[1:]))
        return services.answers.get(key, lambda: function(services, *args, **kwargs))

    functools.update_wrapper(wrapper, function)
    return wrapper
