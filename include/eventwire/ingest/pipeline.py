"""The ingest stage as the DAG tasks call it: harvest one feed, then deduplicate a run's harvest.

``harvest_feed`` runs once per feed in its own process (an Airflow mapped task, possibly on
another machine), so it keeps no state in memory between calls: conditional-GET validators and
what earlier intervals kept live on the data root. Nothing a feed or page does makes it raise:
every failure becomes a quarantine row with its stage and reason, and a count in ``counts``.
Rows carry ``interval.end`` as their time stamp, so re-running an interval is reproducible.
Time is bounded twice: each URL by its fetch deadline, and the feed by a harvest budget after
which no page fetch starts (those pages are quarantined as ``harvest_budget`` and come back on
the next poll), so the task ends well inside the ``execution_timeout`` sized from the same
settings.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from eventwire import schema
from eventwire.config import Settings
from eventwire.fs import DataRoot
from eventwire.ingest import dedup
from eventwire.ingest.article import ExtractedPage, NoArticleText, PageTooComplex, extract_page
from eventwire.ingest.feeds import FeedEntry, FeedRefused, parse_feed
from eventwire.ingest.fetch import (
    Fetcher,
    FetchError,
    FetchPolicy,
    FetchResult,
    load_validators,
    save_validators,
)
from eventwire.ingest.language import UNDETERMINED, detect_language
from eventwire.ingest.records import quarantine_row
from eventwire.ingest.registry import FeedConfig
from eventwire.ingest.text import text_hash
from eventwire.ingest.urls import article_id, canonical_url, url_scheme
from eventwire.interval import Interval

# Pages fetched in parallel per feed; the per-host throttle still spaces requests to one host.
PAGE_WORKERS = 4
# A feed summary stands in for a page body only when it is at least this long (words):
# shorter teasers carry no event a coder could use. Calibrated on the sample feeds' summaries.
MIN_SUMMARY_WORDS = 25


@dataclass
class FeedHarvest:
    feed: str
    articles: list[dict]
    quarantine: list[dict]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DedupOutcome:
    articles: list[dict]
    quarantine: list[dict]
    counts: dict[str, int] = field(default_factory=dict)


def harvest_feed(
    feed: FeedConfig,
    settings: Settings,
    interval: Interval,
    run_id: str,
    policy: FetchPolicy | None = None,
) -> FeedHarvest:
    """Fetch and parse one feed, fetch its new pages and turn them into candidate articles."""
    if not is_due(feed, interval):
        return FeedHarvest(feed.name, [], [], {"not_due": 1})
    harvest = _Harvest(feed, settings, interval, run_id)
    policy = policy or FetchPolicy.from_settings(settings)
    with Fetcher(settings.user_agent, settings.samples_root, policy) as fetcher:
        harvest.run(fetcher)
    return FeedHarvest(feed.name, harvest.articles, harvest.quarantine, dict(harvest.counts))


def is_due(feed: FeedConfig, interval: Interval) -> bool:
    """Whether a poll boundary of the feed (multiples of its interval since the epoch) falls in
    ``interval``: a 60-minute feed on a 15-minute schedule is polled once an hour, and the
    answer depends only on the interval, so a re-run decides the same."""
    period = feed.poll_interval_minutes * 60
    return int(interval.end.timestamp()) // period > int(interval.start.timestamp()) // period


class _Harvest:
    def __init__(
        self, feed: FeedConfig, settings: Settings, interval: Interval, run_id: str
    ) -> None:
        self.feed = feed
        self.settings = settings
        self.interval = interval
        self.run_id = run_id
        self.root = DataRoot(settings.data_root, settings.s3)
        self.articles: list[dict] = []
        self.quarantine: list[dict] = []
        self.counts: Counter[str] = Counter()

    def reject(
        self, stage: str, outcome: str, reason: str, url: str | None, payload: bytes | str | None
    ) -> None:
        self.counts[outcome] += 1
        self.quarantine.append(
            quarantine_row(
                stage,
                f"{outcome}: {reason}",
                source_name=self.feed.name,
                url=url,
                payload=payload,
                run_id=self.run_id,
                interval=self.interval,
                record_id=article_id(canonical_url(url)) if stage != "feed" and url else None,
            )
        )

    def run(self, fetcher: Fetcher) -> None:
        feed = self.feed
        try:
            validators = load_validators(self.root, feed.name, feed.url, self.interval)
            response = fetcher.fetch(
                feed.url, "feed", feed.allow_private, validators, allow_file=True
            )
        except FetchError as error:
            self.reject("feed", error.outcome, error.reason, feed.url, error.payload)
            return
        if response.not_modified:
            self.counts["not_modified"] += 1
            return
        self.counts["feed_fetched"] += 1
        save_validators(self.root, feed.name, feed.url, self.interval, response.validators)
        try:
            parsed = parse_feed(response.content, response.final_url, response.charset)
        except FeedRefused as error:
            self.reject("feed", error.outcome, error.reason, feed.url, response.content)
            return
        except Exception as error:  # a parser bug on hostile bytes must not stop the run
            reason = f"{type(error).__name__}: {error}"
            self.reject("feed", "unexpected_error", reason, feed.url, response.content)
            return
        if parsed.bozo:
            self.counts["bozo_feed"] += 1
        for bad in parsed.bad_entries:
            self.reject("feed", "bad_entry", bad.reason, feed.url, bad.payload)
        self.counts["entries"] += len(parsed.entries)
        entries = _unique(parsed.entries)[: feed.max_items]
        self.counts["over_max_items"] += len(_unique(parsed.entries)) - len(entries)
        seen = dedup.seen_urls(self.root, self.interval)
        new = [entry for entry in entries if entry.canonical_url not in seen]
        self.counts["seen_before"] += len(entries) - len(new)
        budget_ends = time.monotonic() + self.settings.harvest_budget_seconds
        with ThreadPoolExecutor(max_workers=PAGE_WORKERS) as pool:
            fetched = list(
                pool.map(lambda entry: _fetch_page(fetcher, feed, entry, budget_ends), new)
            )
        for entry, outcome in zip(new, fetched, strict=True):
            self.add_article(entry, outcome)
        for key in [key for key, value in self.counts.items() if value == 0]:
            del self.counts[key]

    def add_article(self, entry: FeedEntry, outcome: FetchResult | FetchError) -> None:
        if isinstance(outcome, FetchError):
            self.reject("fetch", outcome.outcome, outcome.reason, entry.url, outcome.payload)
            return
        self.counts["page_fetched"] += 1
        body_source = "page"
        try:
            page = extract_page(
                outcome.content,
                entry.url,
                outcome.content_type,
                outcome.charset,
                self.settings.page_max_elements,
            )
        except PageTooComplex as error:
            self.reject("article", "too_complex", error.reason, entry.url, outcome.content)
            return
        except NoArticleText as error:
            summary_words = len((entry.summary or "").split())
            if summary_words < MIN_SUMMARY_WORDS:
                reason = f"{error.reason}; feed summary has {summary_words} words"
                self.reject("article", "no_article_text", reason, entry.url, outcome.content)
                return
            self.counts["feed_summary_fallback"] += 1
            page = ExtractedPage(entry.title, entry.summary or "", None, entry.author)
            body_source = "feed_summary"
        except Exception as error:  # an extractor bug on one page must not stop the run
            reason = f"{type(error).__name__}: {error}"
            self.reject("article", "unexpected_error", reason, entry.url, outcome.content)
            return
        title, text = page.title or entry.title, page.text
        author, published = page.author or entry.author, entry.published or page.published
        detected = detect_language(text)
        language = self.feed.language if detected == UNDETERMINED else detected
        self.counts["extracted"] += 1
        if language != "en":
            self.counts["non_english"] += 1
        row = {
            "schema_version": schema.SCHEMA_VERSION,
            "article_id": article_id(entry.canonical_url),
            "url": entry.url,
            "canonical_url": entry.canonical_url,
            "source_name": self.feed.name,
            "feed_url": self.feed.url,
            "title": title,
            "text": text,
            "summary": entry.summary,
            "author": author,
            "published_at": published,
            "ingested_at": self.interval.end,
            "language": language,
            "body_source": body_source,
            "text_hash": text_hash(text),
            "word_count": len(text.split()),
        }
        self.articles.append(row)


def _unique(entries: list[FeedEntry]) -> list[FeedEntry]:
    """A feed listing the same canonical URL twice yields it once (first occurrence)."""
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.canonical_url not in seen:
            seen.add(entry.canonical_url)
            unique.append(entry)
    return unique


def _fetch_page(
    fetcher: Fetcher, feed: FeedConfig, entry: FeedEntry, budget_ends: float
) -> FetchResult | FetchError:
    """The page, or why not; ``file:`` links are read only for a ``file:`` (sample) feed."""
    if time.monotonic() >= budget_ends:
        return FetchError(entry.url, "harvest_budget", "the feed's harvest budget was used up")
    try:
        local_feed = url_scheme(feed.url) == "file"
        return fetcher.fetch(entry.url, "page", feed.allow_private, allow_file=local_feed)
    except FetchError as error:
        return error


def deduplicate(
    candidates: list[dict], settings: Settings, interval: Interval, run_id: str
) -> DedupOutcome:
    """Keep the first copy of each story; later copies become ``dedup`` quarantine rows.

    Candidates are ordered by publication time, then source and id, so the original wire story
    is kept over its republication and the result does not depend on the order of the feeds.
    """
    root = DataRoot(settings.data_root, settings.s3)
    index = dedup.DedupIndex(dedup.load_earlier(root, interval))
    kept: list[dict] = []
    rejected: list[dict] = []
    duplicate_urls: list[str] = []
    counts: Counter[str] = Counter()
    for row in sorted(candidates, key=_dedup_order):
        decision = index.decide(
            row["article_id"], row["canonical_url"], row.get("text_hash"), row.get("text") or ""
        )
        counts[decision.kind] += 1
        if decision.duplicate_of is None:
            kept.append(row)
            continue
        duplicate_urls.append(row["canonical_url"])
        rejected.append(
            quarantine_row(
                "dedup",
                f"{decision.kind}: duplicate of article {decision.duplicate_of} "
                f"({decision.detail})",
                source_name=row["source_name"],
                url=row["url"],
                payload=row.get("text"),
                run_id=run_id,
                interval=interval,
                record_id=row["article_id"],
            )
        )
    dedup.save_kept(root, interval, index.kept, duplicate_urls)
    return DedupOutcome(kept, rejected, dict(counts))


def _dedup_order(row: dict) -> tuple:
    published = row.get("published_at")
    return (
        published is None,
        published.isoformat() if published is not None else "",
        row.get("source_name") or "",
        row["article_id"],
        row["url"],
    )
