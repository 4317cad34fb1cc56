"""One function per DAG task: the seam between Airflow and the library.

Each function takes plain, JSON-able arguments (what XCom carries between tasks that may run on
different workers), does its work through the stage packages, persists everything on the data
root and returns a small summary of counts that the Airflow UI shows. Hand-offs between tasks go
through ``_staging/`` on the data root, never through a worker's local disk, so mapped tasks can
run anywhere; a run's staging is kept until its publishing task succeeds, so every retry finds
what its first attempt read (``store.staging``). Nothing here imports Airflow.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from eventwire import schema
from eventwire.config import Settings
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store import staging

if TYPE_CHECKING:
    from eventwire.extract.engine import Document
    from eventwire.extract.isolation import NotCoded
    from eventwire.quality.gate import GateResult

EXTRACT_BATCH_SIZE = 200  # articles per mapped extraction task: ~2-5 s of work, small XCom
INGEST_PART = "ingest"  # suffix of the quarantine/quality files the ingest DAG owns
EVENTS_PART = "events"  # suffix of the quarantine/quality files the events DAG owns
# Data Docs show the latest runs (two days of the 15-minute schedule): rebuilding the site
# from the whole history would grow every run's cost without bound.
DATA_DOCS_RUNS = 192
# GX logs every store and site operation at INFO: 214 of 240 lines of a failed task's log, the
# failure buried among them. Its warnings and errors still reach the task log.
logging.getLogger("great_expectations").setLevel(logging.WARNING)
_VERSIONED = {"schema_version": schema.SCHEMA_VERSION}  # staged mentions carry the version
# A quarantined document's payload: its fields and the start of its text, enough to find and
# read it; the same bound as ingest's raw payloads (64 KiB).
MAX_PAYLOAD_CHARS = 64 * 1024
RECODED = "recoded"  # the reason deletions/ gives for events a recode removed
EXTRACT_STAGE = "extract"  # quarantine stage of documents (or sentences) the engine did not code
# Staged quarantine rows keep their partition column (the stage) for write_interval.
_STAGED_QUARANTINE = schema.QUARANTINE.append(pa.field("stage", pa.string()))


def data_root(settings: Settings) -> DataRoot:
    return DataRoot(settings.data_root, settings.s3)


def list_feeds(settings: Settings) -> list[dict]:
    """The enabled feeds of the registry, as the mapped harvest tasks receive them."""
    from eventwire.ingest.registry import load_registry

    return [feed.model_dump() for feed in load_registry(settings.feeds_file) if feed.enabled]


def harvest_feed(feed: dict, settings: Settings, interval: str, run_id: str) -> dict:
    """Fetch one feed and its pages; stage candidate articles and rejects for publishing."""
    from eventwire.ingest.pipeline import harvest_feed as harvest
    from eventwire.ingest.registry import FeedConfig

    window = Interval.parse(interval)
    harvest_result = harvest(FeedConfig(**feed), settings, window, run_id)
    root = data_root(settings)
    staged = {
        "articles": staging.stage(
            root, "ingest", window, run_id, f"{feed['name']}.articles", harvest_result.articles
        ),
        "quarantine": staging.stage(
            root, "ingest", window, run_id, f"{feed['name']}.quarantine", harvest_result.quarantine
        ),
    }
    return {
        "feed": feed["name"],
        "counts": dict(harvest_result.counts),
        "error": _feed_error(harvest_result.quarantine),
        "staged": staged,
    }


def _feed_error(quarantine: list[dict]) -> str | None:
    """Why the feed itself could not be read (``None``: read, unchanged or not due); a bad
    entry in a feed that was read is the entry's problem, not the feed's."""
    return next(
        (
            row["reason"]
            for row in quarantine
            if row["stage"] == "feed" and not row["reason"].startswith("bad_entry")
        ),
        None,
    )


def publish_articles(
    harvests: Iterable[dict], settings: Settings, interval: str, run_id: str
) -> dict:
    """Deduplicate the staged candidates and write ``articles/`` and ``quarantine/`` atomically."""
    from eventwire.ingest.pipeline import deduplicate
    from eventwire.quality.gate import validate
    from eventwire.store.feed_health import MANIFEST_KEY as FEED_HEALTH_KEY
    from eventwire.store.feed_health import feed_record
    from eventwire.store.manifest import articles_digest, write_manifest
    from eventwire.store.parquet import write_interval

    window = Interval.parse(interval)
    root = data_root(settings)
    harvests = sorted(harvests, key=lambda item: item["feed"])
    candidates = [
        row for item in harvests for row in staging.unstage(root, item["staged"]["articles"])
    ]
    rejects = [
        row for item in harvests for row in staging.unstage(root, item["staged"]["quarantine"])
    ]
    outcome = deduplicate(candidates, settings, window, run_id)
    gate = validate(
        "articles",
        pa.Table.from_pylist(outcome.articles, schema=schema.ARTICLES),
        run_id=run_id,
        interval=window,
        previous_row_counts=_previous_counts(root, "ingest", "articles"),
        settings=settings,
    )
    quarantine = rejects + outcome.quarantine + gate.quarantined
    files = write_interval(root, "articles", gate.valid, window)
    files += write_interval(root, "quarantine", quarantine, window, part=INGEST_PART)
    files += write_interval(root, "quality", gate.results, window, part=INGEST_PART)
    _publish_data_docs(root)
    counts: Counter[str] = Counter()
    for item in harvests:
        counts.update(item["counts"])
    counts.update(outcome.counts)
    kept = Counter(gate.valid.column("source_name").to_pylist())
    summary = {
        "interval": interval,
        "feeds": len(harvests),
        "articles": gate.valid.num_rows,
        "english_articles": gate.valid.column("language").to_pylist().count("en"),
        "quarantined": len(quarantine),
        "quarantined_by_stage": dict(Counter(row["stage"] for row in quarantine)),
        "outcomes": dict(sorted(counts.items())),
        "validation": not gate.critical_failures,
        "files": files,
        "articles_digest": articles_digest(gate.valid),
        FEED_HEALTH_KEY: {
            item["feed"]: feed_record(item["counts"], item.get("error"), kept[item["feed"]])
            for item in harvests
        },
    }
    write_manifest(root, "ingest", window, summary)
    gate.raise_for_critical()
    staging.clear(root, "ingest", window, run_id)
    return summary


def check_feed_health(settings: Settings) -> dict:
    """Per-feed health over every ingest run on record; raises ``FeedsFailing`` when a feed
    has just failed ``feed_failure_alert_runs`` polls in a row (the DAG alerts on it)."""
    from eventwire.store.feed_health import feed_health, raise_for_failing_feeds
    from eventwire.store.manifest import read_manifests

    health = feed_health(read_manifests(data_root(settings), "ingest"))
    raise_for_failing_feeds(health, settings.feed_failure_alert_runs)
    return {
        "feeds": len(health),
        "failing": {
            item.feed: item.consecutive_failures for item in health if item.consecutive_failures
        },
    }


def pending_batches(
    settings: Settings, interval: str | None = None, batch_size: int = EXTRACT_BATCH_SIZE
) -> list[dict]:
    """Batches of English articles of every interval still to code (or of the one asked for).

    An interval is to code when it has no events manifest, or when its articles changed since
    it was coded (the ingest manifest's ``articles_digest`` differs from the one the events
    manifest recorded): a re-ingested interval's events then follow its articles. Working from
    what is on the data root rather than from the triggering asset event makes the events DAG
    catch up on anything a failed or skipped run left behind.
    """
    from eventwire.store.manifest import read_manifests
    from eventwire.store.parquet import is_compacted, list_files, read_dataset

    root = data_root(settings)
    digests = {
        item["interval"]: item.get("articles_digest")
        for item in read_manifests(root, "ingest", repair=True)
    }
    coded = {
        item["interval"]: item.get("articles_digest")
        for item in read_manifests(root, "events", repair=True)
    }
    done = {
        name
        for name, digest in coded.items()
        if digest is None or digests.get(name) in (None, digest)
    }
    wanted_window = Interval.parse(interval) if interval else None
    batches: list[dict] = []
    for path in list_files(root, "articles"):
        if is_compacted(path):
            # A compacted file holds a closed day, coded before compaction; only an explicit
            # re-run of one of its intervals reads it, picking that interval's rows.
            if wanted_window is None or f"dt={wanted_window.dt}/" not in path:
                continue
            window = wanted_window
        else:
            window = _interval_of(path)
            if str(window) != interval if interval else str(window) in done:
                continue
        table = read_dataset(root, "articles", files=[path])
        english = sorted(
            article_id
            for article_id, language, ingested_at in zip(
                table.column("article_id").to_pylist(),
                table.column("language").to_pylist(),
                table.column("ingested_at").to_pylist(),
                strict=True,
            )
            if language == "en" and ingested_at == window.end
        )
        if is_compacted(path) and not english:
            continue
        chunks = [english[i : i + batch_size] for i in range(0, len(english), batch_size)] or [[]]
        batches.extend(
            {
                "interval": str(window),
                "articles_file": path,
                "batch": number,
                "article_ids": ids,
                "articles_digest": digests.get(str(window)),
            }
            for number, ids in enumerate(chunks)
        )
    # A re-ingest that kept no article removes the interval's file: its events must go too.
    listed = {batch["interval"] for batch in batches}
    emptied = sorted(
        name
        for name in coded
        if name not in done | listed and (interval is None or name == interval)
    )
    batches.extend(
        {
            "interval": name,
            "articles_file": None,
            "batch": 0,
            "article_ids": [],
            "articles_digest": digests.get(name),
        }
        for name in emptied
    )
    return batches


def article_document(row: dict) -> Document:
    """The engine's document for an ``articles`` row; the extraction benchmark codes its corpus
    through it too, so it measures what the pipeline codes. ``ingested_at`` may be missing."""
    from eventwire.extract.engine import Document

    return Document(
        id=row["article_id"],
        text=row["text"] or "",
        published=row["published_at"],
        url=row["url"],
        title=row["title"],
        source_name=row["source_name"],
        ingested_at=row.get("ingested_at"),
    )


def extract_batch(batch: dict, settings: Settings, run_id: str) -> dict:
    """Code the events of one batch of articles and stage the mentions.

    A document the engine fails on, and every sentence over the parser's cap, is staged for
    quarantine (stage ``extract``) with its reason; the batch's other documents are coded.
    """
    from eventwire.extract.engine import Extractor
    from eventwire.extract.isolation import code_chunk
    from eventwire.store.parquet import read_dataset

    root = data_root(settings)
    window = Interval.parse(batch["interval"])
    wanted = set(batch["article_ids"])
    files = [batch["articles_file"]] if batch["articles_file"] else []
    articles = [
        row
        for row in read_dataset(root, "articles", files=files).to_pylist()
        if row["article_id"] in wanted
    ]
    documents = [
        article_document(row) for row in sorted(articles, key=lambda row: row["article_id"])
    ]
    found, not_coded = code_chunk(Extractor(settings), documents)
    mentions = [mention | _VERSIONED for mention in found]
    by_id = {row["article_id"]: row for row in articles}
    rejects = [_not_coded_row(note, by_id[note.doc_id], run_id, window) for note in not_coded]
    name = f"batch-{batch['batch']:05d}"
    return {
        "interval": batch["interval"],
        "batch": batch["batch"],
        "articles": len(documents),
        "mentions": len(mentions),
        "not_coded": len(not_coded),
        "articles_digest": batch.get("articles_digest"),
        "staged": staging.stage(root, "events", window, run_id, name, mentions, schema.MENTIONS),
        "staged_quarantine": staging.stage(
            root, "events", window, run_id, f"{name}.quarantine", rejects, _STAGED_QUARANTINE
        ),
    }


def _not_coded_row(note: NotCoded, article: dict, run_id: str, window: Interval) -> dict:
    """A quarantine record for what the engine did not code of one article."""
    fields = {key: article.get(key) for key in ("article_id", "url", "title", "published_at")}
    payload = json.dumps(
        fields | {"text": article.get("text") or ""}, default=str, ensure_ascii=False
    )
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "record_id": article["article_id"],
        "source_name": article.get("source_name"),
        "url": article.get("url"),
        "reason": note.reason,
        "payload": payload[:MAX_PAYLOAD_CHARS],
        "run_id": run_id,
        "quarantined_at": window.end,
        "stage": EXTRACT_STAGE,
    }


def publish_events(
    extracted: Iterable[dict],
    settings: Settings,
    run_id: str,
    recode: bool = False,
    *,
    root: DataRoot | None = None,
) -> dict:
    """Validate staged mentions, merge them into events and write every dataset of the run.

    The quality gate's critical failures are raised only after every interval's quarantine,
    results and Data Docs are written, so a failed run still explains itself. A ``recode``
    keeps the ids of events its re-coded mentions still match and lists the events it removes
    in ``deletions/`` as ``recoded`` (``store.merge``). A recode passes ``root``, its day's
    transaction (``store.transaction``); without it, a transaction that a crash left half
    applied is finished before anything is written.
    """
    from eventwire.store import transaction

    if root is None:
        root = data_root(settings)
        transaction.finish(root)
    by_interval: dict[str, list[dict]] = {}
    for item in extracted:
        by_interval.setdefault(item["interval"], []).append(item)
    published = [
        _publish_interval(root, settings, run_id, Interval.parse(interval), items, recode)
        for interval, items in sorted(by_interval.items())
    ]
    for _summary, gates in published:
        for gate in gates:
            gate.raise_for_critical()
    for interval in by_interval:
        staging.clear(root, "events", Interval.parse(interval), run_id)
    return _run_summary([summary for summary, _gates in published])


def _publish_interval(
    root: DataRoot,
    settings: Settings,
    run_id: str,
    window: Interval,
    extracted: list[dict],
    recode: bool,
) -> tuple[dict, list[GateResult]]:
    """Gate, merge and write one interval's staged batches; its manifest summary and the two
    gate results, whose critical failures the caller raises once every interval is written."""
    from eventwire.quality.gate import validate
    from eventwire.store.manifest import write_manifest
    from eventwire.store.merge import plan_merge
    from eventwire.store.parquet import write_interval

    items = sorted(extracted, key=lambda item: item["batch"])
    staged = [row for item in items for row in staging.unstage(root, item["staged"])]
    not_coded = [row for item in items for row in staging.unstage(root, item["staged_quarantine"])]
    mention_gate = validate(
        "mentions",
        pa.Table.from_pylist(staged, schema=schema.MENTIONS),
        run_id=run_id,
        interval=window,
        previous_row_counts=_previous_counts(root, "events", "mentions"),
        settings=settings,
    )
    # Events are validated before they are written: only the versions this run changes.
    plan = plan_merge(root, mention_gate.valid, window, keep_replaced=recode)
    event_gate = validate("events", plan.events, run_id=run_id, interval=window, settings=settings)
    rejected = frozenset(plan.rows_by_id) - frozenset(
        event_gate.valid.column("event_id").to_pylist()
    )
    merged = plan.commit(rejected, RECODED if recode else None)
    quarantine = (
        not_coded
        + mention_gate.quarantined
        + event_gate.quarantined
        + _mentions_of_rejected_events(plan.mentions, rejected, run_id, window)
    )
    files = write_interval(root, "mentions", merged.mentions, window)
    files += write_interval(root, "quarantine", quarantine, window, part=EVENTS_PART)
    files += write_interval(
        root,
        "quality",
        pa.concat_tables([mention_gate.results, event_gate.results]),
        window,
        part=EVENTS_PART,
    )
    files += merged.files
    _publish_data_docs(root)
    by_type = Counter(merged.mentions.column("plover_type").to_pylist())
    summary = {
        "interval": str(window),
        "articles": sum(item["articles"] for item in items),
        "mentions": merged.mentions.num_rows,
        "mentions_by_plover_type": dict(sorted(by_type.items())),
        "events_written": merged.events_written,
        "deletions": merged.deletions,
        "quarantined": len(quarantine),
        "not_coded": len(not_coded),
        "validation": {
            "mentions": not mention_gate.critical_failures,
            "events": not event_gate.critical_failures,
        },
        "files": files,
        "articles_digest": items[0].get("articles_digest"),
    }
    write_manifest(root, "events", window, summary)
    return summary, [mention_gate, event_gate]


def _run_summary(summaries: list[dict]) -> dict:
    """The run's totals over its intervals' summaries: what the Airflow UI shows."""
    return {
        "intervals": len(summaries),
        "mentions": sum(item["mentions"] for item in summaries),
        "quarantined": sum(item["quarantined"] for item in summaries),
        "events_written": sum(item["events_written"] for item in summaries),
        "mentions_by_plover_type": dict(
            sum((Counter(item["mentions_by_plover_type"]) for item in summaries), Counter())
        ),
    }


def _previous_counts(root: DataRoot, dag: str, key: str) -> list[int]:
    """Row counts earlier runs of ``dag`` recorded in their manifests, for the volume check."""
    from eventwire.store.manifest import read_manifests

    return [item[key] for item in read_manifests(root, dag) if key in item]


def _mentions_of_rejected_events(
    mentions: pa.Table, rejected: frozenset[str], run_id: str, window: Interval
) -> list[dict]:
    """Quarantine records for the mentions left out because their event failed validation."""
    from eventwire.quality.gate import quarantine_rows

    reasons = {
        position: [f"event_rejected: {event_id}"]
        for position, event_id in enumerate(mentions.column("event_id").to_pylist())
        if event_id in rejected
    }
    return quarantine_rows("mentions", mentions, reasons, run_id, window)


def _publish_data_docs(root: DataRoot) -> None:
    """Rebuild the Data Docs site from the newest ``DATA_DOCS_RUNS`` runs in ``quality/``."""
    import pyarrow.compute as pc

    from eventwire.quality.docs import build_data_docs
    from eventwire.store.parquet import read_dataset

    results = read_dataset(root, "quality").drop_columns(["dt"])
    newest = (
        results.group_by("run_id")
        .aggregate([("data_interval_end", "max")])
        .sort_by([("data_interval_end_max", "descending"), ("run_id", "ascending")])
        .column("run_id")[:DATA_DOCS_RUNS]
    )
    recent = results.filter(pc.is_in(results.column("run_id"), newest))
    with tempfile.TemporaryDirectory() as folder:
        site = build_data_docs([recent], Path(folder))
        for file in sorted(path for path in site.rglob("*") if path.is_file()):
            root.put_atomic(file.read_bytes(), "quality", "docs", file.relative_to(site).as_posix())


def _interval_of(path: str) -> Interval:
    folder, _, name = path.rpartition("/")
    dt = folder.rpartition("dt=")[2].split("/")[0]
    return Interval.from_file(dt, name)


def compact_closed_day(settings: Settings, day: str) -> dict:
    """Rewrite one closed day's small interval files of every dataset into a few sorted files."""
    from eventwire.store import transaction
    from eventwire.store.compact import compact_day

    root = data_root(settings)
    transaction.finish(root)
    return {
        dataset: compact_day(root, dataset, day) for dataset in ("articles", "mentions", "events")
    }


