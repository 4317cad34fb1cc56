"""What every eventwire DAG shares: assets, retry policy, settings, the run's interval.

Schedules, retries and pools are declared here once, where an operator looks for them.
Tasks take their settings from ``eventwire_settings.pipeline_settings`` (Airflow Variables and
the ``eventwire_s3`` Connection when they exist, else the ``EVENTWIRE_*`` environment), which
the UI plugin resolves its data root with too. Every task has an ``execution_timeout`` sized
from the library's limits (``EVENTWIRE_*`` environment, read when the file is parsed): a feed's
harvest gets its page budget plus one fetch deadline, every other task ``task_timeout``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, Context, Param
from airflow.sdk.exceptions import AirflowFailException
from eventwire_alerts import alert_on_failure

from eventwire.config import Settings
from eventwire.errors import PermanentFailure
from eventwire.interval import Interval

START_DATE = datetime(2017, 11, 1, tzinfo=UTC)
INGEST_EVERY = "*/15 * * * *"
FETCH_POOL = "eventwire_fetch"
# One slot: the tasks that merge into events/ (events publishing, a recode's days, compaction)
# never rewrite the same files at once. Created by `make airflow-init` and compose's init.
PUBLISH_POOL = "eventwire_publish"
LIMITS = Settings.from_env()
RECODE_DAY_TIMEOUT = LIMITS.recode_day_timeout()
HARVEST_TIMEOUT = LIMITS.harvest_task_timeout()

ARTICLES_ASSET = Asset(name="eventwire_articles", uri="eventwire://datasets/articles")
EVENTS_ASSET = Asset(name="eventwire_events", uri="eventwire://datasets/events")

DEFAULT_ARGS = {
    "owner": "eventwire",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": LIMITS.task_timeout(),
    "on_failure_callback": alert_on_failure,
}
# What every eventwire DAG is: one run at a time, no catch-up of past intervals, the same start
# and task defaults. Each DAG adds its id, schedule, pausing, tags and params.
DAG_ARGS: dict[str, Any] = {
    "start_date": START_DATE,
    "catchup": False,
    "max_active_runs": 1,
    "default_args": DEFAULT_ARGS,
}


def interval_param(description: str) -> Param:
    """The optional ``interval`` param (``START/END``, ISO-8601) that points a run at one
    interval instead of its own."""
    return Param(None, type=["null", "string"], description=description)


def closed_day(context: Context) -> str:
    """The UTC day before the run's interval end (``YYYY-MM-DD``): the newest closed day.

    Airflow 3's ``@daily`` is a trigger timetable: the run at midnight gets the new day as its
    (empty) data interval, so the interval's start is the day still being written.
    """
    end = context.get("data_interval_end") or context["dag_run"].run_after
    return (end.astimezone(UTC).date() - timedelta(days=1)).isoformat()


@contextmanager
def no_retry_for_permanent_failures() -> Iterator[None]:
    """Fail the task at once, without its retries, when the library says retrying cannot help.

    The message keeps the library's own (the failed expectation, the dead feed), so the
    failure alert reports the cause; the original exception stays chained for the log.
    """
    try:
        yield
    except PermanentFailure as error:
        raise AirflowFailException(f"{type(error).__name__}: {error}") from error


def all_results(results: Sequence) -> list:
    """Every result of a mapped upstream task, fetched as one slice.

    Iterating Airflow's lazy XCom sequence asks for one item after another until the API
    answers 404, which the Task SDK logs as ``[error] XCom not found`` on every good run.
    """
    return list(results[:])


def run_interval(context: Context) -> Interval:
    """The run's data interval; runs without one (manual, asset-triggered) cover 15 minutes.

    An ``interval`` param (``START/END``) names the interval explicitly: ``make run`` codes the
    2017 demo interval in a run that starts now, so the run's own dates stay true and
    Airflow's duration charts are not stretched over nine years.
    """
    asked = (context.get("params") or {}).get("interval")
    if asked:
        return Interval.parse(asked)
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None or end <= start:
        moment = end or start or context.get("logical_date") or context["dag_run"].run_after
        return Interval.ending_at(moment)
    return Interval(start, end)
