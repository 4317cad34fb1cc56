"""``eventwire query``, ``report``, ``summary`` and ``schema``: the store for analysts.

The data root is ``Settings.from_env()``'s (``EVENTWIRE_DATA_ROOT``, S3 credentials from the
standard ``AWS_*`` variables); ``--data-root`` overrides it. A failure a user can act on (bad
SQL, a root that does not exist or cannot be read) is one line on stderr and exit status 2,
never a traceback. A corrupt Parquet file is left out of the views with a warning on stderr
that names it (``views``); the other files and datasets are still queried.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path

from eventwire.config import Settings
from eventwire.fs import DataRoot
from eventwire.schema import SCHEMAS

EXIT_FAILED = 2
DATASETS = tuple(SCHEMAS)
# Widest cell `query` prints in table form; longer text (sentences, payloads) is cut with "…".
MAX_CELL = 60


def register(subparsers: argparse._SubParsersAction) -> None:
    query = subparsers.add_parser(
        "query",
        help="run SQL over the datasets (views: articles, mentions, events, quarantine, ...)",
        description="Run DuckDB SQL over views articles, mentions, events, quarantine, quality "
        "and deletions on the data root.",
    )
    query.add_argument("sql")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _add_root(query)
    query.set_defaults(handler=run_query)
    report = subparsers.add_parser(
        "report",
        help="write PNG plots and an HTML page of events since a date",
        description="Plots of daily events by PLOVER type, fatalities by country and a map.",
    )
    report.add_argument("--since", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    report.add_argument("--out", required=True, type=Path, metavar="DIR")
    _add_root(report)
    report.set_defaults(handler=run_report)
    summary = subparsers.add_parser(
        "summary",
        help="print what the pipeline's runs did (feeds, articles, events, quarantine, checks)",
        description="Summarise the run manifests and datasets of the data root.",
    )
    _add_root(summary)
    summary.set_defaults(handler=run_summary)
    schema = subparsers.add_parser(
        "schema",
        help="print the data dictionary (every column of every dataset) as Markdown",
        description="Print the data dictionary rendered from the schemas; docs/DATA.md is its "
        "output for all datasets.",
    )
    schema.add_argument("dataset", nargs="?", choices=DATASETS, help="one dataset only")
    schema.set_defaults(handler=run_schema)
    _register_export(subparsers)


def _register_export(subparsers: argparse._SubParsersAction) -> None:
    from eventwire.store.export import DATASETS as EXPORTABLE
    from eventwire.store.export import FORMATS

    export = subparsers.add_parser(
        "export",
        help="write current events or mentions as CSV, GeoJSON or Parquet",
        description="Export the current rows of a dataset, filtered as the README's queries "
        "are: by event date, country, PLOVER type and date flag.",
    )
    export.add_argument("--dataset", choices=EXPORTABLE, default="events")
    export.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--country", help="ISO 3166-1 alpha-3 code, e.g. IRQ")
    export.add_argument("--type", dest="plover_type", help="PLOVER type, e.g. ASSAULT")
    export.add_argument(
        "--reported-only", action="store_true", help="leave out historical, future and negated rows"
    )
    export.add_argument("--format", choices=FORMATS, required=True)
    export.add_argument("--out", type=Path, required=True, metavar="PATH")
    _add_root(export)
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    return _one_line("export", _export)(args)


def _export(args: argparse.Namespace) -> int:
    from eventwire.store.export import ExportFilter, export

    # The command's options are the filter's fields, by the same names.
    where = ExportFilter(
        **{field.name: getattr(args, field.name) for field in fields(ExportFilter)}
    )
    result = export(data_root(args), where, args.format, args.out)
    line = f"wrote {result.rows} rows to {result.path}"
    if result.without_coordinates:
        line += f" ({result.without_coordinates} without coordinates left out)"
    print(line)
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from eventwire.store.dictionary import render

    sys.stdout.write(render([args.dataset] if args.dataset else None))
    return 0


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-root", help="local folder or s3://bucket/prefix")


class MissingDataRoot(FileNotFoundError):
    """The data root named on the command line or in the environment does not exist."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"data root {url} does not exist (set by --data-root or EVENTWIRE_DATA_ROOT)"
        )
        self.url = url


def data_root(args: argparse.Namespace) -> DataRoot:
    """The data root to read; a mistyped one is an error, not an empty dataset."""
    settings = Settings.from_env()
    root = DataRoot(args.data_root or settings.data_root, settings.s3)
    if not root.fs.exists(root.base):
        raise MissingDataRoot(root.url)
    return root


def _one_line(
    command: str, handler: Callable[[argparse.Namespace], int]
) -> Callable[[argparse.Namespace], int]:
    """``handler`` with every failure a user can act on reported as one line, exit 2, and the
    library's warnings (a corrupt file skipped, a manifest rebuilt) as lines on stderr."""
    import duckdb

    def run(args: argparse.Namespace) -> int:
        warnings = logging.StreamHandler(sys.stderr)
        warnings.setLevel(logging.WARNING)
        warnings.setFormatter(logging.Formatter(f"eventwire {command}: warning: %(message)s"))
        library = logging.getLogger("eventwire")
        library.addHandler(warnings)
        try:
            return handler(args)
        except (duckdb.Error, OSError, ValueError) as error:
            print(f"eventwire {command}: {error}", file=sys.stderr)
            return EXIT_FAILED
        finally:
            library.removeHandler(warnings)

    return run


def run_query(args: argparse.Namespace) -> int:
    return _one_line("query", _query)(args)


