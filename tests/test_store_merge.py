"""Merging mentions into events: one event per story, stable ids, deletions, idempotent runs."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from factories import DAY, PLACES, mention, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.store import compact, merge, parquet


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    return DataRoot(str(tmp_path / "data"))


def _run(root: DataRoot, window, rows: list[dict]) -> merge.MergeResult:
    """What the events task does: merge, then write the run's mentions."""
    result = merge.merge_mentions(root, pa.Table.from_pylist(rows, schema=schema.MENTIONS), window)
    parquet.write_interval(root, "mentions", result.mentions, window)
    return result


def _events(root: DataRoot) -> dict[str, dict]:
    rows = parquet.read_dataset(root, "events").to_pylist()
    return {row["event_id"]: row for row in rows}


def test_same_story_from_two_sources_is_one_event(root):
    window = run()
    result = _run(
        root,
        window,
        [
            mention("m-rudaw", window, source_name="Rudaw", fatalities=13),
            mention("m-xinhua", window, source_name="Xinhua", fatalities=11, actor_code="IRQ"),
            mention("m-xinhua-2", window, source_name="Xinhua", article_id="a-m-xinhua"),
        ],
    )
    events = _events(root)
    assert len(events) == 1
    (event,) = events.values()
    assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (3, 2, 2)
    assert (event["fatalities"], event["fatalities_sources"]) == (11, 2)
    assert event["event_id"] == merge.event_id_for("m-rudaw")
    assert event["updated_at"] == event["first_seen_at"] == window.end
    assert set(result.mentions["event_id"].to_pylist()) == {event["event_id"]}
    assert result.events_written == 1


@pytest.mark.parametrize(
    "change",
    [
        {"plover_type": "PROTEST"},
        {"event_date": DAY + timedelta(days=1)},
        {"geonames_id": PLACES[1][3], "admin1": PLACES[1][1], "location_name": PLACES[1][2]},
        {"actor_code": "SYRMIL"},
        {"recipient_code": "IRQCVL"},
    ],
    ids=["type", "two-days-apart", "place", "actor", "recipient"],
)
def test_different_events_stay_apart(root, change):
    window = run()
    _run(root, window, [mention("m1", window), mention("m2", window, **change)])
    assert len(_events(root)) == 2


def test_negated_mention_is_kept_but_never_an_event(root):
    window = run()
    _run(root, window, [mention("m-denied", window, negated=True, fatalities=None)])
    nxt = run(minute=15)
    result = _run(root, nxt, [mention("m-real", nxt, fatalities=4)])
    mentions = {m["mention_id"]: m for m in parquet.read_dataset(root, "mentions").to_pylist()}
    assert mentions["m-denied"]["event_id"] is None
    assert set(_events(root)) == {merge.event_id_for("m-real")}
    assert result.events_written == 1


def test_later_mention_keeps_the_id_and_updates_the_event(root):
    first, later = run(), run(hour=12)
    _run(root, first, [mention("m1", first, fatalities=20, source_name="Rudaw")])
    (event_id,) = _events(root)
    files = parquet.list_files(root, "events")
    result = _run(
        root,
        later,
        [mention("m2", later, source_name="AFP", fatalities=9, event_date=DAY)],
    )
    events = _events(root)
    assert list(events) == [event_id]
    event = events[event_id]
    assert event["num_mentions"] == 2 and event["num_sources"] == 2
    assert event["fatalities"] == 9 and event["fatalities_text"] is None
    assert (event["first_seen_at"], event["last_seen_at"]) == (first.end, later.end)
    assert event["updated_at"] == later.end
    assert result.mentions["event_id"].to_pylist() == [event_id]
    assert parquet.list_files(root, "events") == files, "the row stays in the first run's file"


