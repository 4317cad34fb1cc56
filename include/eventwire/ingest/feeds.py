"""Feed bytes to normalised entries: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed here.

XML is screened before feedparser sees it. feedparser's parsers do not guard against entity
expansion, so any DTD entity declaration (the carrier of both XXE and "billion laughs") is
refused outright, and defusedxml parses the document with entities and external references
forbidden as a second line. A feed that is merely malformed is *not* refused: feedparser's
lenient parser still yields its good entries, and the feed is reported ``bozo`` with a reason.
One unusable entry (no link, a link that is no valid URL) is a ``BadEntry``, never the loss of
the feed; an http(s) feed may not link to ``file:`` URLs, which only the bundled sample feeds
use. Dates come out timezone-aware in UTC.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as StdElementTree
from calendar import timegm
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from urllib.parse import urljoin

import defusedxml
import defusedxml.ElementTree
import feedparser

from eventwire.ingest.fetch import sniff_media_type
from eventwire.ingest.text import html_to_text
from eventwire.ingest.urls import ALLOWED_SCHEMES, canonical_url, url_scheme

# "<!ENTITY" in any case, with NUL bytes dropped first so UTF-16/32 payloads are caught too.
ENTITY_DECLARATION = re.compile(rb"<!\s*entity", re.IGNORECASE)
JSON_FEED_VERSION = "jsonfeed.org/version/"
MAX_BOZO_REASON_CHARS = 300
REMOTE_SCHEMES = frozenset({"http", "https"})
# What hostile values in one entry can raise while it is normalised: that entry alone is bad.
ENTRY_ERRORS = (ValueError, TypeError, AttributeError, LookupError)


class FeedRefused(Exception):
    """The bytes are no usable feed; ``outcome`` is the count key, ``reason`` one line."""

    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(f"{outcome}: {reason}")
        self.outcome = outcome
        self.reason = reason


@dataclass
class FeedEntry:
    url: str
    canonical_url: str
    title: str | None
    summary: str | None
    published: datetime | None
    author: str | None


@dataclass
class BadEntry:
    """An entry that could not be used, with the reason and its raw text for the quarantine."""

    reason: str
    payload: str


@dataclass
class ParsedFeed:
    feed_title: str | None
    entries: list[FeedEntry]
    bozo: bool = False
    bozo_reason: str | None = None
    bad_entries: list[BadEntry] = field(default_factory=list)


# Reads one entry of a feed format (raw entry, base URL, remote): the entry, or the reason not.
EntryMaker = Callable[[dict, str, bool], tuple[FeedEntry | None, str]]


def screen_xml(content: bytes) -> bool:
    """Refuse entity declarations; return True when the XML is well-formed."""
    if ENTITY_DECLARATION.search(content.replace(b"\x00", b"")):
        raise FeedRefused("unsafe_xml", "XML declares DTD entities (XXE/entity expansion guard)")
    try:
        defusedxml.ElementTree.fromstring(
            content, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as error:
        raise FeedRefused("unsafe_xml", f"XML refused by defusedxml ({error})") from error
    except (StdElementTree.ParseError, ValueError, UnicodeError, LookupError):
        return False
    return True


def parse_feed(content: bytes, base_url: str = "", charset: str | None = None) -> ParsedFeed:
    """Normalised entries of a feed; raises ``FeedRefused`` when the bytes are no feed."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise FeedRefused("empty", "the feed body is empty")
    remote = url_scheme(base_url) in REMOTE_SCHEMES
    if head.startswith(b"{"):
        return _parse_json_feed(content, base_url, remote)
    if sniff_media_type(head) == "text/html":
        raise FeedRefused("not_a_feed", "the document is an HTML page, not a feed")
    well_formed = screen_xml(content)
    # ``file:`` links in the samples are relative to the samples root, not to the feed file.
    base_url = "" if url_scheme(base_url) == "file" else base_url
    headers = {"content-location": base_url} if base_url else {}
    # The fetcher has already checked the media type; feedparser would call a missing or
    # generic one "bozo", so it sees XML with the declared charset.
    headers["content-type"] = "application/xml" + (f"; charset={charset}" if charset else "")
    # A BytesIO, never raw bytes or str: feedparser opens a str or bytes that names a file or a
    # URL itself, which would let a feed body make it read local files.
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers, sanitize_html=True)
    bozo = bool(parsed.get("bozo")) or not well_formed
    bozo_reason = _bozo_reason(parsed) if bozo else None
    if not parsed.entries and bozo:
        raise FeedRefused("unparseable", bozo_reason or "not well-formed XML")
    if not parsed.entries and not parsed.get("version"):
        raise FeedRefused("not_a_feed", "the document is not an RSS, Atom or JSON feed")
    feed_title = _clean(parsed.feed.get("title"))
    result = ParsedFeed(feed_title, [], bozo, bozo_reason)
    for raw in parsed.entries:
        _add_entry(result, _feedparser_entry, raw, base_url, remote)
    return result


