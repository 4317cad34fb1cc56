"""The project's own ACLED-style dev set (tests/data/acled_dev.jsonl), scored as `make eval`
scores it: the check half, which no rule was written against.

Floors sit at the figures measured when the rules were last tuned (see the README's make eval
table); the targets that are met are asserted at the target itself.
"""

from __future__ import annotations

import pytest

from eventwire.config import Settings
from eventwire.extract import acled_eval
from eventwire.extract.engine import Extractor

# The held-out half's sub-type macro-F1: the target is 0.70; the floor sits under today's 0.822.
SUB_EVENT_MACRO_F1 = 0.80
# Fatalities are asserted at their target (0.90; the check half gives 0.912), the others at
# measured floors a little under today's check half.
FLOORS = {
    "event_type_accuracy": 0.85,
    "fatalities_exact": 0.90,
    "country": 0.87,
    "place_within_25km": 0.78,
    "date_exact": 0.92,
}


@pytest.fixture(scope="module")
def check() -> dict:
    return acled_eval.score(Extractor(Settings()), "check")


def test_every_sub_type_is_in_both_halves() -> None:
    rows = acled_eval.load()
    for split in ("tune", "check"):
        subs = {r["acled_sub_event_type"] for r in rows if r["split"] == split}
        assert len(subs - {None}) == 25


def test_check_half_sub_event_macro_f1(check) -> None:
    assert check["sub_event_macro_f1"] >= SUB_EVENT_MACRO_F1


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_check_half_attributes(check, measure) -> None:
    assert check[measure]["rate"] >= FLOORS[measure], check[measure]


def test_confusion_table_names_every_gold_sub_type(check) -> None:
    table = acled_eval.confusion_table(check)
    assert "Armed clash" in table
    assert len(table.splitlines()) == 26  # 25 sub-types and "(none)"
