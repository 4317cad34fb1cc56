"""Polite, bounded fetching of feeds and pages over http(s) and from the samples root.

Everything a hostile or broken server can do is bounded here: one wall-clock deadline per URL
that covers DNS, connect, every read, every redirect and every retry (a watchdog shuts the socket
down when it passes, so a server trickling one byte at a time is cut at the deadline, not at the
next chunk), at most ``max_redirects`` hops each re-checked by the SSRF guard together with the
peer address of the connected socket, and size caps
counted on the *decompressed* bytes while streaming (the body is decompressed here with a
bounded ``max_length``, so a gzip bomb never expands past the cap in memory). Being polite is
also here: a User-Agent from Settings, conditional GET, per-host concurrency and spacing, and
retries with exponential backoff and jitter that honour ``Retry-After`` when the wait fits in the
time left (a retry that cannot finish before the deadline is not made). ``file:`` URLs take the
same path (same caps, content types, validators and outcomes) so the offline samples exercise
the code that production runs.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import mimetypes
import random
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast
from urllib.parse import urljoin, urlsplit

import httpx

from eventwire.config import FEED_MAX_BYTES, FETCH_DEADLINE_SECONDS, PAGE_MAX_BYTES, Settings
from eventwire.fs import DataRoot
from eventwire.ingest.urls import (
    DnsFailure,
    Resolver,
    UrlRefused,
    check_address,
    check_http_url,
    resolve_file_url,
    system_resolver,
    url_scheme,
)
from eventwire.interval import Interval

CHUNK_BYTES = 64 * 1024  # the watchdog, not the chunk size, bounds a slow body in time
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A retry (or the read after a timeout) with less time than this left before the URL's deadline
# cannot complete a request, so it is not made: a late body is never fetched again.
MIN_ATTEMPT_SECONDS = 1.0
VALIDATOR_HISTORY = 8  # intervals of validators kept per feed: enough for re-runs of recent ones

# Media types accepted per kind before sniffing; an empty or generic type is sniffed instead.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "text/plain"})
ACCEPTED_TYPES = {
    "feed": frozenset(
        {
            "application/rss+xml", "application/atom+xml", "application/rdf+xml",
            "application/xml", "text/xml", "application/feed+json", "application/json",
            "text/html", "application/x-rss+xml", "text/rss+xml",
        }
    ),
    "page": frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"}),
}  # fmt: skip


@dataclass(frozen=True)
class FetchPolicy:
    """Timeouts, retries and limits. Defaults are for production; tests shrink the waits.

    Defaults follow common crawler etiquette (one request per host per second, two in flight)
    and the size caps of ``config.py``; timeouts were chosen so a dead host costs a feed task
    < 2 min.
    ``total_timeout`` is the one deadline of a URL: waiting for a host slot, DNS, connect,
    reads, redirects, retries and their back-off all come out of it.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = FETCH_DEADLINE_SECONDS
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    max_retry_after: float = 120.0
    max_redirects: int = 5
    per_host_concurrency: int = 2
    min_host_delay: float = 1.0
    feed_max_bytes: int = FEED_MAX_BYTES
    page_max_bytes: int = PAGE_MAX_BYTES
    resolver: Resolver = system_resolver

    def max_bytes(self, kind: str) -> int:
        return self.feed_max_bytes if kind == "feed" else self.page_max_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The production policy with the deadline and size caps a deployment configured."""
        return cls(
            total_timeout=settings.fetch_deadline_seconds,
            feed_max_bytes=settings.feed_max_bytes,
            page_max_bytes=settings.page_max_bytes,
        )


@dataclass(frozen=True)
class Validators:
    """Conditional-GET validators of one response."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that gave up; ``outcome`` is the count key, ``payload`` what was read."""

    def __init__(self, url: str, outcome: str, reason: str, payload: bytes = b"") -> None:
        super().__init__(f"{outcome}: {reason} ({url})")
        self.url = url
        self.outcome = outcome
        self.reason = reason
        self.payload = payload


