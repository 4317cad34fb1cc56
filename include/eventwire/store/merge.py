"""Merging one run's mentions into ``events/``: one row per real-world event, with stable ids.

Rules:

* A negated mention ("did not attack") is stored with a null ``event_id`` and forms no event.
* Mentions form one event when they share the PLOVER type, their event dates are at most
  ``MATCH_DAYS`` apart, they name the same place (both ``geonames_id`` equal, else the same
  country and ``admin1``) and their actor and recipient codes are compatible (equal, one a
  prefix of the other such as ``IRQ``/``IRQMIL``, or one unknown). A mention is compared with
  each candidate event's first mention; the earliest compatible event wins, so the assignment
  does not depend on the order in which files are read.
* ``event_id`` is ``ev`` + 16 hex of sha256 of the first mention's ``mention_id``. Ids are read
  back from the stored mentions, never recomputed, so an event keeps its id when later mentions
  join or when its first mention disappears.
* Aggregates are recomputed from all of the event's mentions: counts of mentions, articles and
  sources, the lowest stated ``fatalities`` and ``injured`` (ACLED's conservative figure),
  ``fatalities_sources`` (sources that stated a number), first and last ``ingested_at``.
  ``updated_at`` is the run's interval end, and only when the row actually changed, so a re-run
  with the same input leaves every byte as it was.
* Layout: a new event's row lives in the events file named after the interval that first saw it
  (or, once that day is compacted, in its first compacted file). A later run that changes an
  event rewrites the file that holds it, atomically; an event therefore exists in exactly one
  file and ``event_id`` is unique across the dataset after any sequence of runs.
* Validation sits between planning and writing: ``plan_merge`` computes the new versions of
  every touched event, the caller validates them, and ``MergePlan.commit`` writes all but the
  rejected ones. A rejected event keeps its stored version (if any) and this run's mentions of
  it are left out, so ``events/`` holds only checked rows and no mention names a missing event.
* Re-running an interval replaces that interval's mentions (those stamped with its interval end).
  An event left with no mentions is removed from ``events/`` and recorded in ``deletions/``
  (in the re-run interval's file, keeping earlier deletions of that interval); an id that comes
  back to life is taken off the deletions list.
* A recode (``keep_replaced``) also offers the replaced mentions' events as candidates, each
  by its old first mention: a re-coded mention that still matches its old event by the rules
  above (type, date, place, actors) takes that event's id even when its own ``mention_id``
  changed (another actor code, say), so an event that is still the same event keeps its id.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import pyarrow as pa
import pyarrow.compute as pc

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store import parquet

# Reports of one event may date it a day apart (time zones, "yesterday"
# written near midnight). Wider windows merged distinct air strikes in the same town.
MATCH_DAYS = 1
EVENT_ID_PREFIX = "ev"
EVENT_ID_HEX = 16
_RECORD_COLUMNS = [f.name for f in schema.EVENT_RECORD_FIELDS]
# What matching and the aggregates read from other runs' mentions (whole rows cost 3x more).
_MATCH_COLUMNS = [
    "event_id", "mention_id", "article_id", "source_name", "ingested_at", "event_date",
    "plover_type", "country", "admin1", "geonames_id", "actor_code", "recipient_code",
    "fatalities", "fatalities_text", "injured",
]  # fmt: skip


@dataclass
class MergeResult:
    mentions: pa.Table
    events_written: int
    deletions: int
    files: list[str] = field(default_factory=list)


def event_id_for(mention_id: str) -> str:
    digest = hashlib.sha256(mention_id.encode()).hexdigest()[:EVENT_ID_HEX]
    return f"{EVENT_ID_PREFIX}{digest}"


@dataclass
class MergePlan:
    """One run's merge, computed but not yet written."""

    root: DataRoot
    interval: Interval
    mentions: pa.Table  # this run's mentions with their event_id
    rows_by_id: dict[str, dict]  # the new version of every event this run touches
    gone: list[str]  # events left without mentions

    @property
    def events(self) -> pa.Table:
        """The touched events' new versions, as ``schema.EVENTS``, for validation."""
        rows = [self.rows_by_id[event_id] for event_id in sorted(self.rows_by_id)]
        return pa.Table.from_pylist(rows, schema=schema.EVENTS)

    def commit(
        self, rejected: frozenset[str] = frozenset(), reason: str | None = None
    ) -> MergeResult:
        """Write every planned event except ``rejected`` ones; drop their mentions.

        ``reason`` is what ``deletions/`` says of the events this merge removes (a recode
        says ``recoded``); by default, that the interval was re-run.
        """
        rows_by_id = {eid: row for eid, row in self.rows_by_id.items() if eid not in rejected}
        store = _EventFiles(self.root, self.interval)
        written = store.apply(rows_by_id, self.gone)
        files = store.flush()
        deletion_files, deletion_count = _record_deletions(
            self.root, self.interval, self.gone, set(rows_by_id), reason
        )
        dropped = pc.is_in(
            self.mentions.column("event_id"), pa.array(sorted(rejected), pa.string())
        )
        mentions = self.mentions.filter(pc.invert(dropped))
        return MergeResult(mentions, written, deletion_count, files + deletion_files)


