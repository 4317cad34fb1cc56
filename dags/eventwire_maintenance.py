"""Maintenance DAG: compaction of closed days and quarantine retention."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from eventwire_common import (
    DAG_ARGS,
    PUBLISH_POOL,
    closed_day,
)
from eventwire_settings import pipeline_settings


@dag(
    dag_id="eventwire_maintenance",
    schedule="@daily",
    is_paused_upon_creation=False,  # unattended and idempotent: nothing to switch on
    tags=["eventwire", "maintenance"],
    **DAG_ARGS,
)
def eventwire_maintenance():
    """
    ### eventwire maintenance
    Once a day, after the day has closed (UTC):

    * compacts the closed day's many small interval files of `articles/`, `mentions/` and
      `events/` into a few large files sorted by `event_date` and `country`; the new files
      appear atomically before the small ones are removed, and compacting twice changes nothing.
      The closed day is the UTC day before the run's `data_interval_end`: Airflow 3's `@daily`
      gives the midnight run the new day as its interval, a manual run the moment it started;
    * deletes `quarantine/` partitions older than the retention
      (`EVENTWIRE_QUARANTINE_RETENTION_DAYS`, 90 days by default), counted back from the
      newest day the data root holds when that is older than the run (the bundled demo's
      2017 data keeps its quarantine until newer data arrives).

    **Re-run**: safe at any time; it is idempotent.
    """

    @task(pool=PUBLISH_POOL)  # rewrites events files: never beside a merge (eventwire_common)
    def compact_closed_day() -> dict:
        from eventwire.tasks import compact_closed_day

        return compact_closed_day(pipeline_settings(), closed_day(get_current_context()))

    @task
    def enforce_quarantine_retention() -> dict:
        from eventwire.tasks import enforce_quarantine_retention

        context = get_current_context()
        # As in closed_day: a run without a data interval (Airflow 3 manual runs) has run_after.
        end = context.get("data_interval_end") or context["dag_run"].run_after
        today = end.strftime("%Y-%m-%d")
        return enforce_quarantine_retention(pipeline_settings(), today)

    compact_closed_day() >> enforce_quarantine_retention()


eventwire_maintenance()
