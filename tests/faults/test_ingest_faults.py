"""Faults, ingest side: hostile or unlucky servers, feeds and pages against the real fetcher.

A threaded HTTP server on 127.0.0.1 trickles, stalls, lies about lengths, asks for long waits,
redirects to disguised internal addresses and serves feeds with broken or local links. Whether
the fetcher connects, or opens a local file, is observed with an audit hook (``socket.connect``,
``open``), not by patching anything. Every test bounds its own time.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.ingest.article import PageTooComplex, extract_page
from eventwire.ingest.fetch import Fetcher, FetchError, FetchPolicy
from eventwire.ingest.pipeline import harvest_feed
from eventwire.ingest.registry import FeedConfig
from eventwire.ingest.urls import check_address
from eventwire.interval import Interval

REPO_ROOT = Path(__file__).resolve().parents[2]
INTERVAL = Interval(
    datetime(2017, 11, 2, 9, 0, tzinfo=UTC), datetime(2017, 11, 2, 9, 15, tzinfo=UTC)
)
CAP = 3.0  # the configured per-URL deadline in these tests, seconds
GRACE = 3.0  # "cap + a few seconds": how long a URL may run past its deadline
TRICKLE_EVERY = 2.0  # a trickling server: one byte every 2 s
SAMPLE_PAGE = "pages/meridian-wire/kenya-kisumu-protests-tear-gas.html"
PARAGRAPH = (
    "Security forces fired tear gas at protesters in the city on Tuesday, witnesses said, and "
    "police arrested at least a dozen people after clashes near the main market. "
)
ARTICLE = f"<html><body><article>{'<p>' + PARAGRAPH * 3 + '</p>'}</article></body></html>"
# A page of 9.6 MB of tiny paragraphs, under the 10 MB page cap.
TINY_PARAGRAPHS = ("<html><body>" + "<p>x</p>" * 1_200_000 + "</body></html>").encode()
# Every IPv6 form that carries (or is) a non-global address.
DISGUISED_ADDRESSES = {
    "nat64": "64:ff9b::7f00:1",
    "nat64-local-use": "64:ff9b:1::7f00:1",
    "6to4": "2002:7f00:1::1",
    "ipv4-compatible": "::127.0.0.1",
    "ipv4-translated": "::ffff:0:7f00:1",
    "teredo": "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "site-local": "fec0::1",
    "nat64-metadata": "64:ff9b::a9fe:a9fe",
    "6to4-private": "2002:c0a8:101::1",
}


class _Audit:
    """Records ``socket.connect`` targets and opened paths while ``watching`` is on."""

    def __init__(self) -> None:
        self.watching = False
        self.connects: list[object] = []
        self.opened: list[str] = []
        sys.addaudithook(self._hook)  # hooks cannot be removed: this one is switched off

    def _hook(self, event: str, args: tuple) -> None:
        if not self.watching:
            return
        if event == "socket.connect":
            self.connects.append(args[1])
        elif event == "open" and isinstance(args[0], str | Path):
            self.opened.append(str(args[0]))

    @contextmanager
    def watch(self) -> Iterator[_Audit]:
        self.connects.clear()
        self.opened.clear()
        self.watching = True
        try:
            yield self
        finally:
            self.watching = False


AUDIT = _Audit()


def _trickle(handler: BaseHTTPRequestHandler, length: int | None, pause: float) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/xml")
    if length is not None:  # a Content-Length the server never honours
        handler.send_header("Content-Length", str(length))
    handler.end_headers()
    for _ in range(60):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(pause)


def _stall(handler: BaseHTTPRequestHandler) -> None:
    """A few bytes, then silence longer than the cap but shorter than the read timeout."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/xml")
    handler.send_header("Content-Length", "5000")
    handler.end_headers()
    handler.wfile.write(b"<rss>")
    handler.wfile.flush()
    time.sleep(20)


def _send(handler, body: bytes, status: int = 200, kind: str = "application/xml", **headers):
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