def enforce_quarantine_retention(settings: Settings, today: str) -> dict:
    """Drop quarantine partitions older than the configured retention."""
    from eventwire.store import transaction
    from eventwire.store.retention import enforce_retention

    root = data_root(settings)
    transaction.finish(root)
    removed = enforce_retention(root, settings.quarantine_retention_days, today)
    return {"removed_partitions": removed, "retention_days": settings.quarantine_retention_days}


def recode_days(settings: Settings, since: str, until: str, only_outdated: bool) -> list[str]:
    """The days from ``since`` to ``until`` (``YYYY-MM-DD``) that a recode would code."""
    from datetime import date

    from eventwire.recode import day

    wanted = day.days(date.fromisoformat(since), date.fromisoformat(until))
    return [name for name in wanted if day.plan_day(settings, name, only_outdated)]


def recode_day(settings: Settings, name: str, run_id: str, only_outdated: bool) -> dict:
    """Re-code one day (planned again here, so a retry or re-run skips a day already done);
    returns its ``recodes/`` row without the list of changes, which stays in the dataset."""
    from eventwire.recode import day

    plan = day.plan_day(settings, name, only_outdated)
    if plan is None:
        return {"day": name, "skipped": True}
    row = day.recode_day(settings, plan, run_id)
    return {"day": name} | {key: value for key, value in row.items() if key != "changes"}
