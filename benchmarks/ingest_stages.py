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


def feed_parsing(size: int, processes: int, budget: float | None = None) -> Measurement:
    """Parse the sample feeds over and over until ``size`` entries have been read."""
    feeds = [path.read_bytes() for path in sorted((Settings().samples_root / "feeds").iterdir())]
    with multiprocessing.Pool(processes) as pool:
        per_round = sum(pool.map(_entries, feeds))
        rounds = -(-size // per_round)
        work = list(itertools.chain.from_iterable(itertools.repeat(feeds, rounds)))
        progress = Progress(f"feed parsing {size}", len(work) * per_round // len(feeds), budget)
        entries = 0
        for count in pool.imap(_entries, work, POOL_CHUNK):
            entries += count
            progress.tick(entries)
            if progress.expired():
                break
        seconds = progress.elapsed()
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
    with multiprocessing.Pool(processes) as pool:
        pool.map(_page_words, pages)
        progress = Progress(f"article extraction {size}", size, budget)
        done = words = 0
        for count in pool.imap(_page_words, work, POOL_CHUNK):
            done += 1
            words += count
            progress.tick(done)
            if progress.expired():
                break
        seconds = progress.elapsed()
    return Measurement(
        stage="article_extraction",
        label="article text extraction (sample pages)",
        size=size,
        processes=processes,
        items=done,
        unit="pages",
        seconds=seconds,
        figures={"words": words},
        bounded=done < size,
    )
