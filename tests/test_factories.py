"""The shared test rows themselves: synthetic mentions are valid and reproducible."""

from __future__ import annotations

from factories import run, synthetic_mentions

from eventwire import schema


def test_synthetic_mentions_are_valid_and_reproducible():
    window = run()
    first = synthetic_mentions(200, window, seed=3)
    assert first.schema == schema.MENTIONS
    assert first.equals(synthetic_mentions(200, window, seed=3))
    assert len(set(first.column("mention_id").to_pylist())) == 200
    assert set(first.column("plover_type").to_pylist()) <= set(schema.PLOVER_TYPES)
    assert set(first.column("ingested_at").to_pylist()) == {window.end}
