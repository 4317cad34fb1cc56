"""Ingest against a real HTTP server on 127.0.0.1: feeds, polite fetching, limits and attacks.

One threaded ``http.server`` per module serves every case: feeds, politeness, size and time
limits, attacks. Timeouts and backoff are shrunk through ``FetchPolicy`` so the module runs in
a few seconds.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventwire import schema
from eventwire.config import Settings
from eventwire.fs import DataRoot
from eventwire.ingest.fetch import Fetcher, FetchError, FetchPolicy
from eventwire.ingest.pipeline import harvest_feed
from eventwire.ingest.registry import FeedConfig
from eventwire.interval import Interval

INTERVAL = Interval(
    datetime(2017, 11, 2, 9, 0, tzinfo=UTC), datetime(2017, 11, 2, 9, 15, tzinfo=UTC)
)
NEXT_INTERVAL = Interval(INTERVAL.end, datetime(2017, 11, 2, 9, 30, tzinfo=UTC))
FAST = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=0.5,
    total_timeout=5.0,
    max_retries=2,
    backoff_base=0.05,
    backoff_cap=0.2,
    max_retry_after=2.0,
    per_host_concurrency=4,
    min_host_delay=0.0,
)
USER_AGENT = "eventwire-test/1.0 (+loopback)"
# A bomb or an entity expansion refused at its cap ends in well under a second; expanded whole,
# it would run for minutes. The bound tells the two apart even on a busy machine.
EXPANSION_BOUND_S = 30

BODY = (
    "Government forces and rebels clashed for a second day near the town of {town} on Tuesday, "
    "officials said, and at least {dead} people were killed in the fighting. A spokesman for the "
    "army said troops had retaken two villages and were pressing towards the river crossing, "
    "while rebel commanders said their fighters had repelled several assaults overnight."
)
PARAGRAPHS = [
    BODY.format(town=town, dead=dead)
    for town, dead in (("Abu Kamal", 12), ("Rawa", 7), ("Hawija", 4), ("Annah", 9))
]
BOILERPLATE = [
    "Subscribe to our newsletter for the best stories every morning",
    "We use cookies to improve your experience. Accept all cookies",
    "Copyright 2017 Example News Group. All rights reserved.",
    "Most popular: Celebrity chef opens new restaurant",
    "Share this article on Facebook",
]


def _page(title: str) -> bytes:
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
    related = "".join(
        f'<li><a href="/story/{i}">Related story number {i}</a></li>' for i in range(25)
    )
    body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return f"""<!DOCTYPE html><html><head><title>{title}</title>
