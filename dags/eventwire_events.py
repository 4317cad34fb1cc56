"""Events DAG: articles to validated, merged events."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from eventwire_common import (
    ARTICLES_ASSET,
    DAG_ARGS,
    EVENTS_ASSET,
    PUBLISH_POOL,
    all_results,
    interval_param,
    no_retry_for_permanent_failures,
)
from eventwire_settings import pipeline_settings


@dag(
    dag_id="eventwire_events",
    schedule=[ARTICLES_ASSET],
    is_paused_upon_creation=False,  # follows ingest by itself: unpausing ingest is enough
    tags=["eventwire", "events", "quality"],
    params={
        "interval": interval_param(
            "Re-code one articles interval (START/END, ISO-8601); empty = backlog"
        )
    },
    **DAG_ARGS,
)
def eventwire_events():
    """
    ### eventwire events
    Runs whenever `eventwire_ingest` updates the `eventwire_articles` Asset. Finds every articles
    interval not yet coded, or whose articles changed since it was coded (so a missed run is
    caught up and a re-ingested interval's events follow its articles), splits its English
    articles into batches, codes each batch in its own mapped task (sentences →
    PLOVER/CAMEO/ACLED type, actors, place, date, casualties, with the rule that fired), then
    validates the mentions with Great Expectations and merges them into events with stable
    ids. Writes

    * `mentions/` and `events/` (rows that passed every row-level expectation), `deletions/`
      (events left without mentions),
    * `quarantine/dt=…/stage=extract/` (articles, or sentences over the parser's cap, that
      the engine did not code, with the reason; the batch's other articles are coded),
    * `quarantine/dt=…/stage=quality/` (rows that failed, with the expectation names as reason),
    * `quality/` (one row per expectation per run) and Data Docs under `quality/docs/`.

    A failed critical batch expectation (schema drift, volume anomaly) fails the run after all
    of that is written. **Re-run** one interval with the `interval` param.
    """

    @task
    def pending_batches() -> list[dict]:
        from eventwire.tasks import pending_batches

        return pending_batches(pipeline_settings(), get_current_context()["params"]["interval"])

    @task(map_index_template="{{ batch['interval'] }} #{{ batch['batch'] }}")
    def extract_batch(batch: dict) -> dict:
        from eventwire.tasks import extract_batch

        return extract_batch(batch, pipeline_settings(), get_current_context()["run_id"])

    @task(outlets=[EVENTS_ASSET], pool=PUBLISH_POOL)  # one merge at a time (eventwire_common)
    def publish_events(extracted: list[dict]) -> dict:
        from eventwire.tasks import publish_events

        context = get_current_context()
        with no_retry_for_permanent_failures():
            summary = publish_events(all_results(extracted), pipeline_settings(), context["run_id"])
        context["outlet_events"][EVENTS_ASSET].extra = {
            key: summary[key] for key in ("intervals", "mentions", "events_written", "quarantined")
        }
        return summary

    # Airflow types a task call with its function's parameters, though it takes an XComArg.
    publish_events(extract_batch.expand(batch=pending_batches()))  # type: ignore[arg-type]


eventwire_events()
