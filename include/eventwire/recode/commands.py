"""``eventwire recode``: re-code a range of stored days with the current engine, without Airflow.

Days are planned first (which need coding, how many articles), so the progress line on stderr
can give a rate and an ETA; then each day is coded (``--processes N`` extraction workers) and
merged one after another (``day``). The run's summary (every day's ``recodes/`` row added up)
is printed on stdout. A failure a user can act on is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date

from eventwire.config import Settings

EXIT_FAILED = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "recode",
        help="re-code stored days with the current engine and report what changed",
        description="Code the stored articles of every day from --since to --until again with "
        "the current extractor, validate, merge into mentions/ and events/ (ids kept where the "
        "event is the same) and write one recodes/ row per day.",
    )
    parser.add_argument("--since", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--until", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--only-outdated",
        dest="only_outdated",
        action="store_true",
        default=True,
        help="skip days whose mentions all carry the current extractor version (default)",
    )
    which.add_argument(
        "--all", dest="only_outdated", action="store_false", help="re-code every day"
    )
    parser.add_argument(
        "--processes", type=_positive, default=1, help="extraction worker processes (default: 1)"
    )
    parser.add_argument("--data-root", help="local folder or s3://bucket/prefix")
    parser.set_defaults(handler=run_recode)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more: {value!r}")
    return int(value)


def run_recode(args: argparse.Namespace) -> int:
    from eventwire import tasks
    from eventwire.extract.version import extractor_version
    from eventwire.recode import day
    from eventwire.store import transaction
    from eventwire.store.commands import MissingDataRoot

    settings = Settings.from_env()
    if args.data_root:
        settings = replace(settings, data_root=args.data_root)
    try:
        root = tasks.data_root(settings)
        if not root.fs.exists(root.base):
            raise MissingDataRoot(root.url)
        transaction.finish(root)  # a day a crash left half switched over, even if none is due
        wanted = day.days(args.since, args.until)
        plans = [p for d in wanted if (p := day.plan_day(settings, d, args.only_outdated))]
        run_id = day.cli_run_id()
        progress = Progress(len(plans), sum(plan.articles for plan in plans))
        rows = []
        with day.extraction_pool(args.processes) as pool:
            for plan in plans:
                progress.start_day(plan.day)
                rows.append(day.recode_day(settings, plan, run_id, pool=pool, progress=progress))
        progress.finish()
    except (OSError, ValueError) as error:
        print(f"eventwire recode: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(format_summary(run_id, extractor_version(settings), len(wanted), rows))
    return 0


class Progress:
    """``days 2/5, articles 1200/3000, 41.3 articles/s, ETA 0:00:43`` on stderr, in place."""

    def __init__(self, days: int, articles: int) -> None:
        self.days, self.articles = days, articles
        self.day_number = self.done = 0
        self.started = time.monotonic()

    def start_day(self, name: str) -> None:
        self.day_number += 1
        self.current = name
        self._show()

    def __call__(self, articles: int) -> None:
        self.done += articles
        self._show()

    def finish(self) -> None:
        if self.days:
            sys.stderr.write("\n")

    def _show(self) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.articles - self.done) / rate if rate else None
        eta = "?" if left is None else time.strftime("%H:%M:%S", time.gmtime(left))
        sys.stderr.write(
            f"\rrecode {self.current}: days {self.day_number}/{self.days}, "
            f"articles {self.done}/{self.articles}, {rate:.1f} articles/s, ETA {eta}"
        )
        sys.stderr.flush()


def format_summary(run_id: str, version: str, days_asked: int, rows: list[dict]) -> str:
    """The run's summary: its days' ``recodes/`` rows added up."""
    from eventwire.recode import changes

    totals = changes.totals(rows)
    lines = [
        f"run: {run_id}",
        f"extractor version: {version}",
        f"days re-coded: {len(rows)} of {days_asked}",
        f"articles: {totals['articles']}",
        f"mentions: {totals['mentions_before']} -> {totals['mentions_after']}",
        f"events: {totals['events_before']} -> {totals['events_after']}",
        f"fatalities: {totals['fatalities_before']} -> {totals['fatalities_after']}",
        f"ids: {totals['ids_kept']} kept, {totals['ids_new']} new, {totals['ids_deleted']} deleted",
    ]
    for label, key in (("PLOVER", "plover"), ("ACLED", "acled")):
        lines.append(f"events by {label} type (before -> after):")
        lines += _type_lines(rows, f"{key}_before", f"{key}_after")
    listed = sum(len(json.loads(row["changes"])) for row in rows)
    lines.append(f"events changed or deleted (listed in recodes.changes): {listed}")
    return "\n".join(lines)


def _type_lines(rows: list[dict], before_key: str, after_key: str) -> list[str]:
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for row in rows:
        before.update(json.loads(row[before_key]))
        after.update(json.loads(row[after_key]))
    return [
        f"  {name}: {before[name]} -> {after[name]}"
        for name in sorted(before.keys() | after.keys(), key=lambda n: (-after[n], n))
    ]
