"""``eventwire extract``: JSON Lines documents in, JSON Lines event mentions out.

The contract: ``--input`` is JSON Lines (``{"id", "text", "published"?, "url"?,
"title"?}``) or a ``.txt``/``.html`` file that is one document; ``-`` is stdin/stdout. A bad
line (not JSON, not an object, no text, a published date that is not ISO-8601) is reported on
stderr with its line number and skipped; so is a document the engine fails on, or a sentence
over ``isolation.MAX_SENTENCE_CHARS`` (reported with the document id; the document's other
sentences are coded). The exit status is then 3, else 0. Input that cannot
be read at all is exit 2. Progress goes to stderr every ``PROGRESS_EVERY`` documents, so only
inputs over that size print any. Never a traceback. ``--processes N`` codes with N worker
processes (see ``parallel``); the output is the same as with one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from eventwire.config import Settings

if TYPE_CHECKING:
    from eventwire.extract.engine import Document
    from eventwire.extract.isolation import NotCoded

EXIT_OK = 0
EXIT_UNUSABLE = 2
EXIT_BAD_LINES = 3
PROGRESS_EVERY = 1000
SINGLE_DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")


class BadLine(ValueError):
    """One unusable input line; carries its 1-based line number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="code the events of documents (JSON Lines in, JSON Lines mentions out)",
        description="Extract coded event mentions (PLOVER, CAMEO, ACLED, actors, place, date, "
        "casualties) from documents.",
    )
    parser.add_argument(
        "--input", default="-", help="JSON Lines, or a .txt/.html document (default: stdin)"
    )
    parser.add_argument("--output", default="-", help="JSON Lines of mentions (default: stdout)")
    parser.add_argument(
        "--processes",
        type=_positive,
        default=1,
        help="worker processes, each with its own model (default: 1, no pool)",
    )
    parser.set_defaults(handler=run_extract)
    places = subparsers.add_parser(
        "gazetteer-load",
        help="add a GeoNames country dump (e.g. IQ.txt) to the gazetteer's places",
        description="Store a GeoNames country dump (download.geonames.org/export/dump/XX.txt) "
        "under the cache folder; the next extraction's gazetteer includes its towns.",
    )
    places.add_argument("dump", type=Path, help="a GeoNames country dump (19 columns)")
    places.set_defaults(handler=run_gazetteer_load)


def run_gazetteer_load(args: argparse.Namespace) -> int:
    """Load one GeoNames dump; a bad line is reported with its file and line number (exit 2)."""
    from eventwire.extract.places import GazetteerError, load_geonames_dump

    try:
        stored = load_geonames_dump(args.dump, Settings.from_env())
    except (GazetteerError, OSError) as error:
        print(f"eventwire gazetteer-load: {error}", file=sys.stderr)
        return 2
    print(f"{stored} places stored from {args.dump}")
    return 0


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {number}")
    return number


def parse_line(number: int, line: str) -> Document:
    """A :class:`~eventwire.extract.engine.Document` from one JSON Lines line, or BadLine."""
    from eventwire.extract.engine import Document

    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise BadLine(number, f"not JSON ({err.msg})") from None
    if not isinstance(record, dict):
        raise BadLine(number, "not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadLine(number, "no text")
    published = record.get("published")
    if published is not None:
        try:
            published = dt.datetime.fromisoformat(str(published).replace("Z", "+00:00"))
        except ValueError:
            raise BadLine(number, f"published is not ISO-8601: {published!r}") from None
        if published.tzinfo is None:
            published = published.replace(tzinfo=dt.UTC)
    doc_id = record.get("id")
    return Document(
        id=str(doc_id) if doc_id is not None else f"line-{number}",
        text=text,
        published=published,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        title=record.get("title") if isinstance(record.get("title"), str) else None,
    )


def _single_document(path: Path) -> Document:
    from eventwire.extract.engine import Document

    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        import trafilatura

        raw = trafilatura.extract(raw) or ""
    return Document(id=path.stem, text=raw)


def _documents(lines: IO[str], bad: list[BadLine]) -> Iterator:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield parse_line(number, line)
        except BadLine as err:
            bad.append(err)
            print(f"eventwire extract: {err}", file=sys.stderr)


def _counted(documents: Iterator, counter: list[int]) -> Iterator:
    for document in documents:
        counter[0] += 1
        if counter[0] % PROGRESS_EVERY == 0:
            print(f"eventwire extract: {counter[0]} documents read", file=sys.stderr)
        yield document


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def run_extract(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except OSError as err:
        print(f"eventwire extract: cannot read or write: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as err:  # the contract: one line on stderr, never a traceback
        print(f"eventwire extract: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_UNUSABLE


def _run(args: argparse.Namespace) -> int:
    from eventwire.extract.parallel import extract_parallel

    bad: list[BadLine] = []
    source = None
    if args.input == "-":
        documents: Iterator = _documents(sys.stdin, bad)
    elif Path(args.input).suffix.lower() in SINGLE_DOCUMENT_SUFFIXES:
        documents = iter([_single_document(Path(args.input))])
    else:
        source = open(args.input, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed below
        documents = _documents(source, bad)
    sink = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    counter = [0]
    mentions = 0
    not_coded: list[NotCoded] = []
    try:
        found = extract_parallel(
            _counted(documents, counter),
            Settings.from_env(),
            processes=args.processes,
            report=lambda note: _report_not_coded(note, not_coded),
        )
        for mention in found:
            sink.write(json.dumps(mention, default=_json_default, ensure_ascii=False) + "\n")
            mentions += 1
    finally:
        if source is not None:
            source.close()
        if sink is not sys.stdout:
            sink.close()
        else:
            sink.flush()
    if counter[0] >= PROGRESS_EVERY:
        print(f"eventwire extract: {counter[0]} documents, {mentions} mentions", file=sys.stderr)
    return EXIT_BAD_LINES if bad or not_coded else EXIT_OK


def _report_not_coded(note: NotCoded, seen: list[NotCoded]) -> None:
    seen.append(note)
    print(f"eventwire extract: document {note.doc_id}: {note.reason}", file=sys.stderr)
