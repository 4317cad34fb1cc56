"""Recode DAG: stored days coded again with the current engine, one mapped task per day."""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task

from eventwire_common import (
    DAG_ARGS,
    PUBLISH_POOL,
    RECODE_DAY_TIMEOUT,
    all_results,
    no_retry_for_permanent_failures,
)
from eventwire_settings import pipeline_settings


@dag(
    dag_id="eventwire_recode",
    schedule=None,
    is_paused_upon_creation=False,  # runs only when triggered
    tags=["eventwire", "events", "recode"],
    params={
        "since": Param(type="string", format="date", description="First day (YYYY-MM-DD)"),
        "until": Param(type="string", format="date", description="Last day (YYYY-MM-DD)"),
        "only_outdated": Param(
            True,
            type="boolean",
            description="Skip days whose mentions all carry the current extractor version",
        ),
    },
    **DAG_ARGS,
)
def eventwire_recode():
    """
    ### eventwire recode
    Trigger by hand with `since`, `until` and `only_outdated` (default true) after the
    extractor changed (its `extractor_version` is computed from the code, data, model and
    dictionaries). Each day's stored articles are coded again with the current engine, in one
    mapped task per day, through the events DAG's own steps: the same GX suites, quarantine and
    merge (an event that is still the same event keeps its `event_id`). Writes `mentions/`,
    `events/`, `deletions/` (removed events, reason `recoded`), `quarantine/`, `quality/` and
    one `recodes/` row per day: events, fatalities and ids kept/new/deleted before and after,
    with what changed for each changed or deleted event. The last task adds the days up.

    **Exclusivity**: the day tasks run in the 1-slot pool `eventwire_publish`, which the events
    DAG's `publish_events` and the maintenance compaction share: no two merges ever rewrite the
    events files at once, and days are merged one after another.

    **Re-run** the same params: days already coded by the current engine are skipped. A day
    switches over in one commit (all of its intervals, its `recodes/` row too), so a crash
    leaves it wholly old, and coded again, or wholly new.
    """

    @task
    def outdated_days() -> list[str]:
        from eventwire.tasks import recode_days

        params = get_current_context()["params"]
        return recode_days(
            pipeline_settings(), params["since"], params["until"], params["only_outdated"]
        )

    @task(pool=PUBLISH_POOL, execution_timeout=RECODE_DAY_TIMEOUT, map_index_template="{{ day }}")
    def recode_day(day: str) -> dict:
        from eventwire.tasks import recode_day

        context = get_current_context()
        with no_retry_for_permanent_failures():
            return recode_day(
                pipeline_settings(), day, context["run_id"], context["params"]["only_outdated"]
            )

    @task
    def summarise(days: list[dict]) -> dict:
        from eventwire.recode.changes import totals

        coded = [item for item in all_results(days) if not item.get("skipped")]
        return {"days": len(coded)} | totals(coded)

    # Airflow types a task call with its function's parameters, though it takes an XComArg.
    summarise(recode_day.expand(day=outdated_days()))  # type: ignore[arg-type]


eventwire_recode()
