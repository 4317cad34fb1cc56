"""Re-coding throughput: ``eventwire recode`` over one day of the corpus.

The corpus is written as one interval of ``articles/`` and coded once with the events DAG's
task functions; then the engine's version is changed by a dictionary folder holding one actor
no article names (as ``tests/test_recode.py`` does: the version changes, the coding cannot) and
the day is re-coded with the library calls ``eventwire recode`` makes, extraction on
``processes`` workers. The clock covers the recode only: planning, extraction (model loads
included), validation, merge and the ``recodes/`` row.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.airflow_stages import ARTICLES_INTERVAL, write_articles
from benchmarks.corpus import build_corpus
from benchmarks.measure import Measurement
from eventwire.config import Settings

UNUSED_ACTOR = "ZYXQUORT VELANDIMO\n[ZZZGOV]\n"


def recode_run(articles: int, seed: int, processes: int) -> Measurement:
    from eventwire import tasks
    from eventwire.recode import day

    with tempfile.TemporaryDirectory(prefix="eventwire-bench-recode-") as folder:
        base = Path(folder)
        write_articles(base / "data", build_corpus(articles, seed))
        settings = replace(Settings.from_env(), data_root=str(base / "data"))
        batches = tasks.pending_batches(settings)
        coded = [tasks.extract_batch(batch, settings, "bench-code") for batch in batches]
        tasks.publish_events(coded, settings, "bench-code")
        (base / "dictionaries").mkdir()
        (base / "dictionaries" / "Phoenix.Countries.actors.txt").write_text(UNUSED_ACTOR)
        settings = replace(settings, dictionaries=base / "dictionaries")
        started = time.perf_counter()
        plan = day.plan_day(settings, ARTICLES_INTERVAL.dt)
        if plan is None:
            raise RuntimeError("the changed version left nothing to re-code")
        with day.extraction_pool(processes) as pool:
            row = day.recode_day(settings, plan, "bench-recode", pool=pool)
        seconds = time.perf_counter() - started
    return Measurement(
        stage="recode_run",
        label="recode, articles/s (eventwire recode, one day)",
        size=articles,
        processes=processes,
        items=row["articles"],
        unit="articles",
        seconds=seconds,
        figures={key: row[key] for key in ("events_after", "ids_kept", "ids_new", "ids_deleted")},
    )