class LoopbackServer:
    """``routes`` maps a path to ``fn(handler)``; ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.routes: dict[str, Callable] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                return

            def do_GET(self) -> None:
                server.hits[self.path] += 1
                route = server.routes.get(self.path)
                try:
                    route(self) if route else self.send_error(404)
                except OSError:
                    return  # the client cut us off: what these tests want

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    @contextmanager
    def running(self) -> Iterator[None]:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        try:
            yield
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()


def _rss(*links: str) -> bytes:
    items = "".join(f"<item><title>Story {n}</title><link>{link}</link></item>" for n, link in
                    enumerate(links))  # fmt: skip
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    ).encode()


def _json_feed(*urls: str) -> bytes:
    items = [{"id": str(n), "url": url, "title": f"Story {n}"} for n, url in enumerate(urls)]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": items}
    return json.dumps(feed).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    base = srv.base
    srv.routes.update(
        {
            "/trickle": lambda h: _trickle(h, None, TRICKLE_EVERY),
            "/trickle-lying-length": lambda h: _trickle(h, 100_000, TRICKLE_EVERY),
            "/stall": _stall,
            "/retry-after-long": lambda h: _send(h, b"busy", 429, "text/plain", Retry_After="10"),
            "/to-nat64-metadata": lambda h: _send(
                h, b"", 302, Location=f"http://[64:ff9b::a9fe:a9fe]:{srv.port}/x"
            ),
            "/to-mapped-metadata": lambda h: _send(
                h, b"", 302, Location="http://[::ffff:169.254.169.254]/latest/meta-data/"
            ),
            "/bad-items.json": lambda h: _send(
                h,
                _json_feed("http://[::1/x", f"{base}/article", "https://[bad/"),
                kind="application/feed+json",
            ),
            "/file-links.xml": lambda h: _send(
                h, _rss(f"file:{SAMPLE_PAGE}", "file:///etc/passwd", f"{base}/article")
            ),
            "/tiny-paragraphs.xml": lambda h: _send(h, _rss(f"{base}/tiny", f"{base}/article")),
            "/three.xml": lambda h: _send(h, _rss(*(f"{base}/article?n={n}" for n in range(3)))),
            "/tiny": lambda h: _send(h, TINY_PARAGRAPHS, kind="text/html"),
            "/article": lambda h: _send(h, ARTICLE.encode(), kind="text/html"),
            **{
                f"/article?n={n}": lambda h: _send(h, ARTICLE.encode(), kind="text/html")
                for n in range(3)
            },
        }
    )
    with srv.running():
        yield srv


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Production defaults except the deadline, shrunk so a test proves the cap in seconds."""
    return Settings(data_root=str(tmp_path / "data"), fetch_deadline_seconds=CAP)


def _policy(settings: Settings, **changes) -> FetchPolicy:
    """The production policy from ``settings``; tests only drop the 1 s per-host spacing."""
    return replace(FetchPolicy.from_settings(settings), min_host_delay=0.0, **changes)


def _harvest(server: LoopbackServer, path: str, settings: Settings, **policy_changes):
    feed = FeedConfig(name="loopback", url=server.base + path, allow_private=True)
    policy = _policy(settings, **policy_changes)
    return harvest_feed(feed, settings, INTERVAL, "run-1", policy=policy)


def _fetch(url: str, settings: Settings, allow_private: bool = True, **policy_changes):
    with Fetcher(
        settings.user_agent, settings.samples_root, _policy(settings, **policy_changes)
    ) as fetcher:
        return fetcher.fetch(url, "feed", allow_private=allow_private)


# Item 2: one wall-clock deadline per URL.


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", ["/trickle", "/trickle-lying-length"])
def test_trickling_server_is_cut_at_the_configured_cap(server, settings, path):
    """One byte every 2 s never trips the 30 s read timeout; the deadline cuts it, once."""
    server.hits[path] = 0
    started = time.monotonic()
    harvest = harvest_feed(
        FeedConfig(name="trickle", url=server.base + path, allow_private=True),
        settings,
        INTERVAL,
        "run-1",
    )
    elapsed = time.monotonic() - started
    assert CAP <= elapsed < CAP + GRACE, elapsed
    assert harvest.counts == {"timeout": 1}
    assert "deadline" in harvest.quarantine[0]["reason"]
    assert server.hits[path] == 1  # the late body is not fetched again


