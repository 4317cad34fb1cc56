"""Re-code one UTC day's stored articles with the current engine.

A day is coded again through the events pipeline's own steps (``tasks.pending_batches``,
``extract_batch``, ``publish_events``), interval by interval, so validation, quarantine, the
merge and the manifests are exactly the events DAG's. Two things differ (``publish_events``'s
``recode``): a re-coded mention that still matches its old event (type, date, place, actors)
keeps that event's id even when its own ``mention_id`` changed, and ``deletions/`` says
``recoded`` for the events the recode removes. Then one summary row for the day goes to
``recodes/`` (``changes``).

Crash safety: a day is replaced as a whole. Its intervals are merged one after another into
one transaction (``store.transaction``), its ``recodes/`` row too, and the day switches over
when the transaction commits (one atomic put). A crash before the commit leaves the day wholly
old and still outdated, so a re-run with ``only_outdated`` codes it again; a crash after it
leaves the day wholly new to every reader, and whatever writes next (the next day's recode,
an events run, compaction) first finishes putting its files in place. A day whose re-coded
rows fail a critical expectation is not committed either: it stays old, and the error names
the expectation. A day is skipped by ``only_outdated`` once every mention of it carries the
current version.

Two merges must never run at once (they rewrite the same events and deletions files): days are
merged one after another here, and the DAG puts this task and the events DAG's publishing task
in one 1-slot pool. Only extraction runs in parallel (``pool``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import posixpath
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from eventwire import tasks
from eventwire.config import Settings
from eventwire.extract.version import extractor_version
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.recode import changes
from eventwire.store import parquet, staging, transaction
from eventwire.store.manifest import read_manifests

RUN_PREFIX = "recode__"
# Written at once, not in the day's transaction: the extraction's hand-offs (read by the
# publishing step, cleared when it succeeds) and corrupt files moved aside.
DIRECT = (staging.STAGING, parquet.CORRUPT)


@dataclass(frozen=True)
class DayPlan:
    """One day to re-code: its batches of articles, as the events DAG's extract tasks take."""

    day: str
    batches: list[dict]

    @property
    def articles(self) -> int:
        return sum(len(batch["article_ids"]) for batch in self.batches)


def days(since: date, until: date) -> list[str]:
    """Every UTC day from ``since`` to ``until``, both included."""
    if until < since:
        raise ValueError(f"until {until} is before since {since}")
    return [(since + timedelta(days=n)).isoformat() for n in range((until - since).days + 1)]


def cli_run_id(now: datetime | None = None) -> str:
    """The run id of a recode started from the command line."""
    return RUN_PREFIX + (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")


def is_outdated(root: DataRoot, day: str, version: str) -> bool:
    """True when some mention of ``day`` was coded by another engine version."""
    versions = parquet.read_dataset(root, "mentions", dt=day).column("extractor_version")
    return pc.sum(pc.not_equal(versions, pa.scalar(version, versions.type))).as_py() not in (
        None,
        0,
    )


def plan_day(settings: Settings, day: str, only_outdated: bool = True) -> DayPlan | None:
    """The day's batches, or ``None`` when there is nothing to re-code (no articles, or every
    mention already carries the current version and ``only_outdated``)."""
    root = tasks.data_root(settings)
    if only_outdated and not is_outdated(root, day, extractor_version(settings)):
        return None
    batches = [
        batch
        for interval in day_intervals(root, day)
        for batch in tasks.pending_batches(settings, str(interval))
    ]
    return DayPlan(day, batches) if batches else None


def day_intervals(root: DataRoot, day: str) -> list[Interval]:
    """The intervals of ``day`` that ingested articles: the ingest manifests say which (also
    for a compacted day), the names of the day's small articles files too (also without one)."""
    found = {
        Interval.parse(item["interval"])
        for item in read_manifests(root, "ingest")
        if item.get("dt") == day
    }
    found.update(
        Interval.from_file(day, posixpath.basename(path))
        for path in parquet.list_files(root, "articles", dt=day)
        if not parquet.is_compacted(path)
    )
    return sorted(found)


def extraction_pool(processes: int) -> AbstractContextManager[Executor | None]:
    """Worker processes for ``recode_day``'s extraction (none for 1), started with
    ``forkserver`` where the platform has it (never ``fork``: see ``extract.parallel``)."""
    if processes <= 1:
        return nullcontext(None)
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method))


def recode_day(
    settings: Settings,
    plan: DayPlan,
    run_id: str,
    *,
    pool: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Code ``plan``'s day again, merge it, and write and return its ``recodes/`` row.

    ``progress`` is called with the number of articles of every batch as it is coded.
    """
    root = tasks.data_root(settings)
    day = transaction.begin(root, _transaction_name(plan.day, run_id), DIRECT)
    before = changes.snapshot(root, plan.day)
    extracted = []
    coded = (
        pool.map(tasks.extract_batch, plan.batches, *_repeat(settings, run_id, plan.batches))
        if pool
        else (tasks.extract_batch(batch, settings, run_id) for batch in plan.batches)
    )
    for item in coded:
        extracted.append(item)
        if progress:
            progress(item["articles"])
    tasks.publish_events(extracted, settings, run_id, recode=True, root=day)
    after = changes.snapshot(day, plan.day)
    row = changes.summary_row(before, after, changes.live_event_ids(day, before))
    row |= {"run_id": run_id, "extractor_version": extractor_version(settings)}
    row["articles"] = plan.articles
    parquet.write_interval(day, "recodes", [row], _whole_day(plan.day), part=_part(run_id))
    transaction.commit(day)
    return row


def _transaction_name(day: str, run_id: str) -> str:
    return f"recode-{day}-{staging.run_key(run_id)}"


def _repeat(settings: Settings, run_id: str, batches: list[dict]) -> tuple[list, list]:
    return [settings] * len(batches), [run_id] * len(batches)


def _whole_day(day: str) -> Interval:
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return Interval(start, start + timedelta(days=1))


def _part(run_id: str) -> str:
    """A file-name part per run: two recodes of one day keep both rows."""
    return "r" + hashlib.sha256(run_id.encode()).hexdigest()[:10]