def _query(args: argparse.Namespace) -> int:
    from eventwire.store.views import connect

    cursor = connect(data_root(args)).execute(args.sql)
    names = [column[0] for column in cursor.description or []]
    rows = cursor.fetchall()
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
    elif args.format == "json":
        for row in rows:
            print(json.dumps(dict(zip(names, row, strict=True)), default=_jsonable))
    else:
        print(format_table(names, rows))
    return 0


def format_table(names: list[str], rows: list[tuple]) -> str:
    """A plain aligned text table with a row count, like DuckDB's own shell."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(names)]
    line = "  ".join("-" * width for width in widths)
    out = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def run_report(args: argparse.Namespace) -> int:
    return _one_line("report", _report)(args)


def _report(args: argparse.Namespace) -> int:
    from eventwire.store.report import write_report

    report = write_report(data_root(args), args.since, args.out)
    print(f"{report.events} events; wrote {report.page}")
    for plot in report.plots:
        print(f"  {plot}")
    return 0


def run_summary(args: argparse.Namespace) -> int:
    return _one_line("summary", _summary)(args)


def _summary(args: argparse.Namespace) -> int:
    print(summarise(data_root(args)))
    return 0


def summarise(root: DataRoot) -> str:
    """The make-run summary: manifests for what runs did, datasets for what is there now."""
    from eventwire.store.feed_health import feed_health
    from eventwire.store.manifest import read_manifests
    from eventwire.store.views import connect

    ingest = read_manifests(root, "ingest")
    events = read_manifests(root, "events")
    outcomes = sum((Counter(item.get("outcomes", {})) for item in ingest), Counter())
    connection = connect(root)
    by_type = connection.execute(
        """SELECT CAST(plover_type AS VARCHAR), count(*) FROM events
        WHERE event_id NOT IN (SELECT event_id FROM deletions) GROUP BY ALL ORDER BY 2 DESC, 1"""
    ).fetchall()
    by_stage = connection.execute(
        "SELECT CAST(stage AS VARCHAR), count(*) FROM quarantine GROUP BY ALL ORDER BY 1"
    ).fetchall()
    # Batch-level checks record what they observed; row-level ones leave it null. Only a failed
    # critical batch check fails the run: failed row checks quarantine their rows and go on.
    latest_checks = connection.execute(
        """WITH latest AS (
            SELECT CAST(suite AS VARCHAR) AS suite, CAST(expectation AS VARCHAR) AS expectation,
                   success, CAST(severity AS VARCHAR) AS severity, observed, unexpected_count,
                   data_interval_end,
                   max(data_interval_end) OVER (PARTITION BY suite) AS newest
            FROM quality)
        SELECT suite, expectation, success, severity, observed IS NOT NULL, unexpected_count
        FROM latest WHERE data_interval_end = newest ORDER BY 1, 2"""
    ).fetchall()
    connection.close()
    lines = [
        f"data root: {root.url}",
        f"runs: {len(ingest)} ingest, {len(events)} events",
        f"feeds read: {sum(item.get('feeds', 0) for item in ingest)}",
        f"feed entries: {outcomes.get('entries', 0)}",
        f"articles kept: {sum(item.get('articles', 0) for item in ingest)}",
        f"duplicates dropped: {sum(n for k, n in outcomes.items() if 'duplicate' in k)}",
        f"mentions coded: {sum(item.get('mentions', 0) for item in events)}",
        f"events: {sum(n for _, n in by_type)}",
        "events by PLOVER type: " + (", ".join(f"{name} {n}" for name, n in by_type) or "none"),
        "rows quarantined by stage: "
        + (", ".join(f"{name} {n}" for name, n in by_stage) or "none"),
        "feed health:",
        *_feed_lines(feed_health(ingest)),
        "validation (latest run per suite):",
        *_validation_lines(latest_checks),
        "Parquet files written by the latest runs (those still there):",
        *[f"  {path}" for path in _existing(root, ingest[-1:] + events[-1:])],
    ]
    return "\n".join(lines)


def _feed_lines(health: list) -> list[str]:
    """One line per feed: ok or its failure streak, the last success and the last error."""
    lines = []
    for item in health:
        state = (
            f"FAILING ({item.consecutive_failures} polls in a row)"
            if item.consecutive_failures
            else "ok"
        )
        line = (
            f"  {item.feed}: {state}, last success {item.last_success or 'never'}, "
            f"{item.entries} entries, {item.articles_kept} articles kept"
        )
        if item.last_error:
            line += f"; last error at {item.last_error_at}: {item.last_error}"
        lines.append(line)
    return lines or ["  no ingest runs yet"]


def _existing(root: DataRoot, manifests: list[dict]) -> list[str]:
    """The files the manifests name that still exist: compaction and quarantine retention
    remove interval files after the manifest that listed them was written."""
    paths = [path for item in manifests for path in item.get("files", [])]
    if paths:
        root.fs.invalidate_cache(root.path())
    return [path for path in paths if root.fs.exists(path)]


def _validation_lines(checks: list[tuple]) -> list[str]:
    """One line per suite: pass or FAIL (a critical batch check failed), and the row checks
    that quarantined rows, with how many."""
    lines = []
    for suite in sorted({check[0] for check in checks}):
        rows = [check for check in checks if check[0] == suite]
        failed_batch = [c[1] for c in rows if not c[2] and c[4] and c[3] == "critical"]
        failed_rows = [f"{c[1]} {c[5]}" for c in rows if not c[2] and not c[4]]
        met = sum(1 for c in rows if c[2])
        verdict = "FAIL: " + ", ".join(failed_batch) if failed_batch else "pass"
        line = f"  {suite}: {verdict} ({met} of {len(rows)} checks met"
        if failed_rows:
            line += "; rows quarantined by " + ", ".join(failed_rows)
        lines.append(line + ")")
    return lines


def _cell(value: object) -> str:
    text = "NULL" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _jsonable(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
