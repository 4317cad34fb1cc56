"""Feed registry validation, canonical URLs and article ids, the SSRF address policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.ingest.registry import FeedConfig, RegistryError, load_registry
from eventwire.ingest.urls import (
    UrlRefused,
    article_id,
    canonical_url,
    check_address,
    check_http_url,
    resolve_file_url,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    return path


def test_test_registry_is_the_offline_samples():
    feeds = load_registry(Settings.from_env().feeds_file)
    assert feeds and all(isinstance(feed, FeedConfig) for feed in feeds)
    assert all(feed.url.startswith("file:") and not feed.allow_private for feed in feeds)


def test_live_registry_loads():
    """include/feeds.yaml may hold the user's own feeds; it only has to be valid."""
    assert all(isinstance(feed, FeedConfig) for feed in load_registry(Settings().feeds_file))


def test_defaults_apply(tmp_path):
    (feed,) = load_registry(_write(tmp_path, "feeds:\n  - {name: a, url: 'https://x.org/f'}\n"))
    assert (feed.enabled, feed.language, feed.poll_interval_minutes, feed.max_items) == (
        True, "en", 15, 50,
    )  # fmt: skip
    assert feed.allow_private is False


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("{name: a, url: 'ftp://x.org/f'}", "feeds[0] (a).url"),
        ("{name: a, url: 'https://x.org/f', max_items: 0}", "feeds[0] (a).max_items"),
        ("{name: a, url: 'https://x.org/f', poll_interval_minutes: soon}",
         "feeds[0] (a).poll_interval_minutes"),
        ("{name: a, url: 'https://x.org/f', alow_private: true}", "feeds[0] (a).alow_private"),
        ("{name: 'Bad Name', url: 'https://x.org/f'}", "feeds[0] (Bad Name).name"),
        ("{url: 'https://x.org/f'}", "feeds[0].name"),
    ],
)  # fmt: skip
def test_errors_name_the_bad_field(tmp_path, entry, field):
    with pytest.raises(RegistryError) as error:
        load_registry(_write(tmp_path, f"feeds:\n  - {entry}\n"))
    assert error.value.field == field
    assert field in str(error.value) and str(tmp_path) in str(error.value)


def test_duplicate_names_and_bad_files_are_errors(tmp_path):
    twice = "feeds:\n  - {name: a, url: 'https://x/1'}\n  - {name: a, url: 'https://x/2'}\n"
    with pytest.raises(RegistryError, match=r"feeds\[1\] \(a\)\.name: duplicate"):
        load_registry(_write(tmp_path, twice))
    with pytest.raises(RegistryError, match="feeds"):
        load_registry(_write(tmp_path, "- just a list\n"))
    with pytest.raises(RegistryError, match="cannot be read"):
        load_registry(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM:80/a/b?utm_source=x&b=2&a=1#top", "http://example.com/a/b?a=1&b=2"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x?fbclid=1&gclid=2", "https://example.com:8443/x"),
        ("file:pages/a/b.html?utm_medium=feed#x", "file:pages/a/b.html"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_article_id_is_sha256_prefix_of_canonical_url():
    first = article_id(canonical_url("https://example.com/x?utm_source=a"))
    assert first == article_id("https://example.com/x")
    assert len(first) == 16 and int(first, 16) >= 0


@pytest.mark.parametrize(
    ("address", "allowed_with_private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.5", True),
        ("172.16.9.9", True),
        ("169.254.1.1", True),
        ("::1", True),
        ("fe80::1", True),
        ("::ffff:10.0.0.1", True),
        ("169.254.169.254", False),
        ("fd00:ec2::254", False),
        ("224.0.0.1", False),
    ],
)
def test_non_public_addresses_are_refused(address, allowed_with_private):
    with pytest.raises(UrlRefused):
        check_address("http://x/", address, allow_private=False)
    if allowed_with_private:
        check_address("http://x/", address, allow_private=True)
    else:
        with pytest.raises(UrlRefused):
            check_address("http://x/", address, allow_private=True)


def test_public_address_passes_and_every_resolved_address_counts():
    check_address("http://x/", "93.184.216.34", allow_private=False)
    with pytest.raises(UrlRefused, match="non-public"):
        check_http_url(
            "http://mixed.example/",
            False,
            resolver=lambda host, port: ["93.184.216.34", "10.0.0.1"],
        )
    with pytest.raises(UrlRefused, match="not allowed"):
        check_http_url("gopher://x/", True)


def test_file_urls_are_confined_to_the_samples_root(tmp_path):
    root = tmp_path / "samples"
    (root / "feeds").mkdir(parents=True)
    (root / "feeds" / "a.xml").write_text("<rss/>")
    assert resolve_file_url("file:feeds/a.xml", root) == (root / "feeds" / "a.xml").resolve()
    assert resolve_file_url(f"file://{root}/feeds/a.xml", root).name == "a.xml"
    for escape in ("file:../secret", "file:///etc/passwd", "file://evil.example/x"):
        with pytest.raises(UrlRefused):
            resolve_file_url(escape, root)
    (root / "link").symlink_to("/etc")
    with pytest.raises(UrlRefused, match="outside"):
        resolve_file_url("file:link/passwd", root)