@pytest.mark.timeout(30)
def test_stalled_body_is_cut_at_the_deadline_not_the_read_timeout(server, settings):
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        _fetch(server.base + "/stall", settings, read_timeout=15.0)
    assert time.monotonic() - started < CAP + GRACE
    assert error.value.outcome == "timeout" and "deadline" in error.value.reason


@pytest.mark.timeout(30)
def test_retry_after_beyond_the_time_left_gives_up_at_once(server, settings):
    """Retry-After: 10 with 3 s left cannot succeed: no wait, no second request."""
    server.hits["/retry-after-long"] = 0
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        _fetch(server.base + "/retry-after-long", settings)
    assert time.monotonic() - started < 1.0
    assert error.value.reason == "HTTP 429" and server.hits["/retry-after-long"] == 1


@pytest.mark.timeout(30)
def test_dns_lookup_counts_against_the_deadline(settings):
    def hanging_resolver(host: str, port: int) -> list[str]:
        time.sleep(CAP + 10)
        return ["127.0.0.1"]

    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        _fetch("http://feeds.invalid/feed.xml", settings, resolver=hanging_resolver)
    assert time.monotonic() - started < CAP + 1
    assert error.value.outcome == "dns_error" and "deadline" in error.value.reason


@pytest.mark.timeout(60)
def test_feed_harvest_budget_stops_new_page_fetches(server, settings):
    harvest = _harvest(server, "/three.xml", replace(settings, harvest_budget_seconds=0.0))
    assert harvest.counts["harvest_budget"] == 3 and harvest.articles == []
    assert {row["stage"] for row in harvest.quarantine} == {"fetch"}


@pytest.mark.timeout(120)
def test_every_airflow_task_has_an_execution_timeout_from_the_settings():
    from airflow.dag_processing.dagbag import BundleDagBag

    dags_dir = REPO_ROOT / "dags"
    dagbag = BundleDagBag(dag_folder=str(dags_dir), bundle_path=dags_dir)
    assert dagbag.import_errors == {}
    limits = Settings.from_env()
    tasks = [task for dag in dagbag.dags.values() for task in dag.tasks]
    assert len(tasks) >= 7
    for task in tasks:
        expected = {
            "harvest_feed": limits.harvest_task_timeout(),
            "recode_day": limits.recode_day_timeout(),
        }.get(task.task_id, limits.task_timeout())
        assert task.execution_timeout == expected, (task.dag_id, task.task_id)
    harvest = limits.harvest_task_timeout().total_seconds()
    assert harvest > limits.harvest_budget_seconds + limits.fetch_deadline_seconds


# Item 4: SSRF through IPv6 forms that embed IPv4.


@pytest.mark.timeout(30)
@pytest.mark.parametrize("address", DISGUISED_ADDRESSES.values(), ids=DISGUISED_ADDRESSES.keys())
def test_disguised_internal_address_is_refused_before_any_connection(settings, address):
    with AUDIT.watch() as audit, pytest.raises(FetchError) as error:
        _fetch(f"http://[{address}]:8080/feed.xml", settings, allow_private=False)
    assert error.value.outcome == "refused"
    assert audit.connects == []


