"""URL policy: canonical form, article identity, allowed schemes and the SSRF guard.

The canonical URL is the identity of an article (``article_id`` is the first 16 hex digits of
its sha256), so it removes everything that changes between two links to the same
document: tracking parameters, fragments, default ports, host case. The guard keeps a feed (or a
redirect it serves) from making the pipeline read internal services: only http, https and
``file:`` under the samples root are fetched, and hosts that resolve to non-public addresses are
refused unless the feed opts in with ``allow_private``. An IPv6 address that carries an IPv4 one
(mapped, translated, compatible, NAT64, 6to4, Teredo) reaches that IPv4 host through a gateway,
so every embedded IPv4 is unwrapped and must be public as well.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

ALLOWED_SCHEMES = frozenset({"http", "https", "file"})
DEFAULT_PORTS = {"http": 80, "https": 443}
ARTICLE_ID_HEX_DIGITS = 16  # article_id = first 16 hex digits of sha256(canonical URL)

# Cloud metadata endpoints: refused even for feeds that allow private addresses, because no
# news feed lives there and reaching one from a worker leaks its cloud credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)

# IPv6 ranges that are not globally reachable (IANA special-purpose registry) but that the
# ``ipaddress`` tables of Python before 3.11.10/3.12.4 still call global; listed here so the
# guard does not depend on the interpreter's patch level. 64:ff9b:1::/48 is local-use NAT64
# (RFC 8215), whose IPv4 sits at an operator-chosen offset and cannot be unwrapped; fec0::/10 is
# deprecated site-local; ::/96 and ::ffff:0:0/96 are IPv4-compatible and IPv4-translated forms.
NON_GLOBAL_IPV6 = tuple(
    ipaddress.ip_network(text)
    for text in ("64:ff9b:1::/48", "2002::/16", "fec0::/10", "::/96", "::ffff:0:0:0/96")
)
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 is the last 32 bits
IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765: the IPv4 is the last 32 bits
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated RFC 4291 form ::a.b.c.d

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlError(Exception):
    """One URL that cannot be used, and why: carries both, and says ``reason: url``."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


class UrlRefused(UrlError, ValueError):
    """A URL the policy will not fetch."""


class DnsFailure(UrlRefused):
    """The host did not resolve: a network outcome, told apart from a policy refusal."""


def url_scheme(url: str) -> str:
    return urlsplit(url.strip()).scheme.lower()


@cache
def _tracking_params() -> tuple[frozenset[str], tuple[str, ...]]:
    text = resources.files("eventwire.data").joinpath("tracking_params.txt").read_text("utf-8")
    names = [line.strip().lower() for line in text.splitlines()]
    names = [name for name in names if name and not name.startswith("#")]
    exact = frozenset(name for name in names if not name.endswith("*"))
    prefixes = tuple(name[:-1] for name in names if name.endswith("*"))
    return exact, prefixes


def is_tracking_param(name: str) -> bool:
    exact, prefixes = _tracking_params()
    lowered = name.lower()
    return lowered in exact or lowered.startswith(prefixes)


def canonical_url(url: str) -> str:
    """The identity form of ``url``; relative ``file:`` links stay relative to the samples root."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(key)
        )
    )
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    if scheme == "file":
        location = f"//{parts.netloc.lower()}{path}" if path.startswith("/") else path
        return f"file:{location}" + (f"?{query}" if query else "")
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = host.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def article_id(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:ARTICLE_ID_HEX_DIGITS]


def resolve_file_url(url: str, samples_root: Path) -> Path:
    """The local path of a ``file:`` URL, which must lie under the samples root."""
    parts = urlsplit(url.strip())
    if parts.netloc not in ("", "localhost"):
        raise UrlRefused(url, "file URL names a remote host")
    raw = unquote(parts.path)
    root = Path(samples_root).resolve()
    candidate = Path(raw) if raw.startswith("/") else root / raw
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as error:
        raise UrlRefused(url, f"file path cannot be resolved ({error})") from error
    if not resolved.is_relative_to(root):
        raise UrlRefused(url, "file URL outside the samples root")
    return resolved


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 address carries, in any of the standard embeddings."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in network for network in (NAT64_PREFIX, IPV4_TRANSLATED, IPV4_COMPATIBLE)):
        found.append(low32)
    return [address for address in found if address is not None]


def _is_global(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in NON_GLOBAL_IPV6):
        return False
    return ip.is_global


def check_address(url: str, address: str, allow_private: bool) -> None:
    """Refuse one resolved address unless it is public (or private and allowed).

    The address and every IPv4 embedded in it are checked: metadata and multicast addresses
    are refused always, anything not global (by ``ipaddress``'s rules plus ``NON_GLOBAL_IPV6``)
    unless the feed allows private addresses.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    forms: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        forms += embedded_ipv4(ip)
    for form in forms:
        shown = str(ip) if form is ip else f"{ip} (carrying {form})"
        if form in METADATA_ADDRESSES:
            raise UrlRefused(url, f"host resolves to a cloud metadata address {shown}")
        if form.is_multicast:
            raise UrlRefused(url, f"host resolves to a multicast address {shown}")
        if not allow_private and not _is_global(form):
            raise UrlRefused(url, f"host resolves to a non-public address {shown}")


def check_http_url(
    url: str, allow_private: bool, resolver: Resolver = system_resolver
) -> list[str]:
    """Scheme, host and every resolved address of an http(s) URL; raises ``UrlRefused``.

    Returns the checked addresses: the caller connects to one of them rather than resolving
    again, so a DNS answer that changes between check and connect (rebinding) cannot slip in.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UrlRefused(url, f"scheme {scheme or '(none)'!r} is not allowed")
    host = parts.hostname
    if not host:
        raise UrlRefused(url, "URL has no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise UrlRefused(url, "URL has an invalid port") from error
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as error:
        raise DnsFailure(url, f"DNS lookup failed ({error})") from error
    if not addresses:
        raise DnsFailure(url, "DNS lookup returned no address")
    for address in addresses:
        check_address(url, address, allow_private)
    return addresses