def merge_mentions(root: DataRoot, mentions: pa.Table, interval: Interval) -> MergeResult:
    """Assign ``event_id`` to this run's mentions and update ``events/`` and ``deletions/``."""
    return plan_merge(root, mentions, interval).commit()


def plan_merge(
    root: DataRoot, mentions: pa.Table, interval: Interval, keep_replaced: bool = False
) -> MergePlan:
    """Assign ``event_id`` to this run's mentions and compute the touched events' new rows.

    ``keep_replaced``: the events of the mentions this run replaces stay candidates (a recode;
    see the module docstring).
    """
    new = _unique(parquet.conform("mentions", mentions).to_pylist())
    prior_ids, others, replaced = _stored_mentions(root, interval, new)
    members: dict[str, list[dict]] = defaultdict(list)
    for row in others.select(_MATCH_COLUMNS).to_pylist():
        members[row["event_id"]].append(row)
    index = _CandidateIndex()
    event_id: str | None  # a stored event's id, or the one a new mention matches, if any
    for event_id, rows in sorted(members.items()):
        index.add(event_id, min(rows, key=_mention_order))
    if keep_replaced:
        old: dict[str, list[dict]] = defaultdict(list)
        for row in replaced.select(_MATCH_COLUMNS).to_pylist():
            old[row["event_id"]].append(row)
        for event_id, rows in sorted(old.items()):
            if event_id not in members:
                index.add(event_id, min(rows, key=_mention_order))
    for row in sorted(new, key=_mention_order):
        if row["negated"]:
            row["event_id"] = None  # a negated act is recorded, never an event
            continue
        event_id = index.match(row)
        if event_id is None:
            event_id = event_id_for(row["mention_id"])
            index.add(event_id, row)
        row["event_id"] = event_id
        members[event_id].append(row)
    touched = ({row["event_id"] for row in new} | prior_ids) - {None}
    firsts = {eid: min(members[eid], key=_mention_order) for eid in touched if members[eid]}
    records = _full_rows(others, {row["mention_id"] for row in firsts.values()}, new)
    rows_by_id = {
        eid: _event_row(records[first["mention_id"]], members[eid], interval)
        for eid, first in firsts.items()
    }
    gone = sorted(eid for eid in touched if not members[eid])
    table = parquet.conform("mentions", pa.Table.from_pylist(new, schema=schema.MENTIONS))
    return MergePlan(root, interval, table, rows_by_id, gone)


def _stored_mentions(
    root: DataRoot, interval: Interval, new: list[dict]
) -> tuple[set[str], pa.Table, pa.Table]:
    """Ids of events this interval touched before, the other runs' mentions that matter, and
    this interval's stored mentions (the ones this run replaces).

    Only events that could take one of the new mentions (same type and country, a date within
    reach of a new one) or that lose this interval's old mentions matter; filtering in Arrow
    before building Python rows keeps a run's merge in step with its own size rather than
    with the whole history's.
    """
    table = parquet.read_dataset(root, "mentions").drop_columns(["dt"])
    own = pc.equal(table.column("ingested_at"), pa.scalar(interval.end, schema.UTC_TIMESTAMP))
    own = pc.fill_null(own, False)
    replaced = table.filter(own)
    replaced = replaced.filter(pc.is_valid(replaced.column("event_id")))  # negated: no event
    prior_ids = set(replaced.column("event_id").to_pylist())
    others = table.filter(pc.invert(own))
    others = others.filter(pc.is_valid(others.column("event_id")))  # negated: no event
    reach = range(-2 * MATCH_DAYS, 2 * MATCH_DAYS + 1)
    keys = {
        _reach_key(row["plover_type"], row["country"], row["event_date"] + timedelta(days=days))
        for row in new
        if _place_key(row) is not None
        for days in reach
    }
    stored_keys = pc.binary_join_element_wise(
        others.column("plover_type").cast(pa.string()),
        others.column("country").cast(pa.string()),
        others.column("event_date").cast(pa.string()),
        "|",
    )
    near = pc.fill_null(pc.is_in(stored_keys, pa.array(sorted(keys), pa.string())), False)
    wanted = prior_ids | set(others.filter(near).column("event_id").to_pylist())
    chosen = pc.is_in(others.column("event_id"), pa.array(sorted(wanted), pa.string()))
    return prior_ids, others.filter(chosen), replaced


