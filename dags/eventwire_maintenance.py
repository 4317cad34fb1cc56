"""Maintenance DAG: compaction of closed days and quarantine retention."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from eventwire_common import DEFAULT_ARGS, START_DATE, pipeline_settings


@dag(
    dag_id="eventwire_maintenance",
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["eventwire", "maintenance"],
)
def eventwire_maintenance():
    """
    ### eventwire maintenance
    Once a day, after the day has closed (UTC):

    * compacts the closed day's many small interval files of `articles/`, `mentions/` and
      `events/` into a few large files sorted by `event_date` and `country`; the new files
      appear atomically before the small ones are removed, and compacting twice changes nothing;
    * deletes `quarantine/` partitions older than the retention
      (`EVENTWIRE_QUARANTINE_RETENTION_DAYS`, 90 days by default).

    **Re-run**: safe at any time; it is idempotent.
    """

    @task
    def compact_closed_day() -> dict:
        from eventwire.tasks import compact_closed_day

        day = get_current_context()["data_interval_start"].strftime("%Y-%m-%d")
        return compact_closed_day(pipeline_settings(), day)

    @task
    def enforce_quarantine_retention() -> dict:
        from eventwire.tasks import enforce_quarantine_retention

        today = get_current_context()["data_interval_end"].strftime("%Y-%m-%d")
        return enforce_quarantine_retention(pipeline_settings(), today)

    compact_closed_day() >> enforce_quarantine_retention()


eventwire_maintenance()
