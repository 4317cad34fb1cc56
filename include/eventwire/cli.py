"""The ``eventwire`` command.

Each stage package owns its sub-commands in a ``commands`` module exposing
``register(subparsers)``; this module only assembles them. Handlers import their heavy
dependencies (spaCy, DuckDB, GX) themselves, so ``eventwire --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "eventwire.ingest.commands",
    "eventwire.extract.commands",
    "eventwire.store.commands",
    "eventwire.recode.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventwire",
        description="News feeds to a validated dataset of political and conflict events.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