def _bozo_reason(parsed: feedparser.FeedParserDict) -> str:
    error = parsed.get("bozo_exception")
    if error is None:
        return "not well-formed XML"
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return text[:MAX_BOZO_REASON_CHARS]


def _feedparser_entry(raw: dict, base_url: str, remote: bool) -> tuple[FeedEntry | None, str]:
    link = raw.get("link") or next(
        (item.get("href") for item in raw.get("links", []) if item.get("href")), None
    )
    published = _struct_to_utc(raw.get("published_parsed") or raw.get("updated_parsed"))
    summary = raw.get("summary") or next(
        (item.get("value") for item in raw.get("content", []) if item.get("value")), None
    )
    author = raw.get("author")
    return _entry(link, raw.get("title"), summary, published, author, base_url, remote)


def _entry(
    link: object,
    title: object,
    summary: object,
    published: datetime | None,
    author: object,
    base_url: str,
    remote: bool,
) -> tuple[FeedEntry | None, str]:
    """One normalised entry, or None and why; ``remote`` is True for an http(s) feed."""
    if not isinstance(link, str) or not link.strip():
        return None, "entry has no link"
    try:
        url = urljoin(base_url, link.strip()) if base_url and ":" not in link else link.strip()
        scheme = url_scheme(url)
        canonical = canonical_url(url)
    except ValueError as error:
        return None, f"entry link is not a valid URL ({error})"
    if scheme not in ALLOWED_SCHEMES:
        return None, f"entry link scheme {scheme!r} is not allowed"
    if remote and scheme == "file":
        return None, "an http(s) feed may not link to a local file: URL"
    summary_text = html_to_text(summary) if isinstance(summary, str) else None
    return (
        FeedEntry(url, canonical, _clean(title), summary_text or None, published, _clean(author)),
        "",
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = html_to_text(value)
    return text or None


def _struct_to_utc(value: struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` values are UTC ``struct_time``s."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _add_entry(
    result: ParsedFeed, make: EntryMaker, raw: dict, base_url: str, remote: bool
) -> None:
    """Keep the entry ``make`` reads from ``raw``, or keep ``raw`` as a bad entry with the
    reason: an entry that cannot be read costs that entry, never the feed."""
    try:
        entry, problem = make(raw, base_url, remote)
    except ENTRY_ERRORS as error:
        entry, problem = None, f"entry is unusable ({type(error).__name__}: {error})"
    if entry is not None:
        result.entries.append(entry)
    else:
        result.bad_entries.append(BadEntry(problem, _entry_payload(raw)))


def _entry_payload(raw: dict) -> str:
    return json.dumps(raw, default=str, ensure_ascii=False, sort_keys=True)


def _parse_json_feed(content: bytes, base_url: str, remote: bool) -> ParsedFeed:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FeedRefused("unparseable", f"invalid JSON ({error})") from error
    if not isinstance(document, dict) or JSON_FEED_VERSION not in str(document.get("version")):
        raise FeedRefused("not_a_feed", "JSON without a jsonfeed.org version")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedRefused("unparseable", "JSON Feed without an items list")
    home = document.get("home_page_url") or document.get("feed_url")
    base = base_url or (home if isinstance(home, str) else "")
    result = ParsedFeed(_clean(document.get("title")), [])
    for item in items:
        if not isinstance(item, dict):
            result.bad_entries.append(BadEntry("JSON Feed item is not an object", str(item)))
            continue
        _add_entry(result, _json_feed_entry, item, base, remote)
    return result


def _json_feed_entry(item: dict, base: str, remote: bool) -> tuple[FeedEntry | None, str]:
    summary = item.get("summary") or item.get("content_text") or item.get("content_html")
    return _entry(
        item.get("url") or item.get("external_url"),
        item.get("title"),
        summary,
        _iso_to_utc(item.get("date_published") or item.get("date_modified")),
        _json_author(item),
        base,
        remote,
    )


def _json_author(item: dict) -> str | None:
    authors = item.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return authors[0].get("name")
    author = item.get("author")
    return author.get("name") if isinstance(author, dict) else None


def _iso_to_utc(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
