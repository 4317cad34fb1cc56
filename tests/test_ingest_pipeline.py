"""The ingest stage over the bundled samples, and deduplication across runs."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from eventwire import schema
from eventwire.config import Settings
from eventwire.ingest import dedup
from eventwire.ingest.pipeline import deduplicate, harvest_feed
from eventwire.ingest.records import MAX_PAYLOAD_BYTES, quarantine_row
from eventwire.ingest.registry import FeedConfig, load_registry
from eventwire.ingest.text import text_hash
from eventwire.ingest.urls import article_id, canonical_url
from eventwire.interval import Interval

REPO_ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = yaml.safe_load((REPO_ROOT / "tests/data/sample_expectations.yaml").read_text())
INTERVAL = Interval(
    datetime(2017, 11, 2, 9, 0, tzinfo=UTC), datetime(2017, 11, 2, 9, 15, tzinfo=UTC)
)
TOMORROW = Interval(INTERVAL.start + timedelta(days=1), INTERVAL.end + timedelta(days=1))


def _run(settings: Settings, interval: Interval = INTERVAL):
    harvests = [
        harvest_feed(feed, settings, interval, "run-1")
        for feed in load_registry(settings.feeds_file)
    ]
    candidates = [row for harvest in harvests for row in harvest.articles]
    outcome = deduplicate(candidates, settings, interval, "run-1")
    return harvests, outcome


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    settings = Settings(data_root=str(tmp_path_factory.mktemp("data")))
    harvests, outcome = _run(settings)
    return settings, harvests, outcome


def test_outcome_counts_of_one_run_over_the_samples(sample_run):
    _, harvests, outcome = sample_run
    counts: dict[str, int] = {}
    for item in [*[harvest.counts for harvest in harvests], outcome.counts]:
        for key, value in item.items():
            counts[key] = counts.get(key, 0) + value
    print(f"\noutcomes over the samples: {dict(sorted(counts.items()))}")
    assert counts["entries"] == EXPECTATIONS["entry_count"]
    assert counts["feed_fetched"] == EXPECTATIONS["feed_count"]
    assert counts["not_found"] == 1 and counts["no_article_text"] == 1
    assert counts["non_english"] == 1
    assert counts["duplicate_url"] == 1 and counts["near_duplicate"] == 1
    assert counts["kept"] == len(outcome.articles) == EXPECTATIONS["entry_count"] - 4


def test_rows_match_the_schemas(sample_run):
    _, harvests, outcome = sample_run
    for row in outcome.articles:
        assert list(row) == schema.ARTICLES.names
        assert row["schema_version"] == schema.SCHEMA_VERSION
        assert row["ingested_at"] == INTERVAL.end
        assert row["article_id"] == article_id(row["canonical_url"])
    rejects = [row for harvest in harvests for row in harvest.quarantine] + outcome.quarantine
    for row in rejects:
        assert set(row) == {*schema.QUARANTINE.names, "stage"}
        assert row["stage"] in schema.QUARANTINE_STAGES and row["reason"]
        assert row["quarantined_at"] == INTERVAL.end


def test_expected_rejects_and_languages(sample_run):
    _, harvests, outcome = sample_run
    rejects = {row["url"]: row for harvest in harvests for row in harvest.quarantine}
    assert rejects[EXPECTATIONS["broken_page"]]["stage"] == "article"
    assert rejects[EXPECTATIONS["missing_page"]]["stage"] == "fetch"
    by_url = {row["canonical_url"]: row for row in outcome.articles}
    french = EXPECTATIONS["non_english_page"]
    assert by_url[french["url"]]["language"] == french["language"]
    for url, fact in EXPECTATIONS["pages"].items():
        if url in by_url:
            assert by_url[url]["language"] == fact["language"], url
            assert by_url[url]["title"] == fact["title"], url
            published = datetime.fromisoformat(fact["published"].replace("Z", "+00:00"))
            assert by_url[url]["published_at"] == published, url


def test_duplicates_name_the_kept_article(sample_run):
    _, _, outcome = sample_run
    kept = {row["canonical_url"]: row["article_id"] for row in outcome.articles}
    exact, near = (
        sorted(pair)
        for pair in (EXPECTATIONS["duplicate_pair"], EXPECTATIONS["near_duplicate_pair"])
    )
    reasons = {row["url"]: row["reason"] for row in outcome.quarantine}
    assert canonical_url(exact[0]) in kept
    assert kept[canonical_url(exact[0])] in "".join(reasons.values())
    original, copy = EXPECTATIONS["near_duplicate_pair"]
    assert original in kept and copy not in kept
    assert reasons[copy].startswith(f"near_duplicate: duplicate of article {kept[original]}")
    assert len(near) == 2


def test_seed_related_headlines_never_reach_articles(sample_run):
    _, _, outcome = sample_run
    text = " ".join(row["text"] for row in outcome.articles)
    for junk in (
        "twin suicide bombing",
        "seizes more territories",
        "GMT 05:",
        "Send your comments",
    ):
        assert junk not in text


def test_rerun_of_the_interval_is_identical(sample_run):
    settings, harvests, outcome = sample_run
    again_harvests, again = _run(settings)
    assert again.articles == outcome.articles
    assert again.quarantine == outcome.quarantine
    assert [h.quarantine for h in again_harvests] == [h.quarantine for h in harvests]


def test_tomorrows_run_skips_known_urls_and_catches_copies(sample_run):
    settings, _, outcome = sample_run
    unchanged, _ = _run(settings, TOMORROW)
    assert [harvest.counts for harvest in unchanged] == [{"not_modified": 1}] * 4
    shutil.rmtree(Path(settings.data_root) / "_state" / "http")
    harvests, tomorrow = _run(settings, TOMORROW)
    assert sum(h.counts.get("seen_before", 0) for h in harvests) == EXPECTATIONS["entry_count"] - 2
    copy = dict(outcome.articles[0])
    copy.update(
        url="https://elsewhere.example/story", canonical_url="https://elsewhere.example/story"
    )
    copy["article_id"] = article_id(copy["canonical_url"])
    copy["text"] = copy["text"].replace(" the ", " a ", 2)
    copy["text_hash"] = text_hash(copy["text"])
    caught = deduplicate([copy], settings, TOMORROW, "run-2")
    assert caught.articles == [] and caught.counts == {"near_duplicate": 1}
    assert outcome.articles[0]["article_id"] in caught.quarantine[0]["reason"]
    assert tomorrow.articles == []


def _row(url: str, text: str, published: datetime) -> dict:
    canonical = canonical_url(url)
    return {
        "article_id": article_id(canonical), "url": url, "canonical_url": canonical,
        "source_name": "s", "text": text, "text_hash": text_hash(text), "published_at": published,
    }  # fmt: skip


def test_exact_text_duplicate_and_order_independence(tmp_path):
    settings = Settings(data_root=str(tmp_path))
    text = "Soldiers and rebels fought near the river for three days, officials said. " * 6
    early = _row("https://a.example/1", text, datetime(2017, 11, 1, tzinfo=UTC))
    late = _row("https://b.example/2", text.upper(), datetime(2017, 11, 2, tzinfo=UTC))
    forward = deduplicate([early, late], settings, INTERVAL, "r")
    backward = deduplicate([late, early], settings, INTERVAL, "r")
    assert forward == backward
    assert [row["url"] for row in forward.articles] == ["https://a.example/1"]
    assert forward.counts == {"kept": 1, "duplicate_text": 1}
    state = dedup.load_earlier(dedup.DataRoot(settings.data_root), TOMORROW)
    assert [seen.article_id for seen in state] == [early["article_id"]]
    assert dedup.load_earlier(dedup.DataRoot(settings.data_root), INTERVAL) == []


def test_distinct_stories_are_not_near_duplicates():
    one = dedup.signature(
        "The army retook the town after heavy fighting with rebels " * 5 + "in the north."
    )
    other = dedup.signature(
        "Parliament passed the budget after a long debate on taxes " * 5 + "on Monday."
    )
    assert one.jaccard(other) < dedup.NEAR_DUPLICATE_JACCARD


def test_feed_summary_fallback_is_marked(tmp_path):
    root = tmp_path / "samples"
    shutil.copytree(REPO_ROOT / "include/samples/pages/arabs-today", root / "pages")
    summary = "Iraqi forces deployed in Zummar as talks with Erbil ended, officials said. " * 4
    (root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Live</title>'
        f"<link>file:pages/live-news-gulf-summit-updates.html</link><description>{summary}"
        "</description></item></channel></rss>"
    )
    settings = Settings(data_root=str(tmp_path / "data"), samples_root=root)
    harvest = harvest_feed(FeedConfig(name="t", url="file:feed.xml"), settings, INTERVAL, "r")
    (row,) = harvest.articles
    assert row["body_source"] == "feed_summary" and row["text"] == summary.strip()
    assert harvest.counts["feed_summary_fallback"] == 1


def test_quarantine_payload_is_truncated_and_decoded():
    row = quarantine_row(
        "feed", "x", source_name="s", url=None, payload=b"\xff" * (MAX_PAYLOAD_BYTES + 10),
        run_id="r", interval=INTERVAL,
    )  # fmt: skip
    assert len(row["payload"]) == MAX_PAYLOAD_BYTES and set(row["payload"]) == {"\ufffd"}
    with pytest.raises(ValueError, match="stage"):
        quarantine_row("nowhere", "x", source_name="s", url=None, payload=None, run_id="r",
                       interval=INTERVAL)  # fmt: skip


def test_feed_is_polled_on_its_own_interval(tmp_path):
    hourly = FeedConfig(name="h", url="file:feeds/meridian-wire.rss.xml", poll_interval_minutes=60)
    settings = Settings(data_root=str(tmp_path))
    quarters = [
        Interval(
            INTERVAL.start + timedelta(minutes=15 * i), INTERVAL.end + timedelta(minutes=15 * i)
        )
        for i in range(4)
    ]
    due = [
        harvest_feed(hourly, settings, quarter, "r").counts.get("not_due") is None
        for quarter in quarters
    ]
    assert due == [False, False, False, True]  # the 09:45-10:00 interval holds the 10:00 boundary


def test_declared_language_stands_in_when_detection_cannot_tell(tmp_path):
    root = tmp_path / "samples"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "p.txt").write_text("12 34 56 78 90 " * 20)
    (root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>n</title>'
        "<link>file:pages/p.txt</link></item></channel></rss>"
    )
    settings = Settings(data_root=str(tmp_path / "data"), samples_root=root)
    feed = FeedConfig(name="t", url="file:feed.xml", language="de")
    (row,) = harvest_feed(feed, settings, INTERVAL, "r").articles
    assert row["language"] == "de"
