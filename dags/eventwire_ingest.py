"""Ingest DAG: feeds to clean, deduplicated articles."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

from eventwire_common import (
    ARTICLES_ASSET,
    DEFAULT_ARGS,
    FETCH_POOL,
    HARVEST_TIMEOUT,
    INGEST_EVERY,
    START_DATE,
    pipeline_settings,
    run_interval,
)


@dag(
    dag_id="eventwire_ingest",
    schedule=CronDataIntervalTimetable(INGEST_EVERY, timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["eventwire", "ingest"],
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

    and updates the `eventwire_articles` Asset, which schedules `eventwire_events`.

    **Re-run**: clearing a run re-writes exactly that interval's files (idempotent).
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
        summary = publish_articles(
            harvests, pipeline_settings(), str(run_interval(context)), context["run_id"]
        )
        context["outlet_events"][ARTICLES_ASSET].extra = {
            key: summary[key] for key in ("interval", "feeds", "articles", "quarantined")
        }
        return summary

    publish_articles(harvest_feed.expand(feed=list_feeds()))


eventwire_ingest()