def _reach_key(plover_type: str, country: str, day: date) -> str:
    return f"{plover_type}|{country}|{day.isoformat()}"


def _full_rows(others: pa.Table, mention_ids: set[str], new: list[dict]) -> dict[str, dict]:
    """Whole records of the events' first mentions (the event row copies their fields)."""
    chosen = pc.is_in(others.column("mention_id"), pa.array(sorted(mention_ids), pa.string()))
    rows = {row["mention_id"]: row for row in others.filter(chosen).to_pylist()}
    rows.update((row["mention_id"], row) for row in new if row["mention_id"] in mention_ids)
    return rows


class _CandidateIndex:
    """Events by (type, country, admin1) and first-mention date, for constant-time lookups."""

    def __init__(self) -> None:
        self._by_key: dict[tuple, list[tuple[tuple, str, dict]]] = defaultdict(list)

    def add(self, event_id: str, first: dict) -> None:
        key = _place_key(first)
        if key is not None:
            self._by_key[(*key, first["event_date"])].append(
                (_mention_order(first), event_id, first)
            )

    def match(self, row: dict) -> str | None:
        key = _place_key(row)
        if key is None:
            return None
        day = row["event_date"]
        candidates = [
            item
            for offset in range(-MATCH_DAYS, MATCH_DAYS + 1)
            for item in self._by_key.get((*key, day + timedelta(days=offset)), ())
            if _compatible(item[2], row)
        ]
        return min(candidates)[1] if candidates else None


def _place_key(row: dict) -> tuple | None:
    """What must be equal before two mentions are compared; ``None``: this one never merges."""
    if row["plover_type"] is None or row["event_date"] is None or row["country"] is None:
        return None
    if row["geonames_id"] is None and row["admin1"] is None:
        return None
    return (row["plover_type"], row["country"], row["admin1"])


def _compatible(first: dict, row: dict) -> bool:
    if first["geonames_id"] is not None and row["geonames_id"] is not None:
        if first["geonames_id"] != row["geonames_id"]:
            return False
    elif first["admin1"] is None or first["admin1"] != row["admin1"]:
        return False
    return _codes_agree(first["actor_code"], row["actor_code"]) and _codes_agree(
        first["recipient_code"], row["recipient_code"]
    )


def _codes_agree(one: str | None, other: str | None) -> bool:
    if not one or not other:
        return True
    return one.startswith(other) or other.startswith(one)


def _mention_order(row: dict) -> tuple:
    return (row["ingested_at"], row["mention_id"])


def _unique(rows: list[dict]) -> list[dict]:
    by_id = {row["mention_id"]: row for row in sorted(rows, key=_mention_order)}
    return list(by_id.values())


def _event_row(first: dict, rows: list[dict], interval: Interval) -> dict:
    """The event's record: its first mention's fields plus aggregates over all its mentions."""
    rows = sorted(rows, key=_mention_order)
    event = {column: first[column] for column in _RECORD_COLUMNS}
    event["schema_version"] = schema.SCHEMA_VERSION
    event["event_id"] = rows[0]["event_id"]
    stated = [row for row in rows if row["fatalities"] is not None]
    if stated:
        lowest = min(stated, key=lambda row: (row["fatalities"], *_mention_order(row)))
        event["fatalities"] = lowest["fatalities"]
        event["fatalities_text"] = lowest["fatalities_text"]
    injured = [row["injured"] for row in rows if row["injured"] is not None]
    event["injured"] = min(injured) if injured else None
    event.update(
        num_mentions=len(rows),
        num_articles=len({row["article_id"] for row in rows}),
        num_sources=len({row["source_name"] for row in rows if row["source_name"]}),
        fatalities_sources=len({row["source_name"] for row in stated if row["source_name"]}),
        first_seen_at=rows[0]["ingested_at"],
        last_seen_at=max(row["ingested_at"] for row in rows),
        updated_at=interval.end,
    )
    return event