class _Retryable(Exception):
    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(error.reason)
        self.error = error
        self.retry_after = retry_after


class _DeadlinePassed(Exception):
    """The URL's one deadline passed; the message says in which phase."""


@dataclass(frozen=True)
class _Target:
    """What every request of one URL shares: the URL as listed, its kind, guard and deadline."""

    url: str
    kind: str
    allow_private: bool
    deadline: float

    def left(self) -> float:
        return self.deadline - time.monotonic()


class HostThrottle:
    """At most ``concurrency`` requests in flight per host, started ``min_delay`` apart."""

    def __init__(self, concurrency: int, min_delay: float) -> None:
        self._concurrency = concurrency
        self._min_delay = min_delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, deadline: float) -> Iterator[None]:
        """A request slot for ``host``; waiting for it never runs past ``deadline``."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._concurrency))
        if not semaphore.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise _DeadlinePassed("no request slot for the host before the deadline")
        try:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                if start >= deadline:
                    raise _DeadlinePassed("the host's request spacing reaches past the deadline")
                self._next_start[host] = start + self._min_delay
            time.sleep(start - now)
            yield
        finally:
            semaphore.release()


@contextmanager
def _watchdog(sock: socket.socket | None, deadline: float) -> Iterator[threading.Event]:
    """Shut ``sock`` down at ``deadline``, so a blocked read returns whatever its timeout.

    A read timeout alone cannot cap a body: a server sending one byte every few seconds never
    lets a read time out. The event tells the reader that the cut was the deadline's doing.
    """
    fired = threading.Event()

    def cut() -> None:
        fired.set()
        assert sock is not None  # the timer only starts with a socket
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    timer.daemon = True
    if sock is not None:
        timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def _resolve_before(resolver: Resolver, deadline: float) -> Resolver:
    """``resolver`` bounded by the deadline: ``getaddrinfo`` itself has no timeout."""

    def bounded(host: str, port: int) -> list[str]:
        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                outcome["addresses"] = resolver(host, port)
            except (OSError, UnicodeError) as error:
                outcome["error"] = error

        worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            raise TimeoutError("DNS lookup still running at the fetch deadline")
        if "error" in outcome:
            raise cast(BaseException, outcome["error"])
        return cast(list[str], outcome["addresses"])

    return bounded


class Fetcher:
    """One HTTP client for a harvest; thread-safe, close it (or use ``with``) when done."""

    def __init__(
        self, user_agent: str, samples_root: Path, policy: FetchPolicy | None = None
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.samples_root = Path(samples_root)
        self.throttle = HostThrottle(self.policy.per_host_concurrency, self.policy.min_host_delay)
        self._random = random.Random()
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        kind: str,
        allow_private: bool = False,
        validators: Validators | None = None,
        local_paths: bool = False,
        allow_file: bool = False,
    ) -> FetchResult:
        """Fetch ``url`` as a ``feed`` or ``page``; raises ``FetchError`` with an outcome.

        ``allow_file`` admits ``file:`` URLs under the samples root: only for the registry's own
        feed URLs and the links of a ``file:`` feed, never for links an http(s) feed serves.
        ``local_paths`` lets the CLI read a user's own file by plain path; pipeline URLs never
        set it, so a feed cannot point the pipeline at an arbitrary local file.
        """
        validators = validators or Validators()
        try:
            scheme = url_scheme(url)
            if scheme == "file" and (allow_file or local_paths):
                return self._fetch_file(url, resolve_file_url(url, self.samples_root), kind,
                                        validators)  # fmt: skip
            if scheme in {"http", "https"}:
                deadline = time.monotonic() + self.policy.total_timeout
                return self._fetch_http(_Target(url, kind, allow_private, deadline), validators)
            if local_paths and scheme == "":
                return self._fetch_file(url, Path(url).resolve(), kind, validators)
            raise UrlRefused(url, f"scheme {scheme or '(none)'!r} is not allowed")
        except DnsFailure as error:
            raise FetchError(url, "dns_error", error.reason) from error
        except UrlRefused as error:
            raise FetchError(url, "refused", error.reason) from error
        except (ValueError, httpx.InvalidURL) as error:
            raise FetchError(url, "bad_url", f"invalid URL ({error})") from error

    def _fetch_file(self, url: str, path: Path, kind: str, validators: Validators) -> FetchResult:
        limit = self.policy.max_bytes(kind)
        try:
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
        except FileNotFoundError as error:
            raise FetchError(url, "not_found", "no such file") from error
        except OSError as error:
            raise FetchError(url, "io_error", error.strerror or str(error)) from error
        if len(content) > limit:
            raise FetchError(url, "too_large", f"body exceeds {limit} bytes", content[:limit])
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        if validators.etag == etag:
            return FetchResult(url, url, 304, b"", "", None, validators)
        guessed = mimetypes.guess_type(path.name)[0] or ""
        content_type = _check_content_type(url, kind, guessed, content)
        return FetchResult(url, url, 200, content, content_type, None, Validators(etag=etag))

    def _fetch_http(self, target: _Target, validators: Validators) -> FetchResult:
        attempt = 0
        while True:
            try:
                return self._follow(target, validators)
            except _DeadlinePassed as passed:
                reason = f"{passed} ({self.policy.total_timeout:g} s per URL)"
                raise FetchError(target.url, "timeout", reason) from None
            except _Retryable as retry:
                delay = self._backoff(attempt, retry.retry_after)
                if (
                    attempt >= self.policy.max_retries
                    or delay is None
                    or delay + MIN_ATTEMPT_SECONDS > target.left()
                ):
                    raise retry.error from None
                attempt += 1
                time.sleep(delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the server asks too much."""
        if retry_after is not None:
            return retry_after if retry_after <= self.policy.max_retry_after else None
        ceiling = min(self.policy.backoff_cap, self.policy.backoff_base * 2**attempt)
        return ceiling * (0.5 + self._random.random() / 2)

    def _follow(self, target: _Target, validators: Validators) -> FetchResult:
        seen: set[str] = set()
        current = target.url
        for _hop in range(self.policy.max_redirects + 1):
            if current in seen:
                raise FetchError(target.url, "redirect_loop", f"redirect loop back to {current}")
            seen.add(current)
            resolver = _resolve_before(self.policy.resolver, target.deadline)
            addresses = check_http_url(current, target.allow_private, resolver)
            headers = validators.headers() if current == target.url else {}
            location = self._request(target, current, addresses[0], headers)
            if isinstance(location, FetchResult):
                return location
            current = location
            if url_scheme(current) not in {"http", "https"}:
                raise FetchError(target.url, "refused", f"redirect to a non-http URL {current}")
        raise FetchError(
            target.url, "too_many_redirects", f"more than {self.policy.max_redirects} redirects"
        )

    def _request(
        self, target: _Target, current: str, address: str, headers: dict[str, str]
    ) -> FetchResult | str:
        """One request to the checked ``address``: a result, or the next URL of a redirect."""
        url = target.url
        parts = urlsplit(current)
        pinned_host = f"[{address}]" if ":" in address else address
        pinned = parts._replace(netloc=f"{pinned_host}:{parts.port}" if parts.port else pinned_host)
        host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
        headers = {**headers, "Host": f"{host}:{parts.port}" if parts.port else str(host)}
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        try:
            with self.throttle.slot(parts.netloc.lower(), target.deadline):
                left = target.left()
                timeout = httpx.Timeout(
                    min(self.policy.read_timeout, left),
                    connect=min(self.policy.connect_timeout, left),
                    pool=left,
                )
                with self._client.stream(
                    "GET", pinned.geturl(), headers=headers, extensions=extensions, timeout=timeout
                ) as response:
                    return self._response(target, current, response)
        except httpx.TimeoutException as error:
            if target.left() < MIN_ATTEMPT_SECONDS:
                raise _DeadlinePassed("timed out at the deadline") from error
            raise _Retryable(FetchError(url, "timeout", f"timed out ({error!r})")) from error
        except httpx.TooManyRedirects as error:
            raise FetchError(url, "too_many_redirects", str(error)) from error
        except httpx.ConnectError as error:
            raise FetchError(url, "connect_error", f"connection failed ({error})") from error
        except httpx.HTTPError as error:
            raise FetchError(url, "http_error", f"{type(error).__name__}: {error}") from error

    def _response(
        self, target: _Target, current: str, response: httpx.Response
    ) -> FetchResult | str:
        """Check the peer, then act on the status: redirect, 304, retry, error or body."""
        url = target.url
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if peer:  # the socket's own peer: a rebinding resolver or proxy cannot slip past
            check_address(url, peer[0], target.allow_private)
        status = response.status_code
        if status in REDIRECT_STATUSES and "location" in response.headers:
            return urljoin(current, response.headers["location"])
        if status == 304:
            return FetchResult(url, current, 304, b"", "", None, _validators(response))
        if status in RETRY_STATUSES:
            error = FetchError(url, "http_error", f"HTTP {status}")
            raise _Retryable(error, _retry_after(response.headers.get("retry-after")))
        if status >= 400 or status < 200:
            raise FetchError(url, "http_error", f"HTTP {status}")
        sock = stream.get_extra_info("socket") if stream is not None else None
        content = self._read_body(target, response, sock)
        media_type, charset = _parse_content_type(response.headers.get("content-type", ""))
        content_type = _check_content_type(url, target.kind, media_type, content)
        return FetchResult(
            url, current, status, content, content_type, charset, _validators(response)
        )

    def _read_body(
        self, target: _Target, response: httpx.Response, sock: socket.socket | None
    ) -> bytes:
        url, kind = target.url, target.kind
        limit = self.policy.max_bytes(kind)
        declared_length = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if declared_length.isdigit() and encoding == "identity" and int(declared_length) > limit:
            raise FetchError(url, "too_large", f"Content-Length {declared_length} > {limit}")
        media_type, _ = _parse_content_type(response.headers.get("content-type", ""))
        if media_type and not _type_acceptable(kind, media_type):
            raise FetchError(url, "bad_content_type", f"content-type {media_type!r} for a {kind}")
        decoder = _BoundedDecoder(url, encoding, limit)
        with _watchdog(sock, target.deadline) as cut:
            try:
                for chunk in response.iter_raw(CHUNK_BYTES):
                    decoder.feed(chunk)
                    if target.left() <= 0:
                        break
            except httpx.HTTPError:
                if not cut.is_set():
                    raise
            if cut.is_set() or target.left() <= 0:
                raise _DeadlinePassed(f"body still arriving at the deadline ({decoder.size} bytes)")
        return decoder.finish()


