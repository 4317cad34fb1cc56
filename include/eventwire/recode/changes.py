"""What a recode changed on one day, in numbers: the ``recodes/`` row.

The day's events are those its mentions name. Before and after the recode the same counts are
taken (events by PLOVER and ACLED type, fatalities), and every event is classed: kept (same
``event_id``: still the same event, perhaps with another type, place or toll, which is listed
in ``changes``), new, or deleted (gone from ``events/``; ``deletions/`` lists it as
``recoded``, and ``changes`` keeps its last version).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.store import parquet

# What "changed" means for an event that kept its id: its type, place or fatalities.
COMPARED = (
    "plover_type", "acled_event_type", "acled_sub_event_type", "location_name", "country",
    "admin1", "geonames_id", "fatalities",
)  # fmt: skip


# Count fields of a recodes/ row that add up over a run's days.
SUMMED = (
    "articles", "mentions_before", "mentions_after", "events_before", "events_after",
    "fatalities_before", "fatalities_after", "ids_kept", "ids_new", "ids_deleted",
)  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    """The day's mentions and the events they name, at one moment."""

    mentions: int
    versions: frozenset[str]
    events: dict[str, dict]  # event_id -> the COMPARED fields of its row


def snapshot(root: DataRoot, day: str) -> Snapshot:
    mentions = parquet.read_dataset(root, "mentions", dt=day)
    ids = pc.unique(mentions.column("event_id").drop_null())
    return Snapshot(
        mentions=mentions.num_rows,
        versions=frozenset(mentions.column("extractor_version").drop_null().to_pylist()),
        events=_event_rows(root, ids),
    )


def live_event_ids(root: DataRoot, snap: Snapshot) -> set[str]:
    """Which of ``snap``'s events are still in ``events/``."""
    return set(_event_rows(root, pa.array(sorted(snap.events), pa.string())))


def _event_rows(root: DataRoot, ids: pa.Array) -> dict[str, dict]:
    if len(ids) == 0:
        return {}
    events = parquet.read_dataset(root, "events")
    chosen = events.filter(pc.is_in(events.column("event_id"), ids.cast(pa.string())))
    return {
        row["event_id"]: {key: row[key] for key in COMPARED}
        for row in chosen.select(["event_id", *COMPARED]).to_pylist()
    }


def summary_row(before: Snapshot, after: Snapshot, still_live: set[str]) -> dict:
    """The counts of ``schema.RECODES`` for one day (without run id, version and articles)."""
    kept = before.events.keys() & after.events.keys()
    deleted = sorted((before.events.keys() - after.events.keys()) - still_live)
    listed = [
        _change(event_id, before.events[event_id], after.events[event_id])
        for event_id in sorted(kept)
    ]
    listed = [item for item in listed if item is not None]
    listed += [
        {"event_id": eid, "change": "deleted", "before": before.events[eid], "after": None}
        for eid in deleted
    ]
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "versions_before": ",".join(sorted(before.versions)) or None,
        "mentions_before": before.mentions,
        "mentions_after": after.mentions,
        "events_before": len(before.events),
        "events_after": len(after.events),
        "plover_before": _counts(before, "plover_type"),
        "plover_after": _counts(after, "plover_type"),
        "acled_before": _counts(before, "acled_event_type"),
        "acled_after": _counts(after, "acled_event_type"),
        "fatalities_before": _fatalities(before),
        "fatalities_after": _fatalities(after),
        "ids_kept": len(kept),
        "ids_new": len(after.events.keys() - before.events.keys()),
        "ids_deleted": len(deleted),
        "changes": json.dumps(listed, sort_keys=True),
    }


def _change(event_id: str, old: dict, new: dict) -> dict | None:
    fields = [key for key in COMPARED if old[key] != new[key]]
    if not fields:
        return None
    return {
        "event_id": event_id,
        "change": "changed",
        "before": {key: old[key] for key in fields},
        "after": {key: new[key] for key in fields},
    }


def _counts(snap: Snapshot, column: str) -> str:
    counts = Counter(row[column] for row in snap.events.values() if row[column] is not None)
    return json.dumps(dict(sorted(counts.items())))


def _fatalities(snap: Snapshot) -> int:
    return sum(row["fatalities"] or 0 for row in snap.events.values())


def totals(rows: list[dict]) -> dict:
    """A run's counts: its days' ``recodes/`` rows added up."""
    return {key: sum(row[key] for row in rows) for key in SUMMED}