def test_event_losing_its_mentions_is_recorded_as_deleted(root):
    first, later = run(), run(hour=12)
    _run(root, first, [mention("m1", first), mention("p1", first, plover_type="PROTEST")])
    _run(root, later, [mention("m2", later)])
    assault, protest = merge.event_id_for("m1"), merge.event_id_for("p1")
    result = _run(root, first, [])
    assert result.deletions == 1
    assert set(_events(root)) == {assault}, "m2 keeps the assault alive under its old id"
    assert _events(root)[assault]["num_mentions"] == 1
    deletions = parquet.read_dataset(root, "deletions").to_pylist()
    assert [(row["event_id"], row["deleted_at"]) for row in deletions] == [(protest, first.end)]
    before = {path: root.fs.cat_file(path) for path in parquet.list_files(root, "deletions")}
    _run(root, first, [])
    after = {path: root.fs.cat_file(path) for path in parquet.list_files(root, "deletions")}
    assert after == before, "a second re-run keeps the deletion record, byte for byte"
    _run(root, first, [mention("p1", first, plover_type="PROTEST")])
    assert protest in _events(root)
    assert parquet.read_dataset(root, "deletions").num_rows == 0


def test_rerun_of_a_merge_is_byte_identical(root):
    first, later = run(), run(hour=12)
    rows = [mention(f"m{n}", first, source_name=s) for n, s in enumerate(("Rudaw", "AFP"))]
    _run(root, first, rows)
    _run(root, later, [mention("m9", later, fatalities=3)])

    def digest() -> dict:
        return {
            path: hashlib.sha256(root.fs.cat_file(path)).hexdigest()
            for dataset in ("events", "mentions", "deletions")
            for path in parquet.list_files(root, dataset)
        }

    before = digest()
    assert _run(root, first, rows).events_written == 0
    assert _run(root, later, [mention("m9", later, fatalities=3)]).events_written == 0
    assert digest() == before


# A pool of mentions per run: some tell the same story (merge across runs), some do not.
RUNS = [run(hour=hour) for hour in (6, 9, 12)]
VARIANTS = [
    {},
    {"source_name": "AFP", "fatalities": 4},
    {"event_date": DAY},
    {"plover_type": "PROTEST", "event_date": date(2017, 10, 31)},
    {"geonames_id": PLACES[1][3], "admin1": PLACES[1][1], "actor_code": "IRQ"},
]
STEP = st.one_of(
    st.tuples(
        st.sampled_from(range(len(RUNS))),
        st.lists(st.sampled_from(range(len(VARIANTS))), unique=True, max_size=len(VARIANTS)),
    ),
    st.just("compact"),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_no_duplicate_ids_after_any_sequence_of_runs(tmp_path_factory, steps):
    root = DataRoot(str(tmp_path_factory.mktemp("data")))
    first_ids: dict[str, str] = {}
    for step in steps:
        if step == "compact":
            for dataset in ("mentions", "events"):
                compact.compact_day(root, dataset, "2017-11-02")
            continue
        number, variants = step
        window = RUNS[number]
        rows = [mention(f"r{number}v{v}", window, **VARIANTS[v]) for v in variants]
        _run(root, window, rows)
        events = parquet.read_dataset(root, "events")
        ids = events["event_id"].to_pylist()
        assert len(ids) == len(set(ids))
        mentions = parquet.read_dataset(root, "mentions")
        per_event = Counter(mentions["event_id"].to_pylist())
        assert dict(zip(ids, events["num_mentions"].to_pylist(), strict=True)) == per_event
        deleted = set(parquet.read_dataset(root, "deletions")["event_id"].to_pylist())
        assert not deleted & set(ids)
        for mention_id, event_id in zip(
            mentions["mention_id"].to_pylist(), mentions["event_id"].to_pylist(), strict=True
        ):
            first_ids.setdefault(mention_id, event_id)
            if event_id != first_ids[mention_id]:
                assert first_ids[mention_id] not in per_event, "a live event changed its id"


def test_a_rejected_event_is_not_written_and_keeps_its_stored_version(root):
    first = run()
    _run(root, first, [mention("m-1", first, fatalities=13)])
    stored = _events(root)
    later = run(hour=12)
    plan = merge.plan_merge(
        root,
        pa.Table.from_pylist(
            [
                mention("m-2", later, fatalities=11),
                mention("m-elsewhere", later, plover_type="PROTEST"),
            ],
            schema=schema.MENTIONS,
        ),
        later,
    )
    assert set(plan.events.column("event_id").to_pylist()) == set(plan.rows_by_id)
    joined = merge.event_id_for("m-1")
    result = plan.commit(rejected=frozenset({joined}))
    events = _events(root)
    assert events[joined] == stored[joined]
    assert merge.event_id_for("m-elsewhere") in events
    assert result.mentions.column("mention_id").to_pylist() == ["m-elsewhere"]
