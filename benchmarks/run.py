"""``make bench``: throughput and peak memory of every stage, one table on stdout, JSON on disk.

Usage: ``python -m benchmarks.run [--json PATH] [--sizes 1000,10000] [--quick] ...``. Each
stage runs in a child process of its own (see ``measure``); progress goes to stderr. The
comparisons (extraction without the prefilter, the spaCy baseline) run at the smallest size
only, and every extraction stage has a time budget: the whole run fits in 15 minutes on two
cores, and a stage cut short by its budget says so in the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.airflow_stages import DagOverhead, dag_overhead
from benchmarks.corpus import DEFAULT_SEED
from benchmarks.measure import REPO_ROOT, Measurement, run_child, say
from benchmarks.ui_stages import endpoint_latencies

DEFAULT_SIZES = (1_000, 10_000)
DEFAULT_BUDGET = 90.0  # seconds per extraction stage (and per ingest stage, never reached)
QUERY_EVENTS = 10_000_000
QUERY_DAYS = 365
QUERY_REPEATS = 5
DAG_ARTICLES = 1_000
UI_MENTIONS = 100_000  # a busy day of the pipeline, as the UI's panels read it
UI_REPEATS = 5
QUICK = {
    "sizes": (200,),
    "budget": 30.0,
    "query_events": 500_000,
    "dag_articles": 100,
    "ui_mentions": 10_000,
}


@dataclass(frozen=True)
class Plan:
    """What one benchmark run measures; ``--quick`` and the tests scale it down."""

    sizes: tuple[int, ...]
    seed: int
    processes: int
    budget: float
    query_events: int
    query_days: int
    query_repeats: int
    ui_mentions: int
    dag_articles: int
    cache_dir: Path
    log_dir: Path


def measure_all(plan: Plan) -> tuple[list[Measurement], DagOverhead]:
    """Every stage of the plan, in order; returns the measurements and the DAG comparison."""
    found: list[Measurement] = []
    common = {"processes": plan.processes, "budget": plan.budget}
    for size in plan.sizes:
        say(f"corpus of {size:,} articles")
        found.append(run_child("feed_parsing", {"size": size, **common}))
        found.append(run_child("article_extraction", {"size": size, **common}))
        extraction = {"size": size, "seed": plan.seed, **common}
        coded = run_child("event_extraction", {**extraction, "prefilter": True})
        found.append(coded)
        if size == min(plan.sizes):
            found.append(run_child("event_extraction", {**extraction, "prefilter": False}))
            found.append(run_child("spacy_baseline", extraction))
        # The gate and the writer get as many rows as extraction coded for this size.
        rows = max(1, round(coded.figures["mentions"] * size / max(coded.items, 1)))
        found.append(run_child("gx_validation", {"size": size, "rows": rows, "seed": plan.seed}))
        found.append(run_child("parquet_write", {"size": size, "rows": rows, "seed": plan.seed}))
    year = {
        "cache_dir": str(plan.cache_dir),
        "events": plan.query_events,
        "days": plan.query_days,
        "seed": plan.seed,
    }
    run_child("synthetic_year", year)
    found.append(run_child("query_latency", {**year, "repeats": plan.query_repeats}))
    found += endpoint_latencies(plan.ui_mentions, UI_REPEATS)
    plan.log_dir.mkdir(parents=True, exist_ok=True)
    airflow = dag_overhead(plan.dag_articles, plan.seed, plan.log_dir / "dag-run.log")
    found += [airflow.dag, airflow.direct]
    say(f"recode of {plan.dag_articles:,} articles")
    recode = {"articles": plan.dag_articles, "seed": plan.seed, "processes": plan.processes}
    found.append(run_child("recode_run", recode))
    return found, airflow


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--sizes", help="corpus sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--budget", type=float, help="seconds per extraction stage")
    parser.add_argument("--query-events", type=int)
    parser.add_argument("--query-days", type=int, default=QUERY_DAYS)
    parser.add_argument("--query-repeats", type=int, default=QUERY_REPEATS)
    parser.add_argument("--ui-mentions", type=int, help="mentions of the UI endpoints' day")
    parser.add_argument("--dag-articles", type=int)
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "bench-results" / "cache")
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    defaults: dict[str, Any] = QUICK if args.quick else {}
    sizes = (
        tuple(int(size) for size in args.sizes.split(","))
        if args.sizes
        else defaults.get("sizes", DEFAULT_SIZES)
    )
    return Plan(
        sizes=sizes,
        seed=args.seed,
        processes=args.processes,
        budget=args.budget or defaults.get("budget", DEFAULT_BUDGET),
        query_events=args.query_events or defaults.get("query_events", QUERY_EVENTS),
        query_days=args.query_days,
        query_repeats=args.query_repeats,
        ui_mentions=args.ui_mentions or defaults.get("ui_mentions", UI_MENTIONS),
        dag_articles=args.dag_articles or defaults.get("dag_articles", DAG_ARTICLES),
        cache_dir=args.cache_dir.resolve(),
        log_dir=(args.json.parent if args.json else args.cache_dir).resolve(),
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = plan_of(args)
    started = time.perf_counter()
    measurements, airflow = measure_all(plan)
    wall = time.perf_counter() - started
    goals = report.targets(measurements, airflow.overhead)
    print(report.table(measurements, goals, wall))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "machine": report.machine(plan.processes),
            "plan": {key: str(value) for key, value in vars(plan).items()},
            "wall_seconds": wall,
            "stages": [item.to_dict() for item in measurements],
            "airflow_overhead": airflow.overhead,
            "airflow_overhead_against_direct": airflow.overhead_against_direct,
            "targets": [vars(goal) for goal in goals],
        }
        args.json.write_text(json.dumps(document, indent=1) + "\n")
        say(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
