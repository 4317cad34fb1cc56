"""The task functions' bookkeeping: which articles the events DAG still has to code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eventwire import schema, tasks
from eventwire.interval import Interval
from eventwire.store.compact import compact_day
from eventwire.store.manifest import write_manifest
from eventwire.store.parquet import write_interval

DAY_START = datetime(2017, 11, 2, 8, 0, tzinfo=UTC)


def _window(number: int) -> Interval:
    start = DAY_START + timedelta(minutes=15 * number)
    return Interval(start, start + timedelta(minutes=15))


def _articles(window: Interval, count: int, language: str = "en") -> list[dict]:
    return [
        {
            "schema_version": schema.SCHEMA_VERSION,
            "article_id": f"{window.end:%H%M}{language}{number:010d}",
            "url": f"https://news.example.com/{window.end:%H%M}/{language}/{number}",
            "canonical_url": f"https://news.example.com/{window.end:%H%M}/{language}/{number}",
            "source_name": "Meridian Wire",
            "text": "Troops clashed with militants near the border on Tuesday.",
            "ingested_at": window.end,
            "language": language,
        }
        for number in range(count)
    ]


def _ingest(settings, window: Interval, rows: list[dict]) -> None:
    write_interval(tasks.data_root(settings), "articles", rows, window)


def _coded(settings, window: Interval) -> None:
    write_manifest(tasks.data_root(settings), "events", window, {"interval": str(window)})


def test_backlog_is_every_uncoded_interval_in_batches_of_english_articles(settings):
    first, second, third = _window(0), _window(1), _window(2)
    _ingest(settings, first, _articles(first, 3))
    _ingest(settings, second, _articles(second, 5) + _articles(second, 2, language="fr"))
    _ingest(settings, third, _articles(third, 1))
    _coded(settings, first)
    batches = tasks.pending_batches(settings, batch_size=2)
    assert [(b["interval"], b["batch"], len(b["article_ids"])) for b in batches] == [
        (str(second), 0, 2),
        (str(second), 1, 2),
        (str(second), 2, 1),
        (str(third), 0, 1),
    ]
    assert all("fr" not in article_id for b in batches for article_id in b["article_ids"])


def test_an_interval_asked_for_is_recoded_even_when_done(settings):
    window = _window(0)
    _ingest(settings, window, _articles(window, 2))
    _coded(settings, window)
    assert tasks.pending_batches(settings) == []
    (batch,) = tasks.pending_batches(settings, str(window))
    assert batch["interval"] == str(window) and len(batch["article_ids"]) == 2


def test_a_compacted_day_is_skipped_by_the_backlog_but_can_be_recoded(settings):
    windows = [_window(number) for number in range(3)]
    for number, window in enumerate(windows, start=1):
        _ingest(settings, window, _articles(window, number))
    compact_day(tasks.data_root(settings), "articles", windows[0].dt)
    assert tasks.pending_batches(settings) == []
    (batch,) = tasks.pending_batches(settings, str(windows[1]))
    assert batch["interval"] == str(windows[1])
    assert sorted(batch["article_ids"]) == sorted(a["article_id"] for a in _articles(windows[1], 2))
