"""Ingest throughput: feed parsing (entries/s) and article text extraction (pages/s).

Both are CPU-bound and, in the pipeline, run per feed in mapped Airflow tasks, so here they
run in a process pool of every core. The workers are started and warmed (imports, regex and
trafilatura caches) before the clock starts: a harvest worker is long-lived.
"""

from __future__ import annotations

import itertools
import multiprocessing

from benchmarks.measure import Measurement, Progress
from eventwire.config import Settings

POOL_CHUNK = 4


def _entries(content: bytes) -> int:
    from eventwire.ingest.feeds import parse_feed

    return len(parse_feed(content).entries)


def _page_words(content: bytes) -> int:
    """Words of the page's article body; 0 when it has none (the pipeline quarantines it)."""
    from eventwire.ingest.article import NoArticleText, extract_page

    try:
        return len(extract_page(content, "https://bench.example/page.html").text.split())
    except NoArticleText:
        return 0


def _pooled(
    label: str, function, warm_up: list[bytes], work: list[bytes], processes: int, budget
) -> tuple[list[int], float]:
    """``function`` over ``work`` in a pool warmed on ``warm_up``: the results in order, until
    the work is done or the budget is spent, and the seconds it took after the warm-up."""
    with multiprocessing.Pool(processes) as pool:
        pool.map(function, warm_up)
        progress = Progress(label, len(work), budget)
        results: list[int] = []
        for count in pool.imap(function, work, POOL_CHUNK):
            results.append(count)
            progress.tick(len(results))
            if progress.expired():
                break
        return results, progress.elapsed()


def feed_parsing(size: int, processes: int, budget: float | None = None) -> Measurement:
    """Parse the sample feeds over and over until ``size`` entries have been read."""
    feeds = [path.read_bytes() for path in sorted((Settings().samples_root / "feeds").iterdir())]
    per_round = sum(_entries(feed) for feed in feeds)
    work = list(itertools.chain.from_iterable(itertools.repeat(feeds, -(-size // per_round))))
    counts, seconds = _pooled(f"feed parsing {size}", _entries, feeds, work, processes, budget)
    entries = sum(counts)
    return Measurement(
        stage="feed_parsing",
        label="feed parsing (sample feeds, repeated)",
        size=size,
        processes=processes,
        items=entries,
        unit="entries",
        seconds=seconds,
        bounded=entries < size,
    )


def article_extraction(size: int, processes: int, budget: float | None = None) -> Measurement:
    """Extract the article text of ``size`` sample pages (the 28 pages, cycled)."""
    pages = [
        path.read_bytes() for path in sorted((Settings().samples_root / "pages").rglob("*.html"))
    ]
    work = list(itertools.islice(itertools.cycle(pages), size))
    words, seconds = _pooled(
        f"article extraction {size}", _page_words, pages, work, processes, budget
    )
    return Measurement(
        stage="article_extraction",
        label="article text extraction (sample pages)",
        size=size,
        processes=processes,
        items=len(words),
        unit="pages",
        seconds=seconds,
        figures={"words": sum(words)},
        bounded=len(words) < size,
    )
