"""The benchmark corpus builder, and a smoke run of ``make bench`` scaled down to seconds."""

from __future__ import annotations

import json
import math
import statistics

import pytest

from benchmarks import report, run
from benchmarks.corpus import MEAN_WORDS, TOWNS, build_corpus, sample_sources
from benchmarks.measure import Measurement
from benchmarks.synthetic import UI_PATHS
from eventwire.config import Settings
from eventwire.extract.engine import Document, Extractor

STAGES = {
    "feed_parsing",
    "article_extraction",
    "event_extraction",
    "event_extraction_unfiltered",
    "spacy_baseline",
    "gx_validation",
    "recode_run",
    "parquet_write",
    "query_latency",
    "ui_endpoint",
    "dag_run",
    "direct_run",
}


def _prefilter_share(extractor: Extractor, texts: list[str]) -> float:
    """Share of sentences the trigger prefilter keeps for parsing (possible events)."""
    kept = total = 0
    for number, text in enumerate(texts):
        sentences, keep = extractor.candidate_sentences(Document(id=str(number), text=text))
        kept += len(keep)
        total += len(sentences)
    return kept / total


def test_same_seed_gives_the_same_documents_and_another_seed_others():
    first = build_corpus(50, seed=1)
    assert first == build_corpus(50, seed=1)
    other = build_corpus(50, seed=2)
    assert [a.text for a in first] != [a.text for a in other]
    assert {a.article_id for a in first}.isdisjoint(a.article_id for a in other)


def test_corpus_has_the_requested_size_of_distinct_articles_of_news_length():
    corpus = build_corpus(300)
    assert len(corpus) == 300
    assert len({article.article_id for article in corpus}) == 300
    assert len({article.text for article in corpus}) == 300
    mean_words = statistics.mean(article.word_count for article in corpus)
    assert 0.85 * MEAN_WORDS <= mean_words <= 1.15 * MEAN_WORDS
    sources, _ = sample_sources(Settings().samples_root)
    sample_mean = statistics.mean(sum(len(p.split()) for p in s.paragraphs) for s in sources)
    assert mean_words > 2 * sample_mean


def test_corpus_keeps_the_samples_mix_of_event_and_non_event_sentences():
    extractor = Extractor(Settings())
    sources, _ = sample_sources(Settings().samples_root)
    in_samples = _prefilter_share(extractor, ["\n".join(s.paragraphs) for s in sources])
    in_corpus = _prefilter_share(extractor, [a.text for a in build_corpus(200)])
    assert 0 < in_corpus < 1
    assert math.isclose(in_corpus, in_samples, abs_tol=0.1)


def test_town_names_are_permuted_per_document():
    corpus = build_corpus(100)
    towns_named = [{town for town in TOWNS if town in article.text} for article in corpus]
    assert len({frozenset(names) for names in towns_named}) > 20


def test_each_endpoint_row_is_judged_by_its_own_median():
    rows = [
        Measurement(
            "ui_endpoint", f"UI endpoint {path}", None, 1, 100, "mentions", median,
            figures={"median_s": median, "first_s": median, "repeats": 5},
        )
        for path, median in (("/api/volumes", 0.5), ("/api/map", 2.0))
    ]  # fmt: skip
    lines = report.table(rows, report.targets(rows, None), 3.0).splitlines()
    assert [line.split()[-1] for line in lines[2:4]] == ["yes", "NO"]


@pytest.mark.slow
def test_bench_runner_reports_every_stage_with_numbers(tmp_path):
    out = tmp_path / "bench.json"
    status = run.main(
        [
            "--json", str(out), "--sizes", "20", "--processes", "1", "--budget", "120",
            "--query-events", "3000", "--query-days", "3", "--query-repeats", "2",
            "--ui-mentions", "960",
            "--dag-articles", "10", "--cache-dir", str(tmp_path / "cache"),
        ]
    )  # fmt: skip
    assert status == 0
    document = json.loads(out.read_text())
    stages = {item["stage"]: item for item in document["stages"]}
    assert set(stages) == STAGES
    for item in stages.values():
        assert item["items"] > 0 and item["seconds"] > 0 and item["peak_rss_mib"] > 0
        assert all(isinstance(value, float) for value in item["rates"].values())
    assert stages["event_extraction"]["items"] == 20
    assert stages["dag_run"]["items"] == stages["direct_run"]["items"] == 10
    assert isinstance(document["airflow_overhead"], float)
    assert document["machine"]["cpu_count"] >= 1
    endpoints = [item["label"] for item in document["stages"] if item["stage"] == "ui_endpoint"]
    assert endpoints == [f"UI endpoint {path}" for path in UI_PATHS]
    endpoint_goal = report.LATENCY_TARGETS["ui_endpoint"][0]
    assert {goal["name"] for goal in document["targets"]} >= {report.OVERHEAD_GOAL, endpoint_goal}
