"""The one-to-one name matcher of the data build."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smartpick.build.freida import visa_policy
from smartpick.build.joiner import Entry, link
from smartpick.build.names import key, similarity


def test_abbreviations_and_filler_words_do_not_change_the_key() -> None:
    assert key("St. Luke's Univ Hosp Program") == key("Saint Lukes University Hospital")


def test_exact_names_score_100_and_different_names_score_low() -> None:
    assert similarity("Albany Medical Center Program", "Albany Med Ctr") == 100
    assert similarity("Albany Medical Center", "Baylor College of Medicine") < 60


def test_names_in_different_states_never_join() -> None:
    links, misses = link(
        [Entry("r1", "Mercy Hospital Program", "Springfield", "MO")],
        [Entry("p1", "Mercy Hospital Program", "Springfield", "IL")],
    )
    assert links == [] and misses[0].left == "r1"


def test_a_program_takes_at_most_one_row() -> None:
    links, misses = link(
        [Entry("r1", "Alpha Hospital", "X", "NY"), Entry("r2", "Alpha Hospital", "X", "NY")],
        [Entry("p1", "Alpha Hospital", "X", "NY")],
    )
    assert [lk.right for lk in links] == ["p1"] and len(misses) == 1
    assert "taken" in misses[0].reason


def test_a_close_rival_makes_a_join_doubtful() -> None:
    links, _ = link(
        [Entry("r1", "Mercy Hospital Program", "", "OH")],
        [
            Entry("p1", "Mercy Hospital East Program", "", "OH"),
            Entry("p2", "Mercy Hospital West Program", "", "OH"),
        ],
    )
    assert len(links) == 1 and "rival" in links[0].doubtful


def test_the_only_unjoined_pair_in_a_city_joins_with_doubt() -> None:
    links, _ = link(
        [Entry("r1", "University of Rochester Program", "Rochester", "NY")],
        [Entry("p1", "University of Rochester Medical Center Program", "Rochester", "NY")],
    )
    assert [lk.right for lk in links] == ["p1"]
    assert "only unjoined pair in Rochester" in links[0].doubtful


def test_a_lone_pair_sharing_no_distinctive_word_stays_apart() -> None:
    links, _ = link(
        [Entry("r1", "Crozer-Chester Medical Center Program", "Upland", "PA")],
        [Entry("p1", "Keystone Health Program", "Upland", "PA")],
    )
    assert links == []


names = st.text(alphabet="abcdefgh ", min_size=3, max_size=20).filter(lambda s: s.strip())


@given(st.lists(st.tuples(names, st.sampled_from(["NY", "CA", ""])), max_size=8),
       st.lists(st.tuples(names, st.sampled_from(["NY", "CA", ""])), max_size=8))  # fmt: skip
def test_links_are_one_to_one_and_within_a_state(
    lefts: list[tuple[str, str]], rights: list[tuple[str, str]]
) -> None:
    left = [Entry(f"l{i}", n, "", s) for i, (n, s) in enumerate(lefts)]
    right = [Entry(f"r{i}", n, "", s) for i, (n, s) in enumerate(rights)]
    links, misses = link(left, right)
    assert len({lk.left for lk in links}) == len(links)
    assert len({lk.right for lk in links}) == len(links)
    assert len(links) + len(misses) == len(left)
    states = {e.id: e.state for e in left + right}
    for lk in links:
        a, b = states[lk.left], states[lk.right]
        assert not (a and b) or a == b


def test_visa_lists_read_as_yes_no_or_unknown() -> None:
    assert visa_policy("['J-1 through ECFMG', 'H-1B']") == ("yes", "yes")
    assert visa_policy("['J-1 through ECFMG']") == ("yes", "no")
    assert visa_policy("['F-1']") == ("no", "no")
    assert visa_policy("[]") == ("unknown", "unknown")
    assert visa_policy("") == ("unknown", "unknown")
    assert visa_policy("[{'value': 'H-1B', 'label': 'H-1B visa'}]") == ("no", "yes")
    for damaged in ("-1", "'J-1'", "{'value': 'H-1B'}", "None"):  # found by the build fuzz
        assert visa_policy(damaged) == ("unknown", "unknown")


def test_nested_names_pair_when_unique_in_a_city() -> None:
    links, misses = link(
        [
            Entry("r1", "University of Alabama Medical Center Program", "Birmingham", "AL"),
            Entry("r2", "Brookwood Baptist Health Program", "Birmingham", "AL"),
        ],
        [
            Entry("p1", "University of Alabama Hospital (Birmingham) Program", "Birmingham", "AL"),
            Entry("p2", "Baptist Health Program", "Birmingham", "AL"),
        ],
    )
    assert {(lk.left, lk.right) for lk in links} == {("r1", "p1"), ("r2", "p2")}
    assert all("nested" in lk.doubtful for lk in links) and misses == []


def test_nested_names_with_two_partners_stay_apart() -> None:
    links, _ = link(
        [
            Entry("r1", "University of Rochester Program", "Rochester", "NY"),
            Entry("r2", "Rochester General Hospital Program", "Rochester", "NY"),
        ],
        [
            Entry("p1", "University of Rochester Medical Center Program", "Rochester", "NY"),
            Entry("p2", "Rochester Regional Health Program", "Rochester", "NY"),
        ],
    )
    assert links == []
