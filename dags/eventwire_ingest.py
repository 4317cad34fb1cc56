"""Ingest DAG: feeds to clean, deduplicated articles."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

from eventwire_common import (
    ARTICLES_ASSET,
    DAG_ARGS,
    FETCH_POOL,
    HARVEST_TIMEOUT,
    INGEST_EVERY,
    all_results,
    interval_param,
    no_retry_for_permanent_failures,
    run_interval,
)
from eventwire_settings import pipeline_settings


@dag(
    dag_id="eventwire_ingest",
    schedule=CronDataIntervalTimetable(INGEST_EVERY, timezone="UTC"),
    is_paused_upon_creation=True,  # the one action that starts the pipeline: unpause ingest
    tags=["eventwire", "ingest"],
    params={
        "interval": interval_param(
            "Ingest this interval (START/END, ISO-8601) instead of the run's own"
        )
    },
    **DAG_ARGS,
)
def eventwire_ingest():
    """
    ### eventwire ingest
    Every 15 minutes: reads the feed registry (`include/feeds.yaml` or the `eventwire_feeds_file`
    Variable), fetches each enabled feed in its own mapped task (conditional GET, polite HTTP,
    size caps), fetches the linked pages and extracts their main text, then deduplicates the
    candidates (canonical URL, text hash, near-duplicate MinHash) and writes

    * `articles/dt=YYYY-MM-DD/part-HHMM-HHMM.parquet` for the run's data interval,
    * `quarantine/dt=…/stage=…/` for every feed, page or entry that was rejected, with its reason,

    and updates the `eventwire_articles` Asset, which schedules `eventwire_events`. Then
    `check_feed_health` fails (and alerts) when a feed has failed
    `EVENTWIRE_FEED_FAILURE_ALERT_RUNS` polls in a row (3 by default), after the articles
    are published, so the events DAG still runs.

    **Re-run**: clearing a run re-writes exactly that interval's files (idempotent); a manual
    run with the `interval` param (`START/END`) ingests that interval instead of its own.
    """

    @task
    def list_feeds() -> list[dict]:
        from eventwire.tasks import list_feeds

        return list_feeds(pipeline_settings())

    @task(
        pool=FETCH_POOL,
        execution_timeout=HARVEST_TIMEOUT,
        map_index_template="{{ feed['name'] }}",
    )
    def harvest_feed(feed: dict) -> dict:
        from eventwire.tasks import harvest_feed

        context = get_current_context()
        return harvest_feed(
            feed, pipeline_settings(), str(run_interval(context)), context["run_id"]
        )

    @task(outlets=[ARTICLES_ASSET])
    def publish_articles(harvests: list[dict]) -> dict:
        from eventwire.tasks import publish_articles

        context = get_current_context()
        with no_retry_for_permanent_failures():
            summary = publish_articles(
                all_results(harvests),
                pipeline_settings(),
                str(run_interval(context)),
                context["run_id"],
            )
        context["outlet_events"][ARTICLES_ASSET].extra = {
            key: summary[key] for key in ("interval", "feeds", "articles", "quarantined")
        }
        return summary

    @task
    def check_feed_health() -> dict:
        from eventwire.tasks import check_feed_health

        with no_retry_for_permanent_failures():
            return check_feed_health(pipeline_settings())

    # Airflow types a task call with its function's parameters, though it takes an XComArg.
    publish_articles(harvest_feed.expand(feed=list_feeds())) >> check_feed_health()  # type: ignore[arg-type]


eventwire_ingest()
