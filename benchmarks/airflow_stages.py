"""Wall time of one ``eventwire_events`` DAG run, and the share of it outside task code.

Two identical data roots get the same corpus articles as one interval of ``articles/``. On one,
the DAG runs with ``dag.test()`` in a throw-away Airflow home on SQLite (the way ``make run``
and the end-to-end tests run it: every task in one process, one after the other). On the
other, the same library task functions (``pending_batches``, ``extract_batch`` per batch,
``publish_events``) are called directly in the same order. Both clocks start after imports
and DAG parsing and include the spaCy model load of the first batch.

Airflow's overhead is the share of the DAG's wall time outside its task instances (start to end
as Airflow recorded them): scheduling, task state, XCom and logging between tasks. The direct
run is the cross-check, ``(DAG wall - direct wall) / DAG wall``; it also counts Airflow's work
inside task instances, but the two runs' own variance (publish_events alone moves by seconds
between runs) is larger than that, so it cannot be the headline figure.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus import CorpusArticle, build_corpus
from benchmarks.measure import REPO_ROOT, Measurement, run_child, say
from eventwire import schema
from eventwire.config import Settings
from eventwire.fs import DataRoot
from eventwire.interval import Interval

# The articles' interval: the bundled demo's, so the run looks like the embedded default.
ARTICLES_INTERVAL = Interval.ending_at(datetime(2017, 11, 2, 9, 0, tzinfo=UTC))
MIGRATE_TIMEOUT = 600


@dataclass
class DagOverhead:
    dag: Measurement
    direct: Measurement

    @property
    def overhead(self) -> float:
        return self.dag.figures["outside_task_instances_s"] / self.dag.seconds

    @property
    def overhead_against_direct(self) -> float:
        return (self.dag.seconds - self.direct.seconds) / self.dag.seconds


def article_row(article: CorpusArticle, interval: Interval) -> dict:
    """The ``articles`` row ingest would have written for a corpus article."""
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "article_id": article.article_id,
        "url": article.url,
        "canonical_url": article.url,
        "source_name": article.source_name,
        "feed_url": f"https://bench.example/{article.source_name}/feed.xml",
        "title": article.title,
        "text": article.text,
        "summary": None,
        "author": None,
        "published_at": article.published_at,
        "ingested_at": interval.end,
        "language": "en",
        "body_source": "page",
        "text_hash": hashlib.sha256(article.text.encode()).hexdigest(),
        "word_count": article.word_count,
    }


def write_articles(data_root: Path, articles: list[CorpusArticle]) -> None:
    from eventwire.store.parquet import write_interval

    rows = [article_row(article, ARTICLES_INTERVAL) for article in articles]
    write_interval(DataRoot(str(data_root)), "articles", rows, ARTICLES_INTERVAL)


def airflow_env(home: Path, data_root: Path) -> dict[str, str]:
    """A throw-away Airflow home on SQLite with the project's DAGs, as the tests set it up."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "EVENTWIRE_DATA_ROOT": str(data_root),
    }


def dag_overhead(articles: int, seed: int, log: Path) -> DagOverhead:
    """Run the events DAG and the direct task calls on identical copies of ``articles``."""
    corpus = build_corpus(articles, seed)
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-dag-") as folder:
        base = Path(folder)
        for name in ("dag-data", "direct-data"):
            write_articles(base / name, corpus)
        env = airflow_env(base / "airflow-home", base / "dag-data")
        say(f"events DAG {articles}: airflow db migrate (log: {log})")
        with log.open("w") as sink:
            subprocess.run(
                [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
                env={**os.environ, **env},
                stdout=sink,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=MIGRATE_TIMEOUT,
            )
        say(f"events DAG {articles}: dag.test()")
        dag = run_child("dag_run", {"articles": articles}, env=env, log=log)
        say(f"events DAG {articles}: the same task functions called directly")
        direct_env = {"EVENTWIRE_DATA_ROOT": str(base / "direct-data")}
        direct = run_child("direct_run", {"articles": articles}, env=direct_env)
    return DagOverhead(dag, direct)


def dag_run(articles: int) -> Measurement:
    """One ``dag.test()`` of ``eventwire_events`` (in the Airflow home of the environment)."""
    from airflow.dag_processing.dagbag import BundleDagBag

    import eventwire.tasks  # noqa: F401 - imported before the clock, as direct_run does

    bag = BundleDagBag(dag_folder=str(REPO_ROOT / "dags"), bundle_path=REPO_ROOT / "dags")
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    started = time.perf_counter()
    run = bag.dags["eventwire_events"].test()
    seconds = time.perf_counter() - started
    if run.state != "success":
        raise RuntimeError(f"eventwire_events ended {run.state}")
    tasks = _task_seconds(run.dag_id, run.run_id)
    return Measurement(
        stage="dag_run",
        label="eventwire_events DAG run (dag.test, SQLite)",
        size=articles,
        processes=1,
        items=articles,
        unit="articles",
        seconds=seconds,
        figures={
            "task_instances": len(tasks),
            "task_instances_s": sum(tasks),
            "outside_task_instances_s": seconds - sum(tasks),
        },
    )


def _task_seconds(dag_id: str, run_id: str) -> list[float]:
    """How long each task instance of the run took, start to end as Airflow recorded it."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        instances = session.scalars(
            select(TaskInstance).where(TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id)
        ).all()
        return [
            (ti.end_date - ti.start_date).total_seconds()
            for ti in instances
            if ti.start_date is not None and ti.end_date is not None
        ]


def direct_run(articles: int) -> Measurement:
    """The events DAG's task functions called in its order, without Airflow."""
    from eventwire import tasks

    settings = Settings.from_env()
    started = time.perf_counter()
    batches = tasks.pending_batches(settings)
    listed = time.perf_counter()
    extracted = [tasks.extract_batch(batch, settings, "bench-direct") for batch in batches]
    coded = time.perf_counter()
    summary = tasks.publish_events(extracted, settings, run_id="bench-direct")
    seconds = time.perf_counter() - started
    return Measurement(
        stage="direct_run",
        label="same tasks called directly (no Airflow)",
        size=articles,
        processes=1,
        items=sum(item["articles"] for item in extracted),
        unit="articles",
        seconds=seconds,
        figures={
            "batches": len(batches),
            "mentions": summary["mentions"],
            "pending_batches_s": listed - started,
            "extract_batch_s": coded - listed,
            "publish_events_s": seconds - (coded - started),
        },
    )
