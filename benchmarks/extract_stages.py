"""Event extraction throughput, with and without the trigger prefilter, and its spaCy baseline.

Extraction runs through ``extract_parallel`` (a pool of every core, as the pipeline would); the
baseline runs spaCy's own English pipeline, every component it enables by default, over every
sentence with ``nlp.pipe`` at the same batch size and process count. Both start their workers
and load the model on the clock, which at a thousand articles is a large share of the time, so
each also reports its rate after start-up: from the first result on (the first batch per
worker is done by then), what a long-lived worker sustains.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

from benchmarks.corpus import CorpusArticle, build_corpus
from benchmarks.measure import Measurement, Progress
from eventwire.config import Settings
from eventwire.extract.engine import PIPE_BATCH_SIZE, Document
from eventwire.extract.sentences import split_sentences
from eventwire.tasks import article_document

CHUNK_SIZE = 64  # documents per extract_parallel chunk (its default)


def documents_of(articles: list[CorpusArticle]) -> list[Document]:
    """The corpus as the pipeline's extract task would hand it to the engine."""
    return [article_document(asdict(article)) for article in articles]


def event_extraction(
    size: int, seed: int, processes: int, prefilter: bool, budget: float | None = None
) -> Measurement:
    """Code ``size`` corpus articles; with a budget, stop at the first article past it."""
    from eventwire.extract.parallel import extract_parallel

    settings = Settings()
    articles = build_corpus(size, seed, settings)
    position = {article.article_id: number for number, article in enumerate(articles)}
    label = f"event extraction ({'with' if prefilter else 'without'} prefilter)"
    progress = Progress(f"{label} {size}", size, budget)
    mentions = done = 0
    first_result = None
    stream = extract_parallel(documents_of(articles), settings, processes, prefilter, CHUNK_SIZE)
    for mention in stream:
        first_result = first_result or progress.elapsed()
        mentions += 1
        done = max(done, position[mention["article_id"]] + 1)
        progress.tick(done)
        if progress.expired():
            break
    else:
        done = size
    seconds = progress.elapsed()
    stream.close()
    sentences = sum(len(split_sentences(article.text)) for article in articles[:done])
    steady = _after_start_up(done, processes * CHUNK_SIZE, seconds, first_result)
    return Measurement(
        stage="event_extraction" if prefilter else "event_extraction_unfiltered",
        label=label,
        size=size,
        processes=processes,
        items=done,
        unit="articles",
        seconds=seconds,
        rates={
            "articles/s warm": steady,
            "sentences/s warm": steady * sentences / max(done, 1),
        },
        figures={"sentences": sentences, "mentions": mentions, "start_up_s": first_result or 0},
        bounded=done < size,
    )


def _after_start_up(done: float, warm: float, seconds: float, first: float | None) -> float:
    """Items per second from the first result on, the first ``warm`` items not counted."""
    if first is None or done <= warm or seconds <= first:
        return 0.0
    return (done - warm) / (seconds - first)


def spacy_baseline(
    size: int, seed: int, processes: int, budget: float | None = None
) -> Measurement:
    """spaCy's pipeline over every sentence of ``size`` corpus articles."""
    import spacy

    settings = Settings()
    articles = build_corpus(size, seed, settings)
    sentences = [[s.text for s in split_sentences(article.text)] for article in articles]
    progress = Progress(f"spaCy baseline {size}", size, budget)
    nlp = spacy.load(settings.spacy_model)
    parsed = 0
    first_result = None
    fed = _Feed(sentences, progress)
    stream = nlp.pipe(fed, as_tuples=True, batch_size=PIPE_BATCH_SIZE, n_process=processes)
    for _, number in stream:
        first_result = first_result or progress.elapsed()
        parsed += 1
        progress.tick(number)
    seconds = progress.elapsed()
    per_article = parsed / max(fed.articles, 1)
    warm = processes * PIPE_BATCH_SIZE
    steady = _after_start_up(parsed, warm, seconds, first_result)
    return Measurement(
        stage="spacy_baseline",
        label="spaCy baseline (every default component)",
        size=size,
        processes=processes,
        items=fed.articles,
        unit="articles",
        seconds=seconds,
        rates={
            "articles/s warm": steady / per_article,
            "sentences/s warm": steady,
        },
        figures={"sentences": parsed, "start_up_s": first_result or 0},
        bounded=fed.articles < size,
        note=f"{settings.spacy_model}: {', '.join(nlp.pipe_names)}",
    )


class _Feed:
    """Sentences for ``nlp.pipe``, article by article, until the budget runs out.

    Stopping the input rather than the output lets spaCy's worker processes drain and exit
    cleanly; every article begun is parsed whole.
    """

    def __init__(self, sentences: list[list[str]], progress: Progress) -> None:
        self.sentences = sentences
        self.progress = progress
        self.articles = 0

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for number, texts in enumerate(self.sentences):
            if self.progress.expired():
                return
            self.articles = number + 1
            yield from ((text, number) for text in texts)
