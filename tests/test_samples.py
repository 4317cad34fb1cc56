"""The bundled sample corpus is what the ingest and end-to-end tests assume it is.

The corpus (``include/samples``) is hand-written data, and ``tests/data/sample_expectations.yaml``
and ``tests/data/sample_bodies`` describe it. These tests keep the three in step: a page edited
without its expected body, a feed entry added without updating the counts, or a link that stops
resolving fails here instead of as a puzzling score drop in the extraction tests.
"""

from __future__ import annotations

import re
from calendar import timegm
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import defusedxml.ElementTree as DefusedET
import feedparser
import py3langid
import pytest
import yaml

from eventwire.schema import PLOVER_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "include" / "samples"
FEEDS_FILE = REPO_ROOT / "include" / "feeds.yaml"
EXPECTATIONS = REPO_ROOT / "tests" / "data" / "sample_expectations.yaml"
BODIES = REPO_ROOT / "tests" / "data" / "sample_bodies"
SEED_FILE = "seed/000_04c10d08328eaf7d.txt"

FEED_FIELDS = {
    "name": str,
    "url": str,
    "enabled": bool,
    "language": str,
    "poll_interval_minutes": int,
    "max_items": int,
    "allow_private": bool,
}
# Root element of each declared format, as defusedxml reports it.
FORMAT_ROOTS = {
    "rss20": "rss",
    "atom10": "{http://www.w3.org/2005/Atom}feed",
    "rss10": "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF",
}
# Dates in the raw feeds must carry a zone: RFC 822 ("+0200", "GMT") or RFC 3339 ("+02:00", "Z").
ZONED_DATE = re.compile(r"([+-]\d{4}|GMT|UT|[+-]\d{2}:\d{2}|Z)$")
DATE_TAGS = (
    "pubDate",
    "{http://www.w3.org/2005/Atom}published",
    "{http://purl.org/dc/elements/1.1/}date",
)
CORPUS_START = datetime(2017, 10, 29, tzinfo=UTC)
# The body-length range the corpus was written to; the seed page keeps the original's length.
BODY_WORDS = (200, 700)
# Shingle Jaccard that separates "same wire story, a few words edited" from unrelated stories.
NEAR_DUPLICATE_JACCARD = 0.6


