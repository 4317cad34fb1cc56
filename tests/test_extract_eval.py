"""The extractor's accuracy targets, scored on ../shared/gold exactly as ``make eval`` scores them.

Skips cleanly without ../shared. Scored with the built-in dictionaries only (what the product
ships); ``make eval`` also reports the figures with the Phoenix dictionaries.
"""

from __future__ import annotations

import dataclasses

import pytest

from eventwire.config import Settings
from eventwire.extract import evaluate
from eventwire.extract.engine import Extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(dataclasses.replace(Settings(), dictionaries=None))


@pytest.fixture(scope="module")
def seed(extractor, shared_dir) -> dict:
    return evaluate.score_seed(extractor, shared_dir)


@pytest.fixture(scope="module")
def plover(extractor, shared_dir) -> dict:
    return evaluate.score_plover(extractor, shared_dir)


@pytest.fixture(scope="module")
def petr2(extractor, shared_dir) -> dict:
    return evaluate.score_petr2(extractor, shared_dir)


def test_seed_required_events_found(seed) -> None:
    missing = [key for key, found in seed["required"].items() if not found]
    assert missing == []


def test_seed_forbidden_events_never_emitted(seed) -> None:
    assert {k: n for k, n in seed["forbidden"].items() if n} == {}


def test_seed_fatalities_exact(seed) -> None:
    assert seed["fatalities_exact"] == seed["fatalities_total"] > 0


def test_plover_dev_f1(plover) -> None:
    assert plover["micro"]["f1"] >= 0.83
    assert plover["macro_f1"] >= 0.80


def test_petr2_root_accuracy(petr2) -> None:
    assert petr2["root_accuracy"] >= 0.74


def test_petr2_no_event_sentences(petr2) -> None:
    assert petr2["no_event_coded"] <= 2


def test_petr2_actor_country(petr2) -> None:
    assert petr2["actor_country_accuracy"] >= 0.83


def test_eval_skips_without_shared(tmp_path, capsys) -> None:
    assert evaluate.main(["--shared", str(tmp_path / "nowhere"), "--no-confusion"]) == 0
    out = capsys.readouterr()
    assert "skipped" in out.err
    assert "own ACLED dev (check half)" in out.out
    assert "PLOVER" not in out.out
