"""Extraction over several processes: chunks of documents to a pool, mentions back in order.

spaCy's parser holds the GIL, so threads gain nothing; each worker process builds one
:class:`~eventwire.extract.engine.Extractor` in its initializer (model and gazetteer load once
per worker, not per chunk). Workers are started with ``forkserver`` where the platform has it,
else ``spawn``: never ``fork``, which would copy a parent's threads and locks (Airflow and
Celery workers have both). A worker codes a chunk exactly as ``Extractor.extract`` codes the
same chunk, so the mentions equal the single-process output. Chunks go through
``isolation.code_chunk`` in both paths: a document that fails (or a sentence over the cap) is
reported through ``report`` and never stops the other documents.

At most ``AHEAD_PER_PROCESS`` chunks per worker are in flight, so a large input is streamed,
not read whole into the pool's task queue.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator

from eventwire.config import Settings
from eventwire.extract.engine import Document, Extractor
from eventwire.extract.isolation import NotCoded, Report, code_chunk

# Chunks queued per worker beyond the one it is coding: keeps every worker busy while the
# parent writes results, without reading the whole input ahead.
AHEAD_PER_PROCESS = 2

# The worker's extractor, set by its initializer (a pool task gets only its arguments).
_worker: dict[str, Extractor] = {}


def _start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _init_worker(settings: Settings, prefilter: bool) -> None:
    """Load the pipeline and gazetteer once, before the first chunk arrives."""
    extractor = Extractor(settings, prefilter=prefilter)
    extractor.nlp  # noqa: B018 - load now, not inside the first chunk
    extractor.gazetteer  # noqa: B018
    _worker["extractor"] = extractor


def _extract_chunk(documents: list[Document]) -> tuple[list[dict], list[NotCoded]]:
    return code_chunk(_worker["extractor"], documents)


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def extract_parallel(
    documents: Iterable[Document],
    settings: Settings,
    processes: int | None = None,
    prefilter: bool = True,
    chunk_size: int = 64,
    report: Report | None = None,
) -> Generator[dict, None, None]:
    """Mentions of every document, in input order, coded by ``processes`` workers.

    ``processes=None`` uses every CPU; ``processes=1`` codes in this process (no pool, no
    start-up cost). ``documents`` may be any iterable: it is read lazily, chunk by chunk.
    ``report`` receives what was not coded (a failed document, a skipped sentence), in order.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, not {chunk_size}")
    workers = processes if processes is not None else os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"processes must be positive, not {processes}")
    if workers == 1:
        extractor = Extractor(settings, prefilter=prefilter)
        for chunk in _chunks(documents, chunk_size):
            yield from _delivered(code_chunk(extractor, chunk), report)
        return
    context = multiprocessing.get_context(_start_method())
    with context.Pool(workers, _init_worker, (settings, prefilter)) as pool:
        in_flight: deque = deque()
        for chunk in _chunks(documents, chunk_size):
            in_flight.append(pool.apply_async(_extract_chunk, (chunk,)))
            if len(in_flight) >= workers * (1 + AHEAD_PER_PROCESS):
                yield from _delivered(in_flight.popleft().get(), report)
        while in_flight:
            yield from _delivered(in_flight.popleft().get(), report)


def _delivered(coded: tuple[list[dict], list[NotCoded]], report: Report | None) -> list[dict]:
    mentions, notes = coded
    for note in notes:
        if report is not None:
            report(note)
    return mentions
