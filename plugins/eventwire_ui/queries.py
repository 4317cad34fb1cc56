"""The page's questions as SQL over the library's DuckDB views.

Every function takes an open connection from ``eventwire.store.views.connect`` and returns
JSON-able rows, so the web layer holds no SQL and the queries can be timed on their own. A "run"
is one data interval: every row a run writes carries the interval's ``ingested_at`` (the
library's only clock), so grouping by it needs no manifest and no file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import duckdb

# How much history each panel shows: a day of 15-minute runs, the latest suites' results, enough
# rows to scan by eye. Chosen so the page stays readable on a laptop screen, not for speed:
# every query was timed at well under 100 ms on a synthetic day of 100,000 mentions.
RECENT_RUNS = 96
QUALITY_RUNS = 96
LATEST_FAILURES = 25
QUARANTINE_SAMPLES = 10
RECODE_RUNS = 10
EVENTS_PAGE = 100
MAP_PLACES = 2000
# Raw payloads can be whole HTML pages; the browser gets the start, enough to see what broke.
PAYLOAD_PREVIEW_CHARS = 4000


@dataclass(frozen=True)
class EventFilter:
    """The events table's and map's filters (``None`` means "any") and the table's page."""

    country: str | None = None
    plover_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    reported_only: bool = False
    limit: int = EVENTS_PAGE
    offset: int = 0


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> list[dict]:
    cursor = connection.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, map(_jsonable, row), strict=True)) for row in cursor.fetchall()]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def volumes(connection: duckdb.DuckDBPyConnection, runs: int = RECENT_RUNS) -> dict:
    """Articles ingested per run by feed and mentions coded per run by PLOVER type."""
    return {
        "articles_by_feed": _per_run(connection, "articles", "source_name", runs),
        "mentions_by_type": _per_run(connection, "mentions", "plover_type", runs),
    }


def _per_run(
    connection: duckdb.DuckDBPyConnection, dataset: str, key: str, runs: int
) -> list[dict]:
    """Rows of ``dataset`` per run (the latest ``runs``) and per ``key`` value. Both names come
    from ``volumes``, never from a request, so they can stand in the SQL text."""
    return _rows(
        connection,
        f"""
        WITH recent AS (
            SELECT DISTINCT ingested_at FROM {dataset} ORDER BY ingested_at DESC LIMIT ?
        )
        SELECT ingested_at AS run, CAST({key} AS VARCHAR) AS key, count(*) AS n
        FROM {dataset} WHERE ingested_at IN (SELECT ingested_at FROM recent)
        GROUP BY ALL ORDER BY run, key
        """,
        [runs],
    )


def quality_trend(connection: duckdb.DuckDBPyConnection, runs: int = QUALITY_RUNS) -> dict:
    """Pass rate (share of expectations met) per suite per run, and the latest failures."""
    trend = _rows(
        connection,
        """
        WITH per_run AS (
            SELECT CAST(suite AS VARCHAR) AS suite, run_id,
                   max(data_interval_end) AS interval_end,
                   count(*) AS expectations,
                   count(*) FILTER (WHERE success) AS passed
            FROM quality GROUP BY ALL
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY suite ORDER BY interval_end DESC) AS age
            FROM per_run
        )
        SELECT suite, run_id, interval_end, expectations, passed,
               round(passed / expectations, 4) AS pass_rate
        FROM ranked WHERE age <= ? ORDER BY suite, interval_end
        """,
        [runs],
    )
    failures = _rows(
        connection,
        """
        SELECT validated_at, CAST(suite AS VARCHAR) AS suite, expectation,
               CAST(severity AS VARCHAR) AS severity, unexpected_count, unexpected_percent,
               element_count, run_id
        FROM quality WHERE NOT success
        ORDER BY validated_at DESC, suite, expectation LIMIT ?
        """,
        [LATEST_FAILURES],
    )
    return {"trend": trend, "failures": failures}


def quarantine_counts(connection: duckdb.DuckDBPyConnection) -> list[dict]:
    """Rejected records per stage and reason, biggest first."""
    return _rows(
        connection,
        """
        SELECT CAST(stage AS VARCHAR) AS stage, reason, count(*) AS n,
               max(quarantined_at) AS latest
        FROM quarantine GROUP BY ALL ORDER BY n DESC, stage, reason
        """,
    )


def quarantine_samples(
    connection: duckdb.DuckDBPyConnection,
    stage: str,
    reason: str,
    limit: int = QUARANTINE_SAMPLES,
) -> list[dict]:
    """The latest rejected records of one stage and reason, with the start of their payload."""
    return _rows(
        connection,
        """
        SELECT CAST(dt AS VARCHAR) AS dt, record_id, CAST(source_name AS VARCHAR) AS source_name,
               url, run_id, quarantined_at, length(payload) AS payload_chars,
               left(payload, ?) AS payload
        FROM quarantine WHERE CAST(stage AS VARCHAR) = ? AND reason = ?
        ORDER BY quarantined_at DESC, record_id LIMIT ?
        """,
        [PAYLOAD_PREVIEW_CHARS, stage, reason, limit],
    )


# The current version of every event that matches an ``EventFilter``: newest version only, none
# that ``deletions`` lists, and with ``reported_only`` none flagged historical, future or negated.
_CURRENT_EVENTS = """
    WITH newest AS (
        SELECT * FROM events
        WHERE (CAST($country AS VARCHAR) IS NULL OR CAST(country AS VARCHAR) = $country)
          AND (CAST($type AS VARCHAR) IS NULL OR CAST(plover_type AS VARCHAR) = $type)
          AND (CAST($from AS DATE) IS NULL OR event_date >= $from)
          AND (CAST($to AS DATE) IS NULL OR event_date <= $to)
        QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY updated_at DESC) = 1
    ),
    current AS (
        SELECT * FROM newest
        WHERE event_id NOT IN (SELECT event_id FROM deletions)
          AND NOT ($reported_only AND (coalesce(negated, false)
                   OR coalesce(CAST(date_flag AS VARCHAR), 'reported') <> 'reported'))
    )
"""