class _EventFiles:
    """Where each event row lives, and the rewrites one merge makes to those files."""

    def __init__(self, root: DataRoot, interval: Interval) -> None:
        self.root = root
        self.interval = interval
        self.location: dict[str, str] = {}
        for path in parquet.list_files(root, "events"):
            try:
                ids = parquet.load(root, path, ["event_id"])
            except parquet.CorruptFile:
                continue  # moved aside: its events are written again when their mentions are
            for event_id in ids.column("event_id").to_pylist():
                self.location[event_id] = path
        self.pending: dict[str, dict[str, dict | None]] = defaultdict(dict)
        self._tables: dict[str, pa.Table] = {}

    def apply(self, rows_by_id: dict[str, dict], gone: list[str]) -> int:
        """Stage new versions and removals; returns how many event rows change."""
        changed = 0
        current = self._current_rows({*rows_by_id, *gone})
        for event_id, row in sorted(rows_by_id.items()):
            old = current.get(event_id)
            if old is not None and _same_event(old, row):
                continue
            changed += 1
            self.pending[self.location.get(event_id) or self._home][event_id] = row
        for event_id in gone:
            if event_id in self.location:
                self.pending[self.location[event_id]][event_id] = None
        return changed

    def flush(self) -> list[str]:
        written = []
        for path, updates in sorted(self.pending.items()):
            table = self._table_of(path)
            drop = pc.is_in(table.column("event_id"), pa.array(sorted(updates), pa.string()))
            rows = [row for row in updates.values() if row is not None]
            table = pa.concat_tables(
                [table.filter(pc.invert(drop)), pa.Table.from_pylist(rows, schema=schema.EVENTS)]
            )
            parquet.put_table(self.root, path, "events", table.unify_dictionaries())
            written.append(self.root.uri(path))
        return written

    def _current_rows(self, event_ids: set[str]) -> dict[str, dict]:
        paths = {self.location[eid] for eid in event_ids if eid in self.location}
        wanted = pa.array(sorted(event_ids), pa.string())
        rows: dict[str, dict] = {}
        for path in sorted(paths):
            table = self._table_of(path)
            chosen = table.filter(pc.is_in(table.column("event_id"), wanted))
            rows.update((row["event_id"], row) for row in chosen.to_pylist())
        return rows

    def _table_of(self, path: str) -> pa.Table:
        if path not in self._tables:
            self._tables[path] = (
                parquet.read_file(self.root, "events", path).drop_columns(["dt"])
                if self.root.fs.exists(path)
                else schema.EVENTS.empty_table()
            )
        return self._tables[path]

    @cached_property
    def _home(self) -> str:
        folder = self.root.path("events", f"dt={self.interval.dt}")
        marker = parquet.read_marker(self.root, folder)
        if self.interval.file_name in marker["replaces"] and marker["files"]:
            return posixpath.join(folder, marker["files"][0])
        return posixpath.join(folder, self.interval.file_name)


def _same_event(old: dict, new: dict) -> bool:
    return all(old.get(k) == new.get(k) for k in new if k not in ("updated_at", "dt"))


def _record_deletions(
    root: DataRoot, interval: Interval, gone: list[str], alive: set[str], reason: str | None
) -> tuple[list[str], int]:
    """Keep this interval's deletion list and take revived ids off every other one."""
    deleted_at = interval.end
    reason = reason or f"no mentions left after re-running {interval}"
    files: list[str] = []
    own: list[dict] = []
    for path in parquet.list_files(root, "deletions"):
        rows = parquet.read_file(root, "deletions", path).drop_columns(["dt"]).to_pylist()
        if any(row["deleted_at"] == deleted_at for row in rows):
            own.extend(row for row in rows if row["deleted_at"] == deleted_at)
            continue
        kept = [row for row in rows if row["event_id"] not in alive]
        if len(kept) != len(rows):
            parquet.put_table(
                root, path, "deletions", pa.Table.from_pylist(kept, schema=schema.DELETIONS)
            )
            files.append(root.uri(path))
    ids = {row["event_id"] for row in own if row["event_id"] not in alive} | set(gone)
    rows = [{"event_id": eid, "deleted_at": deleted_at, "reason": reason} for eid in sorted(ids)]
    earlier = {row["event_id"]: row for row in own}
    rows = [earlier.get(row["event_id"], row) for row in rows]
    files += parquet.write_interval(root, "deletions", rows, interval)
    return files, len(rows)