<meta property="article:published_time" content="2017-11-01T10:30:00+02:00"></head><body>
<div class="cookie-banner">{BOILERPLATE[1]}</div>
<header><nav><ul>{nav}</ul></nav><div class="newsletter">{BOILERPLATE[0]}</div></header>
<main><article><h1>{title}</h1><div class="share">{BOILERPLATE[4]}</div>{body}</article>
<aside><h3>{BOILERPLATE[3]}</h3><ul>{related}</ul></aside></main>
<section class="comments"><h3>Comments</h3><p>Great article, thanks!</p></section>
<footer><p>{BOILERPLATE[2]}</p><ul>{nav}</ul></footer></body></html>""".encode()


def _rss20(base: str) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}/pages/story-{i}.html?utm_source=rss</link>"
        f"<description>Summary {i}</description>"
        f"<pubDate>Wed, 01 Nov 2017 1{i}:00:00 +0300</pubDate></item>"
        for i in range(3)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Loopback'
        f"</title><link>{base}/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def _rss091(base: str) -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        f"<title>Old</title><link>{base}/</link><description>d</description><language>en</language>"
        f"<item><title>Old story</title><link>{base}/pages/old.html</link>"
        "<description>An old-style item</description></item></channel></rss>"
    ).encode()


def _rss10(base: str) -> bytes:
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{base}/"><title>RDF</title><link>{base}/</link><description>d'
        f'</description></channel><item rdf:about="{base}/pages/rdf.html"><title>RDF story</title>'
        f"<link>{base}/pages/rdf.html</link><dc:date>2017-11-01T08:00:00-05:00</dc:date></item>"
        "</rdf:RDF>"
    ).encode()


def _atom(base: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom</title><id>{base}/</id><updated>2017-11-01T10:00:00Z</updated>"
        f'<entry><title>Atom story</title><link href="{base}/pages/atom.html"/><id>a1</id>'
        "<updated>2017-11-01T10:00:00+01:00</updated><summary>Atom summary</summary></entry>"
        "</feed>"
    ).encode()


def _json_feed(base: str) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON",
            "items": [
                {
                    "id": "1",
                    "url": f"{base}/pages/json.html",
                    "title": "JSON story",
                    "content_text": "JSON summary",
                    "date_published": "2017-11-01T12:00:00+02:00",
                },
                {"id": "2", "title": "no link"},
            ],
        }
    ).encode()


def _malformed(base: str) -> bytes:
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title>'
        b"<item><title>Good one</title><link>http://127.0.0.1/pages/good.html</link></item>"
        b"<item><title>Bad & unescaped <b>markup</title><link>http://127.0.0.1/pages/bad.html</link>"
        b"</item></channel>"
    ).replace(b"http://127.0.0.1", base.encode())


def _cp1252(base: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Côte d’Ivoire '
        "news</title><item><title>Troops deploy in Côte d’Ivoire – officials</title>"
        f"<link>{base}/pages/ci.html</link></item></channel></rss>"
    ).encode("cp1252")


def _xxe(base: str) -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        f'<!ENTITY remote SYSTEM "{base}/xxe-target">]><rss version="2.0"><channel>'
        "<title>&xxe;&remote;</title><item><title>&xxe;</title>"
        f"<link>{base}/pages/x.html</link></item></channel></rss>"
    ).encode()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + ']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
).encode()
GZIP_BOMB = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024), compresslevel=9)


class Server:
    """Route table plus request log; handlers are ``fn(handler) -> None``."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict]] = {}
        self.pages_in_flight = 0
        self.max_pages_in_flight = 0
        self.lock = threading.Lock()
        self.routes: dict[str, Callable] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                return

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with server.lock:
                    server.hits[path] += 1
                    server.headers.setdefault(path, []).append(dict(self.headers))
                try:
                    route = server.routes.get(path)
                    if route is None and path.startswith("/pages/"):
                        route = server.routes["/pages/*"]
                    if route is None:
                        self.send_error(404)
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def send(handler, body: bytes, status: int = 200, content_type: str = "application/xml",
         headers: dict | None = None, length: bool = True) -> None:  # fmt: skip
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    srv = Server()
    base = srv.base

    def first_then(path: str, failure: Callable, success: Callable) -> Callable:
        def route(handler) -> None:
            (failure if srv.hits[path] == 1 else success)(handler)

        return route

    def etag(handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            send(handler, b"", 304, headers={"ETag": '"v1"'}, length=False)
        else:
            send(handler, _rss20(base), headers={"ETag": '"v1"'})

    def slow(handler) -> None:
        time.sleep(1.5)
        send(handler, _rss20(base))

    def streamed_big(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        for _ in range(40):
            handler.wfile.write(b" " * 16384)

    def hop(handler) -> None:
        number = int(handler.path.removeprefix("/hop-"))
        send(handler, b"", 301, headers={"Location": f"/hop-{number + 1}"})

    def concurrency_page(handler) -> None:
        with srv.lock:
            srv.pages_in_flight += 1
            srv.max_pages_in_flight = max(srv.max_pages_in_flight, srv.pages_in_flight)
        time.sleep(0.1)
        with srv.lock:
            srv.pages_in_flight -= 1
        send(handler, _page("Fighting near the river"), content_type="text/html; charset=utf-8")

    srv.routes.update(
        {
            "/rss20.xml": lambda h: send(h, _rss20(base), content_type="application/rss+xml"),
            "/rss091.xml": lambda h: send(h, _rss091(base), content_type="text/xml"),
            "/rss10.rdf": lambda h: send(h, _rss10(base), content_type="application/rdf+xml"),
            "/atom.xml": lambda h: send(h, _atom(base), content_type="application/atom+xml"),
            "/feed.json": lambda h: send(h, _json_feed(base), content_type="application/feed+json"),
            "/etag.xml": etag,
            "/retry-after.xml": first_then(
                "/retry-after.xml",
                lambda h: send(h, b"slow down", 429, "text/plain", {"Retry-After": "1"}),
                lambda h: send(h, _rss20(base)),
            ),
            "/flaky.xml": first_then(
                "/flaky.xml",
                lambda h: send(h, b"oops", 500, "text/plain"),
                lambda h: send(h, _rss20(base)),
            ),
            "/always-500.xml": lambda h: send(h, b"down", 503, "text/plain"),
            "/slow.xml": slow,
            "/big-declared.xml": lambda h: send(h, b" " * 300_000),
            "/big-streamed.xml": streamed_big,
            "/bomb.xml": lambda h: send(h, GZIP_BOMB, headers={"Content-Encoding": "gzip"}),
            "/gzip.xml": lambda h: send(
                h, gzip.compress(_rss20(base)), headers={"Content-Encoding": "gzip"}
            ),
            "/loop-a": lambda h: send(h, b"", 302, headers={"Location": "/loop-b"}),
            "/loop-b": lambda h: send(h, b"", 302, headers={"Location": "/loop-a"}),
            **{f"/hop-{i}": hop for i in range(10)},
            "/to-metadata": lambda h: send(
                h, b"", 302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
            ),
            "/to-bad-url": lambda h: send(h, b"", 302, headers={"Location": "http://[::1/x"}),
            "/to-rss": lambda h: send(h, b"", 301, headers={"Location": "/rss20.xml"}),
            "/malformed.xml": lambda h: send(h, _malformed(base)),
            "/cp1252.xml": lambda h: send(h, _cp1252(base), content_type="text/xml; charset=utf-8"),
            "/xxe.xml": lambda h: send(h, _xxe(base)),
            "/laughs.xml": lambda h: send(h, LAUGHS),
            "/xxe-target": lambda h: send(h, b"SECRET", content_type="text/plain"),
            "/image.png": lambda h: send(h, b"\x89PNG\r\n", content_type="image/png"),
            "/html-not-feed.xml": lambda h: send(h, _page("x"), content_type="text/html"),
            "/slow-pages.xml": lambda h: send(h, _rss20(base).replace(b"/pages/", b"/cpages/")),
            "/cpages/story-0.html": concurrency_page,
            "/cpages/story-1.html": concurrency_page,
            "/cpages/story-2.html": concurrency_page,
            "/pages/*": lambda h: send(
                h, _page("Fighting near the river"), content_type="text/html; charset=utf-8"
            ),
        }
    )
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_root=str(tmp_path / "data"), user_agent=USER_AGENT)


def _feed(server: Server, path: str, **overrides) -> FeedConfig:
    name = path.strip("/").replace(".", "-").replace("/", "-").lower()
    return FeedConfig(
        **{"name": name, "url": server.base + path, "allow_private": True, **overrides}
    )


def _harvest(server, path, settings, policy=FAST, interval=INTERVAL, **overrides):
    return harvest_feed(
        _feed(server, path, **overrides), settings, interval, "run-1", policy=policy
    )


@pytest.mark.parametrize(
    ("path", "titles", "published"),
    [
        ("/rss20.xml", ["Fighting near the river"] * 3, datetime(2017, 11, 1, 7, 0, tzinfo=UTC)),
        ("/rss091.xml", ["Fighting near the river"], None),
        ("/rss10.rdf", ["Fighting near the river"], datetime(2017, 11, 1, 13, 0, tzinfo=UTC)),
        ("/atom.xml", ["Fighting near the river"], datetime(2017, 11, 1, 9, 0, tzinfo=UTC)),
        ("/feed.json", ["Fighting near the river"], datetime(2017, 11, 1, 10, 0, tzinfo=UTC)),
        ("/gzip.xml", ["Fighting near the river"] * 3, datetime(2017, 11, 1, 7, 0, tzinfo=UTC)),
    ],
)
def test_good_feeds_give_articles_with_utc_dates(server, settings, path, titles, published):
    harvest = _harvest(server, path, settings)
    assert [row["title"] for row in harvest.articles] == titles
    first = harvest.articles[0]
    assert set(first) == set(schema.ARTICLES.names)
    assert first["published_at"] == (published or datetime(2017, 11, 1, 8, 30, tzinfo=UTC))
    assert first["ingested_at"] == INTERVAL.end
    assert first["language"] == "en" and first["body_source"] == "page"
    assert "utm_source" not in first["canonical_url"]
    assert all(paragraph in first["text"] for paragraph in PARAGRAPHS)
    assert not any(junk in first["text"] for junk in BOILERPLATE)
    assert harvest.counts["extracted"] == len(titles) and "non_english" not in harvest.counts


def test_json_feed_item_without_link_is_quarantined(server, settings):
    harvest = _harvest(server, "/feed.json", settings)
    assert harvest.counts["bad_entry"] == 1
    (row,) = harvest.quarantine
    assert row["stage"] == "feed" and "no link" in row["reason"] and '"no link"' in row["payload"]


def test_user_agent_comes_from_settings(server, settings):
    _harvest(server, "/atom.xml", settings)
    assert server.headers["/atom.xml"][-1]["User-Agent"] == USER_AGENT


def test_unchanged_feed_costs_one_304_and_rerun_of_same_interval_refetches(server, settings):
    first = _harvest(server, "/etag.xml", settings)
    assert first.counts["feed_fetched"] == 1
    rerun = _harvest(server, "/etag.xml", settings)
    assert rerun.counts.get("not_modified") is None and len(rerun.articles) == 3
    page_hits = server.hits["/pages/story-0.html"]
    later = _harvest(server, "/etag.xml", settings, interval=NEXT_INTERVAL)
    assert later.counts == {"not_modified": 1}
    assert later.articles == [] and later.quarantine == []
    assert server.headers["/etag.xml"][-1]["If-None-Match"] == '"v1"'
    assert server.hits["/pages/story-0.html"] == page_hits


def test_429_retry_after_is_honoured(server, settings):
    server.hits["/retry-after.xml"] = 0
    started = time.monotonic()
    harvest = _harvest(server, "/retry-after.xml", settings)
    assert time.monotonic() - started >= 1.0
    assert server.hits["/retry-after.xml"] == 2 and len(harvest.articles) == 3


def test_retry_after_longer_than_allowed_gives_up(server):
    impatient = FetchPolicy(**{**FAST.__dict__, "max_retry_after": 0.5})
    server.hits["/retry-after.xml"] = 0
    with (
        Fetcher(USER_AGENT, Settings().samples_root, impatient) as fetcher,
        pytest.raises(FetchError) as error,
    ):
        fetcher.fetch(server.base + "/retry-after.xml", "feed", allow_private=True)
    assert error.value.outcome == "http_error" and "429" in error.value.reason


def test_500_then_200_is_retried(server, settings):
    server.hits["/flaky.xml"] = 0
    harvest = _harvest(server, "/flaky.xml", settings)
    assert server.hits["/flaky.xml"] == 2 and len(harvest.articles) == 3


def test_persistent_5xx_becomes_quarantine_after_retries(server, settings):
    harvest = _harvest(server, "/always-500.xml", settings)
    assert server.hits["/always-500.xml"] == FAST.max_retries + 1
    assert harvest.counts == {"http_error": 1}
    assert harvest.quarantine[0]["reason"] == "http_error: HTTP 503"


def test_response_slower_than_read_timeout(server, settings):
    started = time.monotonic()
    harvest = _harvest(
        server, "/slow.xml", settings, FetchPolicy(**{**FAST.__dict__, "max_retries": 1})
    )
    assert time.monotonic() - started < 1.5 * 2
    assert harvest.counts == {"timeout": 1} and server.hits["/slow.xml"] == 2


@pytest.mark.parametrize("path", ["/big-declared.xml", "/big-streamed.xml"])
def test_oversized_body_is_refused(server, settings, path):
    small = FetchPolicy(**{**FAST.__dict__, "feed_max_bytes": 256 * 1024})
    harvest = _harvest(server, path, settings, small)
    assert harvest.counts == {"too_large": 1}
    row = harvest.quarantine[0]
    assert row["stage"] == "feed" and len(row["payload"].encode()) <= 64 * 1024


def test_gzip_bomb_stops_at_the_decompressed_cap(server, settings):
    started = time.monotonic()
    harvest = _harvest(server, "/bomb.xml", settings, FetchPolicy(**{**FAST.__dict__}))
    assert harvest.counts == {"too_large": 1}
    assert "decompressed" in harvest.quarantine[0]["reason"]
    assert time.monotonic() - started < EXPANSION_BOUND_S


def test_redirect_loop(server, settings):
    harvest = _harvest(server, "/loop-a", settings)
    assert harvest.counts == {"redirect_loop": 1}


def test_more_than_five_redirects(server, settings):
    harvest = _harvest(server, "/hop-0", settings)
    assert harvest.counts == {"too_many_redirects": 1}
    assert server.hits["/hop-5"] == 1 and server.hits["/hop-6"] == 0


def test_invalid_urls_are_outcomes_not_exceptions(server, settings):
    harvest = _harvest(server, "/to-bad-url", settings)
    assert harvest.counts == {"http_error": 1}
    assert "location" in harvest.quarantine[0]["reason"]
    with (
        Fetcher(USER_AGENT, settings.samples_root, FAST) as fetcher,
        pytest.raises(FetchError) as error,
    ):
        fetcher.fetch("http://[::1/x", "page", allow_private=True)
    assert error.value.outcome == "bad_url"


def test_followed_redirect_is_fine(server, settings):
    assert len(_harvest(server, "/to-rss", settings).articles) == 3


def test_redirect_to_metadata_address_is_refused_without_connecting(server, settings):
    started = time.monotonic()
    harvest = _harvest(server, "/to-metadata", settings)
    assert harvest.counts == {"refused": 1}
    assert "metadata" in harvest.quarantine[0]["reason"]
    assert time.monotonic() - started < FAST.connect_timeout


def test_loopback_refused_unless_feed_allows_private(server, settings):
    hits = server.hits["/rss20.xml"]
    harvest = _harvest(server, "/rss20.xml", settings, allow_private=False)
    assert harvest.counts == {"refused": 1} and "non-public" in harvest.quarantine[0]["reason"]
    assert server.hits["/rss20.xml"] == hits


def test_malformed_xml_keeps_good_entries(server, settings):
    harvest = _harvest(server, "/malformed.xml", settings)
    assert harvest.counts["bozo_feed"] == 1
    assert harvest.counts["entries"] >= 1
    assert any(row["title"] == "Fighting near the river" for row in harvest.articles)


def test_cp1252_declared_as_utf8(server, settings):
    harvest = _harvest(server, "/cp1252.xml", settings)
    assert harvest.counts["entries"] == 1
    (row,) = harvest.articles
    assert row["summary"] is None
    with Fetcher(USER_AGENT, settings.samples_root, FAST) as fetcher:
        response = fetcher.fetch(server.base + "/cp1252.xml", "feed", allow_private=True)
    from eventwire.ingest.feeds import parse_feed

    parsed = parse_feed(response.content, response.final_url, response.charset)
    assert parsed.entries[0].title == "Troops deploy in Côte d’Ivoire – officials"
    assert parsed.bozo


def test_xxe_payload_is_refused_and_never_resolved(server, settings):
    harvest = _harvest(server, "/xxe.xml", settings)
    assert harvest.counts == {"feed_fetched": 1, "unsafe_xml": 1}
    assert harvest.articles == []
    assert server.hits["/xxe-target"] == 0
    assert "root:" not in json.dumps(harvest.quarantine, default=str)


def test_billion_laughs_is_refused_quickly(server, settings):
    started = time.monotonic()
    harvest = _harvest(server, "/laughs.xml", settings)
    assert harvest.counts == {"feed_fetched": 1, "unsafe_xml": 1}
    assert time.monotonic() - started < EXPANSION_BOUND_S


def test_html_is_not_a_feed_and_image_is_refused(server, settings):
    assert _harvest(server, "/html-not-feed.xml", settings).counts["not_a_feed"] == 1
    assert _harvest(server, "/image.png", settings).counts == {"bad_content_type": 1}


def test_dns_failure_is_an_outcome(settings):
    feed = FeedConfig(name="nowhere", url="http://no-such-host.invalid/feed.xml")
    harvest = harvest_feed(feed, settings, INTERVAL, "run-1", policy=FAST)
    assert harvest.counts == {"dns_error": 1}


def test_connection_refused_is_an_outcome(settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    feed = FeedConfig(name="closed", url=f"http://127.0.0.1:{port}/f.xml", allow_private=True)
    assert harvest_feed(feed, settings, INTERVAL, "r", policy=FAST).counts == {"connect_error": 1}


def test_per_host_concurrency_and_min_delay(server, settings):
    polite = FetchPolicy(**{**FAST.__dict__, "per_host_concurrency": 1, "min_host_delay": 0.2})
    server.max_pages_in_flight = 0
    started = time.monotonic()
    harvest = _harvest(server, "/slow-pages.xml", settings, polite)
    assert len(harvest.articles) == 3
    assert server.max_pages_in_flight == 1
    assert time.monotonic() - started >= 3 * 0.2


def test_validators_live_on_the_data_root(server, settings):
    _harvest(server, "/etag.xml", settings)
    state = json.loads(DataRoot(settings.data_root).read_bytes("_state", "http", "etag-xml.json"))
    assert state["entries"][0]["etag"] == '"v1"'


def test_connection_goes_to_the_checked_address(server, settings):
    """A name only the guard's resolver knows: the request must use the address it checked."""
    pinned = FetchPolicy(**{**FAST.__dict__, "resolver": lambda host, port: ["127.0.0.1"]})
    port = server.base.rsplit(":", 1)[1]
    feed = FeedConfig(
        name="pinned", url=f"http://feeds.invalid:{port}/atom.xml", allow_private=True
    )
    harvest = harvest_feed(feed, settings, INTERVAL, "r", policy=pinned)
    assert harvest.counts["feed_fetched"] == 1
    assert server.headers["/atom.xml"][-1]["Host"] == f"feeds.invalid:{port}"