def _filter_params(where: EventFilter) -> dict:
    return {
        "country": where.country,
        "type": where.plover_type,
        "from": where.date_from,
        "to": where.date_to,
        "reported_only": where.reported_only,
    }


def latest_events(connection: duckdb.DuckDBPyConnection, where: EventFilter) -> dict:
    """One page of the current merged events matching ``where``, newest event date first, and
    how many match in all (for the pager).

    A merged event can be re-written by later runs, so only its newest version counts, and an
    event listed in ``deletions`` is gone. ``reported_only`` leaves out events flagged as
    historical background, announced plans or negated, as the README's queries do.
    """
    rows = _rows(
        connection,
        f"""
        {_CURRENT_EVENTS}
        SELECT event_id, event_date, CAST(plover_type AS VARCHAR) AS plover_type,
               CAST(country AS VARCHAR) AS country, location_name, actor_text, recipient_text,
               fatalities, injured, num_mentions, num_sources,
               CAST(date_flag AS VARCHAR) AS date_flag, negated,
               CAST(source_name AS VARCHAR) AS source_name, url, sentence_text, updated_at,
               count(*) OVER () AS total
        FROM current
        ORDER BY event_date DESC NULLS LAST, updated_at DESC, event_id
        LIMIT $limit OFFSET $offset
        """,
        {**_filter_params(where), "limit": where.limit, "offset": where.offset},
    )
    total = rows[0]["total"] if rows else _count_when_past_the_end(connection, where)
    for row in rows:
        del row["total"]
    return {"events": rows, "total": total, "offset": where.offset, "limit": where.limit}


def _count_when_past_the_end(connection: duckdb.DuckDBPyConnection, where: EventFilter) -> int:
    """The match count when the page is empty: zero, unless the offset ran past the end."""
    if where.offset == 0:
        return 0
    return latest_events(connection, replace(where, limit=1, offset=0))["total"]


def event_places(connection: duckdb.DuckDBPyConnection, where: EventFilter) -> list[dict]:
    """The located current events matching ``where``, one row per place: how many events,
    how many killed, and the place's most frequent PLOVER type (for its colour).

    Grouping by place keeps the map to a few thousand circles however many events there are;
    the deadliest places come first so that a cut-off drops the least important ones.
    """
    return _rows(
        connection,
        f"""
        {_CURRENT_EVENTS}
        SELECT round(lon, 2) AS lon, round(lat, 2) AS lat, any_value(location_name) AS place,
               any_value(CAST(country AS VARCHAR)) AS country, count(*) AS events,
               coalesce(sum(fatalities), 0) AS fatalities,
               mode(CAST(plover_type AS VARCHAR)) AS plover_type
        FROM current WHERE lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY round(lon, 2), round(lat, 2)
        ORDER BY fatalities DESC, events DESC, lon, lat LIMIT $limit
        """,
        {**_filter_params(where), "limit": MAP_PLACES},
    )


def event_countries(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Countries present in ``events``, for the filter's choices."""
    rows = connection.execute(
        "SELECT DISTINCT CAST(country AS VARCHAR) FROM events WHERE country IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


# A recode run's start, as its id says: ``recode__20261202T195944`` from the CLI,
# ``manual__2026-12-02T19:59:44.123+00:00`` (any ``<type>__<ISO time>``) from Airflow.
_CLI_RUN = re.compile(r"recode__(\d{8}T\d{6})")
_AIRFLOW_RUN = re.compile(r"[a-z_]+__(\d{4}-\d{2}-\d{2}T[^_]+)")


def recode_runs(connection: duckdb.DuckDBPyConnection, runs: int = RECODE_RUNS) -> list[dict]:
    """The latest recode runs, newest first: the days they coded again and their ``recodes/``
    rows added up (as ``eventwire recode`` prints them), with the engine versions before and
    after. ``recodes/`` has no time column; a run's start comes from its id (``None`` when the
    id says none, such as a run id given by hand: those come last)."""
    rows = _rows(
        connection,
        """
        SELECT run_id, CAST(min(dt) AS VARCHAR) AS first_day,
               CAST(max(dt) AS VARCHAR) AS last_day, count(*) AS days,
               sum(articles) AS articles, sum(events_before) AS events_before,
               sum(events_after) AS events_after, sum(fatalities_before) AS fatalities_before,
               sum(fatalities_after) AS fatalities_after, sum(ids_kept) AS ids_kept,
               sum(ids_new) AS ids_new, sum(ids_deleted) AS ids_deleted,
               list_sort(list_distinct(list(extractor_version))) AS extractor_versions,
               list_sort(list_distinct(flatten(list(string_split(versions_before, ',')))))
                   AS versions_before
        FROM recodes GROUP BY run_id
        """,
    )
    for row in rows:
        row["started"] = run_started(row["run_id"])
    rows.sort(
        key=lambda row: (row["started"] is not None, row["started"] or "", row["run_id"]),
        reverse=True,
    )
    return rows[:runs]


def run_started(run_id: str) -> str | None:
    """When a recode run started, in ISO form (UTC), from its id (see ``_CLI_RUN``)."""
    try:
        if match := _CLI_RUN.fullmatch(run_id):
            started = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
        elif match := _AIRFLOW_RUN.fullmatch(run_id):
            started = datetime.fromisoformat(match.group(1))
        else:
            return None
    except ValueError:
        return None
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return started.astimezone(UTC).isoformat()