class _BlockText(HTMLParser):
    """Text of each <p>/<div> that has no block child, the lines a naive extractor would see."""

    BLOCKS = frozenset({"p", "div"})
    SKIP = frozenset({"script", "style", "noscript", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.all_text: list[str] = []
        self._stack: list[list[str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self._stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip -= 1
        elif tag in self.BLOCKS and self._stack:
            text = "".join(self._stack.pop()).strip()
            if text:
                self.blocks.append(text)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.all_text.append(data)
        if self._stack:
            self._stack[-1].append(data)


def _blocks(path: Path) -> _BlockText:
    parser = _BlockText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _local_path(link: str) -> Path:
    return SAMPLES / urlsplit(link.removeprefix("file:")).path


def _shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.lower())
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


@pytest.fixture(scope="module")
def expectations() -> dict:
    return yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return yaml.safe_load(FEEDS_FILE.read_text(encoding="utf-8"))["feeds"]


@pytest.fixture(scope="module")
def parsed(registry) -> dict[str, feedparser.FeedParserDict]:
    return {
        feed["name"]: feedparser.parse(_local_path(feed["url"]).read_bytes()) for feed in registry
    }


@pytest.fixture(scope="module")
def links(parsed) -> dict[str, list[str]]:
    return {name: [entry.link for entry in feed.entries] for name, feed in parsed.items()}


def test_feed_registry_has_the_agreed_fields(registry):
    names = [feed["name"] for feed in registry]
    assert len(names) == len(set(names))
    for feed in registry:
        assert set(feed) == set(FEED_FIELDS), feed["name"]
        for field, kind in FEED_FIELDS.items():
            assert isinstance(feed[field], kind), (feed["name"], field)
        assert re.fullmatch(r"[a-z0-9-]+", feed["name"])
        assert feed["url"].startswith(("file:", "https://", "http://"))
        assert feed["poll_interval_minutes"] > 0
        assert feed["max_items"] > 0


def test_feeds_are_well_formed_xml_of_their_declared_format(registry, parsed, expectations):
    declared = expectations["feeds"]
    assert {feed["name"] for feed in registry} == set(declared)
    assert {spec["format"] for spec in declared.values()} == set(FORMAT_ROOTS)
    for feed in registry:
        spec = declared[feed["name"]]
        path = _local_path(feed["url"])
        assert feed["url"] == f"file:{spec['file']}"
        root = DefusedET.parse(path).getroot()
        assert root.tag == FORMAT_ROOTS[spec["format"]], feed["name"]
        result = parsed[feed["name"]]
        assert not result.bozo, (feed["name"], result.get("bozo_exception"))
        assert result.version == spec["format"]
        for element in root.iter():
            if element.tag in DATE_TAGS:
                assert ZONED_DATE.search(element.text.strip()), (feed["name"], element.text)


def test_feed_and_entry_counts_match_the_expectations(parsed, expectations):
    assert len(parsed) == expectations["feed_count"] >= 3
    for name, feed in parsed.items():
        assert len(feed.entries) == expectations["feeds"][name]["entries"], name
    total = sum(len(feed.entries) for feed in parsed.values())
    assert total == expectations["entry_count"] >= 24


def test_entries_are_published_before_the_demo_interval_ends(parsed, expectations):
    end = datetime.fromisoformat(expectations["demo_interval"][1])
    for name, feed in parsed.items():
        for entry in feed.entries:
            # feedparser files RSS 1.0's dc:date under "updated", the others under "published".
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            assert stamp, (name, entry.link)
            when = datetime.fromtimestamp(timegm(stamp), UTC)
            assert CORPUS_START <= when < end, (name, entry.link, when)


def test_every_link_resolves_except_the_deliberately_missing_page(links, expectations):
    missing = [link for feed in links.values() for link in feed if not _local_path(link).is_file()]
    assert missing == [expectations["missing_page"]]


def test_the_page_list_covers_every_page_file(expectations):
    on_disk = {
        f"file:{path.relative_to(SAMPLES).as_posix()}" for path in SAMPLES.glob("pages/*/*.html")
    }
    assert set(expectations["pages"]) == on_disk
    assert len(on_disk) >= 22


def test_every_english_page_has_an_expected_body_of_its_own_paragraphs(expectations):
    broken = expectations["broken_page"]
    english = {
        url: page
        for url, page in expectations["pages"].items()
        if page["language"] == "en" and url != broken
    }
    assert {Path(page["body"]).stem for page in english.values()} == {
        path.stem for path in BODIES.glob("*.txt")
    }
    for url, page in english.items():
        lines = (REPO_ROOT / page["body"]).read_text(encoding="utf-8").splitlines()
        paragraphs = _blocks(_local_path(url)).blocks
        assert all(line in paragraphs for line in lines), url
        words = sum(len(line.split()) for line in lines)
        assert words == page["body_words"], url
        if page.get("role") != "seed":
            assert BODY_WORDS[0] <= words <= BODY_WORDS[1], (url, words)


def test_declared_languages_agree_with_a_language_detector(expectations):
    for url, page in expectations["pages"].items():
        if url == expectations["broken_page"]:
            continue
        text = " ".join(_blocks(_local_path(url)).blocks)
        assert py3langid.classify(text)[0] == page["language"], url
    assert expectations["non_english_page"]["language"] != "en"


def test_pages_declare_their_feed_date_and_plover_types(expectations):
    published = re.compile(r'<meta property="article:published_time" content="([^"]+)">')
    end = datetime.fromisoformat(expectations["demo_interval"][1])
    for url, page in expectations["pages"].items():
        assert set(page["events"]) <= set(PLOVER_TYPES), url
        when = datetime.fromisoformat(page["published"])
        assert CORPUS_START <= when < end, url
        if url == expectations["broken_page"]:
            continue
        match = published.search(_local_path(url).read_text(encoding="utf-8"))
        assert match and datetime.fromisoformat(match.group(1)) == when, url
    typed = [page for page in expectations["pages"].values() if page["events"]]
    untyped = [page for page in expectations["pages"].values() if not page["events"]]
    assert len(typed) >= 20 and len(untyped) >= 3


def test_duplicate_pair_differs_only_by_tracking_parameters(links, expectations):
    first, second = expectations["duplicate_pair"]
    feeds_listing = [
        {name for name, feed in links.items() if url in feed} for url in (first, second)
    ]
    assert all(len(names) == 1 for names in feeds_listing)
    assert feeds_listing[0] != feeds_listing[1]
    a, b = urlsplit(first), urlsplit(second)
    assert (a.scheme, a.path) == (b.scheme, b.path)
    params = dict(parse_qsl(a.query)) | dict(parse_qsl(b.query))
    assert params and all(key.startswith("utm_") for key in params)


def test_near_duplicate_pair_is_close_but_not_identical(links, expectations):
    first, second = expectations["near_duplicate_pair"]
    listed = {link for feed in links.values() for link in feed}
    assert {first, second} <= listed
    pages = [expectations["pages"][url] for url in (first, second)]
    assert pages[0]["outlet"] != pages[1]["outlet"]
    assert pages[0]["title"] != pages[1]["title"]
    bodies = [(REPO_ROOT / page["body"]).read_text(encoding="utf-8") for page in pages]
    assert bodies[0] != bodies[1]
    a, b = (_shingles(body) for body in bodies)
    assert len(a & b) / len(a | b) >= NEAR_DUPLICATE_JACCARD


def test_broken_page_has_no_text_and_its_entry_no_summary(parsed, expectations):
    broken = expectations["broken_page"]
    entries = [entry for feed in parsed.values() for entry in feed.entries if entry.link == broken]
    assert len(entries) == 1
    assert not entries[0].get("summary")
    assert "".join(_blocks(_local_path(broken)).all_text).strip() == ""


def test_seed_page_body_ends_where_the_original_junk_begins(expectations):
    seed = expectations["seed_page"]
    page = expectations["pages"][seed["url"]]
    lines = (REPO_ROOT / page["body"]).read_text(encoding="utf-8").splitlines()
    assert lines[-1].endswith(seed["last_body_sentence"])
    blocks = _blocks(_local_path(seed["url"])).blocks
    assert blocks[blocks.index(lines[-1]) + 1] == seed["first_junk_line"]


def test_seed_page_keeps_the_seed_text_and_its_junk_verbatim(shared_dir, expectations):
    seed = expectations["seed_page"]
    original = (shared_dir / SEED_FILE).read_text(encoding="utf-8").splitlines()
    blocks = _blocks(_local_path(seed["url"])).blocks
    assert [line for line in original if line not in blocks] == []
    body = (REPO_ROOT / expectations["pages"][seed["url"]]["body"]).read_text(encoding="utf-8")
    assert body.splitlines() == original[: original.index(seed["first_junk_line"])]
