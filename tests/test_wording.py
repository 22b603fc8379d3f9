"""Words in messages: counts, shortened values, percentages."""

from __future__ import annotations

import pytest

from embspace.wording import counted, listed, percent, show


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0.0%"),
        (0.003, "0.003%"),
        (0.3, "0.3%"),
        (46.3718, "46.4%"),
        (99.97, "99.97%"),
        (99.99999, ">99.999%"),
        (100.0, "100.0%"),
    ],
)
def test_percent_reads_0_or_100_only_when_it_is(value, text):
    assert percent(value) == text


def test_counted_and_show():
    assert counted(1, "key") == "1 key"
    assert counted(2_000, "match", "matches") == "2,000 matches"
    assert show("a" * 5000, 20) == "'aaaaaaaaaaaaaaaa... (5,000 characters)"
    assert show("short") == "'short'"


def test_listed_joins_items_as_a_sentence():
    assert [listed(items) for items in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]
