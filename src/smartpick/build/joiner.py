"""A careful one-to-one matcher for program rows that carry a name and a city/state.

Every candidate pair is scored; pairs in different states never join; a program takes at
most one row (greedy on score, best pairs first). A join is *doubtful* when its name score
is below `sure` or a rival candidate comes within `margin` points; doubtful joins are kept
but reported, so a person can check them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smartpick.build.names import key, normalize, same_city, similarity


@dataclass(frozen=True)
class Entry:
    """One side of the join: an id, a name and an optional location."""

    id: str
    name: str
    city: str
    state: str


@dataclass(frozen=True)
class Link:
    left: str
    right: str
    score: float
    doubtful: str  # empty when sure, else the reason


@dataclass(frozen=True)
class Miss:
    left: str
    reason: str


def _score(a: Entry, b: Entry) -> float | None:
    if a.state and b.state and a.state != b.state:
        return None
    score = similarity(a.name, b.name)
    if same_city(a.city, b.city):
        score += 3.0
    return score


_GENERIC = frozenset(
    (
        "university medical center hospital health healthcare system college school medicine "
        "saint regional community memorial general network consortium education program "
        "campus clinic foundation services group"
    ).split()
)


def _distinctive(name: str) -> set[str]:
    return {w for w in key(name).split() if w not in _GENERIC and not w.isdigit()}


def _same_city_pass(lefts: Sequence[Entry], rights: Sequence[Entry]) -> list[Link]:
    """Pair leftovers that are the only ones left in the same city and share a distinctive word.

    This catches renamed sponsors ("University of Rochester" and "University of Rochester
    Medical Center") that a name score alone rejects; every such join is marked doubtful.
    """

    def place(e: Entry) -> tuple[str, str]:
        return (normalize(e.city), e.state)

    left_by_place: dict[tuple[str, str], list[Entry]] = {}
    right_by_place: dict[tuple[str, str], list[Entry]] = {}
    for a in lefts:
        if a.city and a.state:
            left_by_place.setdefault(place(a), []).append(a)
    for r in rights:
        if r.city and r.state:
            right_by_place.setdefault(place(r), []).append(r)
    links = []
    for where, here in left_by_place.items():
        there = right_by_place.get(where, [])
        if len(here) == 1 and len(there) == 1:
            a, r = here[0], there[0]
            shared = _distinctive(a.name) & _distinctive(r.name)
            if shared:
                reason = f"only unjoined pair in {a.city}, {a.state}; names share "
                links.append(Link(a.id, r.id, similarity(a.name, r.name),
                                  reason + ", ".join(sorted(shared))))  # fmt: skip
        elif here and there:
            links += _nested_names(here, there)
    return links


def _nested_names(here: Sequence[Entry], there: Sequence[Entry]) -> list[Link]:
    """In a city with several leftovers, pair a row and a program when the distinctive words
    of one name are all in the other, and neither has another such partner."""

    def nested(a: Entry, r: Entry) -> bool:
        da, dr = _distinctive(a.name), _distinctive(r.name)
        return bool(da and dr) and (da <= dr or dr <= da)

    links = []
    for a in here:
        partners = [r for r in there if nested(a, r)]
        if len(partners) == 1 and sum(nested(b, partners[0]) for b in here) == 1:
            r = partners[0]
            reason = f"the only nested names among unjoined rows in {a.city}, {a.state}"
            links.append(Link(a.id, r.id, similarity(a.name, r.name), reason))
    return links


def _candidates(a: Entry, rights: Sequence[Entry], by_state: dict[str, list[Entry]]) -> list[Entry]:
    if not a.state:
        return list(rights)
    return by_state.get(a.state, []) + by_state.get("", [])


def link(
    lefts: Sequence[Entry],
    rights: Sequence[Entry],
    *,
    floor: float = 80.0,
    sure: float = 92.0,
    margin: float = 4.0,
) -> tuple[list[Link], list[Miss]]:
    """Join rows of `lefts` onto `rights` one-to-one."""
    by_state: dict[str, list[Entry]] = {}
    for r in rights:
        by_state.setdefault(r.state, []).append(r)
    scored: list[tuple[float, int, Entry, float, str]] = []
    best_alt: dict[str, tuple[float, str]] = {}
    for i, a in enumerate(lefts):
        options = sorted(
            ((s, r) for r in _candidates(a, rights, by_state) if (s := _score(a, r)) is not None),
            key=lambda pair: -pair[0],
        )
        if options:
            best_alt[a.id] = (options[0][0], options[0][1].name)
        for rank, (s, r) in enumerate(options):
            if s < floor:
                break
            rival = options[rank + 1][0] if rank + 1 < len(options) else 0.0
            scored.append((s, i, r, rival, "" if rank == 0 else "not the best-scoring name"))
    scored.sort(key=lambda item: (-item[0], item[1]))
    taken_left: set[str] = set()
    taken_right: set[str] = set()
    links: list[Link] = []
    for s, i, r, rival, note in scored:
        a = lefts[i]
        if a.id in taken_left or r.id in taken_right:
            continue
        reasons = [note] if note else []
        if s < sure:
            reasons.append(f"name score {s:.0f}")
        if s - rival < margin:
            reasons.append(f"a rival scores {rival:.0f}")
        if not (a.state and r.state):
            reasons.append("no location on one side; joined on name alone")
        taken_left.add(a.id)
        taken_right.add(r.id)
        links.append(Link(a.id, r.id, s, "; ".join(reasons)))
    links += _same_city_pass(
        [a for a in lefts if a.id not in taken_left],
        [r for r in rights if r.id not in taken_right],
    )
    taken_left |= {lk.left for lk in links}
    misses = []
    for a in lefts:
        if a.id in taken_left:
            continue
        if a.id in best_alt:
            score, name = best_alt[a.id]
            reason = f"best candidate '{name}' scores {score:.0f} (below {floor:.0f})"
            if score >= floor:
                reason = f"best candidate '{name}' was taken by a better-scoring row"
        else:
            reason = "no program of this specialty in this state"
        misses.append(Miss(a.id, reason))
    return links, misses
