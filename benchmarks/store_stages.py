"""Quality gate, Parquet writer and query throughput on synthetic rows of the real schemas.

The gate and the writer see as many mention rows as extraction produced for the corpus size
(the runner passes the count); the query runs the ``eventwire query`` code path over a
synthetic year of events, generated once and cached, since ten million rows take a while.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from benchmarks.measure import Measurement, Progress, say
from benchmarks.synthetic import synthetic_rows
from eventwire.config import Settings
from eventwire.fs import DataRoot
from eventwire.interval import Interval

BENCH_DAY = date(2017, 11, 2)
YEAR_START = date(2017, 1, 1)
COMPLETE_MARKER = "_complete.json"
# The analysts' everyday question: events per country and day, over the whole year.
DAILY_COUNT_SQL = (
    "SELECT event_date, CAST(country AS VARCHAR) AS country, count(*) AS events "
    "FROM events GROUP BY ALL ORDER BY ALL"
)


def _interval(day: date) -> Interval:
    return Interval.ending_at(datetime(day.year, day.month, day.day, 9, 15, tzinfo=UTC))


def gx_validation(size: int, rows: int, seed: int) -> Measurement:
    """Validate ``rows`` mention rows with the mentions suite (one batch, as a run does)."""
    from eventwire.quality.gate import validate

    settings = Settings()
    table = synthetic_rows(rows, BENCH_DAY, seed)
    window = _interval(BENCH_DAY)
    validate("mentions", table.slice(0, 10), run_id="warm-up", interval=window, settings=settings)
    started = time.perf_counter()
    gate = validate("mentions", table, run_id="bench", interval=window, settings=settings)
    seconds = time.perf_counter() - started
    return Measurement(
        stage="gx_validation",
        label="GX validation (mentions suite)",
        size=size,
        processes=1,
        items=rows,
        unit="rows",
        seconds=seconds,
        figures={"valid": gate.valid.num_rows, "quarantined": len(gate.quarantined)},
    )


def parquet_write(size: int, rows: int, seed: int) -> Measurement:
    """Write ``rows`` mention rows as one interval's file (sort, dictionaries, zstd, atomic)."""
    from eventwire.store.parquet import write_interval

    table = synthetic_rows(rows, BENCH_DAY, seed)
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-") as folder:
        root = DataRoot(folder)
        write_interval(root, "mentions", table.slice(0, 10), _interval(BENCH_DAY))
        started = time.perf_counter()
        files = write_interval(root, "mentions", table, _interval(BENCH_DAY))
        seconds = time.perf_counter() - started
        size_mib = sum(Path(path).stat().st_size for path in files) / (1024 * 1024)
    return Measurement(
        stage="parquet_write",
        label="Parquet write (mentions, write_interval)",
        size=size,
        processes=1,
        items=rows,
        unit="rows",
        seconds=seconds,
        figures={"file_mib": round(size_mib, 2)},
    )


def year_root(cache_dir: str, events: int, days: int, seed: int) -> Path:
    return Path(cache_dir) / f"events-{events}-{days}d-seed{seed}"


def synthetic_year(cache_dir: str, events: int, days: int, seed: int) -> Measurement:
    """Write ``events`` synthetic events over ``days`` daily ``dt=`` partitions, unless cached.

    One file per day, named after the day's interval, sorted like a compacted day.
    """
    from eventwire.store.parquet import WRITE_OPTIONS, sort_rows

    root = year_root(cache_dir, events, days, seed)
    marker = root / COMPLETE_MARKER
    started = time.perf_counter()
    cached = marker.exists()
    if not cached:
        progress = Progress(f"synthetic year of {events:,} events", days, None)
        per_day, extra = divmod(events, days)
        for number in range(days):
            day = YEAR_START + timedelta(days=number)
            rows = synthetic_rows(per_day + (number < extra), day, seed * 1_000 + number, "events")
            folder = root / "events" / f"dt={day.isoformat()}"
            folder.mkdir(parents=True, exist_ok=True)
            window = Interval(_midnight(day), _midnight(day + timedelta(days=1)))
            table = sort_rows("events", rows, ("event_date", "country"))
            pq.write_table(table, folder / window.file_name, **WRITE_OPTIONS)
            progress.tick(number + 1)
        marker.write_text(json.dumps({"events": events, "days": days, "seed": seed}))
    seconds = time.perf_counter() - started
    say(f"synthetic year: {'cached' if cached else 'generated'} in {seconds:.1f} s at {root}")
    return Measurement(
        stage="synthetic_year",
        label="synthetic year of events (set-up, cached)",
        size=None,
        processes=1,
        items=events,
        unit="events",
        seconds=seconds,
        note="reused from cache" if cached else "generated",
    )


def query_latency(cache_dir: str, events: int, days: int, seed: int, repeats: int) -> Measurement:
    """Latency of ``eventwire query`` (``run_query``: views over the file list, then the SQL),
    in this process and, once, as a whole ``eventwire`` command (interpreter start included)."""
    from eventwire.store.commands import run_query

    root = year_root(cache_dir, events, days, seed)
    args = argparse.Namespace(sql=DAILY_COUNT_SQL, format="csv", data_root=str(root))
    latencies = []
    for _ in range(repeats):
        output = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(output):
            status = run_query(args)
        latencies.append(time.perf_counter() - started)
        if status != 0:
            raise RuntimeError(f"eventwire query failed with status {status}")
    result_rows = output.getvalue().count("\n") - 1
    median = statistics.median(latencies)
    # What a user at the shell waits for: the same query as a fresh ``eventwire`` process.
    command = [str(Path(sys.executable).parent / "eventwire"), "query", DAILY_COUNT_SQL]
    started = time.perf_counter()
    subprocess.run(
        [*command, "--format", "csv", "--data-root", str(root)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    cli_seconds = time.perf_counter() - started
    return Measurement(
        stage="query_latency",
        label=f"eventwire query: per-country daily count, {days} dt= partitions",
        size=None,
        processes=1,
        items=events,
        unit="events",
        seconds=median,
        figures={
            "median_s": median,
            "first_s": latencies[0],
            "repeats": repeats,
            "result_rows": result_rows,
            "cli_process_s": cli_seconds,
        },
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