class _BoundedDecoder:
    """gzip/deflate/identity decoding that never produces more than ``limit`` bytes."""

    def __init__(self, url: str, encoding: str, limit: int) -> None:
        if encoding not in {"gzip", "x-gzip", "deflate", "identity", ""}:
            raise FetchError(url, "bad_encoding", f"unsupported content-encoding {encoding!r}")
        self.url = url
        self.limit = limit
        self.encoding = encoding
        self.parts: list[bytes] = []
        self.size = 0
        self._inflater = None
        if encoding in {"gzip", "x-gzip"}:
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, chunk: bytes) -> None:
        if self.encoding == "deflate" and self._inflater is None and chunk:
            # RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate.
            wrapped = (
                len(chunk) >= 2 and (chunk[0] & 0x0F) == 8 and int.from_bytes(chunk[:2]) % 31 == 0
            )
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self._inflater is None:
            self._append(chunk)
            return
        try:
            data = chunk
            while data:
                self._append(self._inflater.decompress(data, self.limit - self.size + 1))
                data = self._inflater.unconsumed_tail
        except zlib.error as error:
            raise FetchError(
                self.url, "bad_encoding", f"corrupt compressed body ({error})"
            ) from error

    def _append(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            self.parts.append(data[: max(0, len(data) - (self.size - self.limit))])
            raise FetchError(
                self.url,
                "too_large",
                f"body exceeds {self.limit} bytes (decompressed)",
                b"".join(self.parts),
            )
        self.parts.append(data)

    def finish(self) -> bytes:
        if self._inflater is not None:
            try:
                self._append(self._inflater.flush())
            except zlib.error as error:
                raise FetchError(
                    self.url, "bad_encoding", f"corrupt compressed body ({error})"
                ) from error
        return b"".join(self.parts)


def _parse_content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def _type_acceptable(kind: str, media_type: str) -> bool:
    return media_type in GENERIC_TYPES or media_type in ACCEPTED_TYPES[kind]


def _check_content_type(url: str, kind: str, media_type: str, content: bytes) -> str:
    """The media type, sniffed from the bytes when the declared one is generic."""
    if not _type_acceptable(kind, media_type):
        raise FetchError(url, "bad_content_type", f"content-type {media_type!r} for a {kind}",
                         content)  # fmt: skip
    if media_type in GENERIC_TYPES:
        return sniff_media_type(content) or media_type
    return media_type


def sniff_media_type(content: bytes) -> str | None:
    """A media type from the first bytes: XML, JSON or HTML, else None."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    head = head.replace(b"\x00", b"")
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if head.startswith(b"<"):
        return "application/xml"
    if head.startswith((b"{", b"[")):
        return "application/json"
    return None


def _validators(response: httpx.Response) -> Validators:
    return Validators(
        etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified")
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _validator_path(feed_name: str) -> tuple[str, str, str]:
    return ("_state", "http", f"{feed_name}.json")


def load_validators(root: DataRoot, feed_name: str, url: str, interval: Interval) -> Validators:
    """Validators recorded by the latest *earlier* interval for this feed URL.

    Validators written by this same interval are ignored, so re-running an interval fetches the
    same content again instead of getting a 304 and writing an empty file over a good one.
    """
    entries = _read_validator_entries(root, feed_name)
    earlier = [
        entry
        for entry in entries
        if entry.get("url") == url and entry.get("interval_end", "") <= interval.start.isoformat()
    ]
    if not earlier:
        return Validators()
    latest = max(earlier, key=lambda entry: entry["interval_end"])
    return Validators(etag=latest.get("etag"), last_modified=latest.get("last_modified"))


def save_validators(
    root: DataRoot, feed_name: str, url: str, interval: Interval, validators: Validators
) -> None:
    if not (validators.etag or validators.last_modified):
        return
    entries = [
        entry
        for entry in _read_validator_entries(root, feed_name)
        if entry.get("interval_end") != interval.end.isoformat()
    ]
    entries.append({"url": url, "interval_end": interval.end.isoformat(), **asdict(validators)})
    entries = sorted(entries, key=lambda entry: entry["interval_end"])[-VALIDATOR_HISTORY:]
    body = json.dumps({"feed": feed_name, "entries": entries}, indent=1, sort_keys=True)
    root.put_atomic(body.encode("utf-8"), *_validator_path(feed_name))


def _read_validator_entries(root: DataRoot, feed_name: str) -> list[dict]:
    if not root.exists(*_validator_path(feed_name)):
        return []
    try:
        document = json.loads(root.read_bytes(*_validator_path(feed_name)))
    except (ValueError, OSError):
        return []
    entries = document.get("entries") if isinstance(document, dict) else None
    return [entry for entry in entries or [] if isinstance(entry, dict)]