@pytest.mark.timeout(30)
@pytest.mark.parametrize("address", DISGUISED_ADDRESSES.values(), ids=DISGUISED_ADDRESSES.keys())
def test_host_name_resolving_to_a_disguised_address_is_refused(server, settings, address):
    """The listening loopback server never sees a connection either."""
    hits = sum(server.hits.values())
    with AUDIT.watch() as audit, pytest.raises(FetchError) as error:
        _fetch(
            f"http://news.invalid:{server.port}/article",
            settings,
            allow_private=False,
            resolver=lambda host, port: [address],
        )
    assert error.value.outcome == "refused"
    assert audit.connects == [] and sum(server.hits.values()) == hits


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", ["/to-nat64-metadata", "/to-mapped-metadata"])
def test_redirect_to_disguised_metadata_address_is_refused(server, settings, path):
    """Even a feed that allows private addresses never reaches a metadata endpoint."""
    with AUDIT.watch() as audit, pytest.raises(FetchError) as error:
        _fetch(server.base + path, settings)
    assert error.value.outcome == "refused" and "metadata" in error.value.reason
    assert [target[1] for target in audit.connects] == [server.port]  # the first hop only


@pytest.mark.timeout(10)
@pytest.mark.parametrize("address", ["2606:4700:4700::1111", "64:ff9b::808:808", "8.8.8.8"])
def test_public_addresses_still_pass_the_guard(address):
    """NAT64 of a public IPv4 is as public as the IPv4 itself: the guard refuses no more."""
    check_address(f"http://[{address}]/", address, allow_private=False)


# Item 5: one bad entry, and file: links in an http(s) feed.


@pytest.mark.timeout(60)
def test_json_feed_keeps_good_items_when_one_url_is_invalid(server, settings):
    harvest = _harvest(server, "/bad-items.json", settings)
    assert [row["url"] for row in harvest.articles] == [server.base + "/article"]
    assert harvest.counts["bad_entry"] == 2 and harvest.counts["entries"] == 1
    reasons = [row["reason"] for row in harvest.quarantine]
    assert all("not a valid URL" in reason for reason in reasons), reasons


@pytest.mark.timeout(60)
def test_http_feed_cannot_make_the_pipeline_read_local_files(server, settings):
    with AUDIT.watch() as audit:
        harvest = _harvest(server, "/file-links.xml", settings)
    assert [row["url"] for row in harvest.articles] == [server.base + "/article"]
    assert harvest.counts["bad_entry"] == 2
    assert all("file:" in row["reason"] for row in harvest.quarantine)
    assert not [path for path in audit.opened if "meridian-wire" in path or path == "/etc/passwd"]


@pytest.mark.timeout(30)
def test_fetcher_refuses_file_urls_unless_allowed(settings):
    with (
        Fetcher(settings.user_agent, settings.samples_root, _policy(settings)) as fetcher,
        pytest.raises(FetchError) as error,
    ):
        fetcher.fetch(f"file:{SAMPLE_PAGE}", "page")
    assert error.value.outcome == "refused"
    with Fetcher(settings.user_agent, settings.samples_root, _policy(settings)) as fetcher:
        assert fetcher.fetch(f"file:{SAMPLE_PAGE}", "page", allow_file=True).status == 200


# Item 6: a page of 9.6 MB of tiny paragraphs.


@pytest.mark.timeout(60)
def test_page_of_tiny_paragraphs_is_quarantined_as_too_complex(server, settings):
    started = time.monotonic()
    harvest = _harvest(server, "/tiny-paragraphs.xml", settings)
    assert time.monotonic() - started < 10
    assert [row["url"] for row in harvest.articles] == [server.base + "/article"]
    (row,) = harvest.quarantine
    assert row["stage"] == "article" and row["reason"].startswith("too_complex: more than 20000")
    assert len(row["payload"].encode()) <= 64 * 1024


@pytest.mark.timeout(60)
def test_too_complex_check_is_quick_and_small():
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(PageTooComplex):
            extract_page(TINY_PARAGRAPHS, "https://news.example/tiny")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 4 * len(TINY_PARAGRAPHS)  # the decoded text and little else, never a tree


@pytest.mark.timeout(60)
def test_element_cap_comes_from_the_settings(server, settings):
    strict = Settings.from_env({"EVENTWIRE_PAGE_MAX_ELEMENTS": "3"})
    harvest = _harvest(
        server, "/three.xml", replace(settings, page_max_elements=strict.page_max_elements)
    )
    assert harvest.counts["too_complex"] == 3 and harvest.articles == []
