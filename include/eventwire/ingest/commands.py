"""``eventwire parse-feed`` and ``eventwire article``: the ingest steps on one feed or page.

Other tools call these, so the contract is fixed: the output is machine-readable (JSON Lines /
one JSON object) and a failure is exit status 2 with one line on stderr, never a traceback,
whatever the bytes. A plain local path is allowed here (it is the user's own file);
``file:`` URLs stay confined to the samples root as in the pipeline.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.config import Settings

if TYPE_CHECKING:
    from eventwire.ingest.fetch import FetchResult

EXIT_UNUSABLE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    # Both commands read one feed or page the same way; only what they print differs.
    for name, handler, summary, description in (
        (
            "parse-feed",
            run_parse_feed,
            "print a feed's normalised entries as JSON Lines",
            "Fetch or read a feed (RSS, Atom, JSON Feed) and print its entries.",
        ),
        (
            "article",
            run_article,
            "print one page's article text and metadata as JSON",
            "Fetch or read an article page and print its body, title, date, language.",
        ),
    ):
        command = subparsers.add_parser(name, help=summary, description=description)
        command.add_argument("source", metavar="PATH_OR_URL")
        command.add_argument(
            "--allow-private",
            action="store_true",
            help="allow http(s) hosts on loopback/private addresses (off: SSRF guard)",
        )
        command.set_defaults(handler=_guarded(handler))


def _guarded(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Run a handler so that no input can end the command in a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except Exception as error:  # the contract: one line and exit 2, never a traceback
            return _fail(f"internal error: {type(error).__name__}: {error}")

    return run


def _fail(reason: str) -> int:
    print(f"error: {' '.join(reason.split())}", file=sys.stderr)
    return EXIT_UNUSABLE


def _fetch(source: str, kind: str, allow_private: bool) -> FetchResult:
    from eventwire.ingest.fetch import Fetcher, FetchPolicy

    settings = Settings.from_env()
    policy = FetchPolicy.from_settings(settings)
    with Fetcher(settings.user_agent, settings.samples_root, policy) as fetcher:
        return fetcher.fetch(source, kind, allow_private, local_paths=True)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def run_parse_feed(args: argparse.Namespace) -> int:
    from eventwire.ingest.feeds import FeedRefused, parse_feed
    from eventwire.ingest.fetch import FetchError

    try:
        response = _fetch(args.source, "feed", args.allow_private)
        parsed = parse_feed(response.content, response.final_url, response.charset)
    except FetchError as error:
        return _fail(f"{error.outcome}: {error.reason}")
    except FeedRefused as error:
        return _fail(f"{error.outcome}: {error.reason}")
    for entry in parsed.entries:
        record = {
            "url": entry.url,
            "canonical_url": entry.canonical_url,
            "title": entry.title,
            "summary": entry.summary,
            "published": _iso(entry.published),
            "feed_title": parsed.feed_title,
            "bozo": parsed.bozo,
            "bozo_reason": parsed.bozo_reason,
        }
        print(json.dumps(record, ensure_ascii=False))
    return 0


def run_article(args: argparse.Namespace) -> int:
    from eventwire.ingest.article import NoArticleText, PageTooComplex, extract_page
    from eventwire.ingest.fetch import FetchError
    from eventwire.ingest.language import detect_language
    from eventwire.ingest.urls import article_id, canonical_url, url_scheme

    try:
        response = _fetch(args.source, "page", args.allow_private)
        page = extract_page(response.content, args.source, response.content_type,
                            response.charset)  # fmt: skip
    except FetchError as error:
        return _fail(f"{error.outcome}: {error.reason}")
    except PageTooComplex as error:
        return _fail(f"too_complex: {error.reason}")
    except NoArticleText as error:
        return _fail(f"no_article_text: {error.reason}")
    source = args.source
    if url_scheme(source) == "":
        source = Path(source).resolve().as_uri()
    canonical = canonical_url(source)
    record = {
        "title": page.title,
        "text": page.text,
        "published": _iso(page.published),
        "language": detect_language(page.text),
        "canonical_url": canonical,
        "article_id": article_id(canonical),
    }
    print(json.dumps(record, ensure_ascii=False))
    return 0
