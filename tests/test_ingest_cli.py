"""``eventwire parse-feed`` and ``eventwire article``: the contract, and random bytes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.ingest import commands

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_PAGE = REPO_ROOT / "include/samples/pages/arabs-today/iraq-troops-high-alert-zummar.html"
ENTRY_KEYS = {"url", "canonical_url", "title", "summary", "published", "feed_title", "bozo",
              "bozo_reason"}  # fmt: skip


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="eventwire")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.handler(args)


def test_parse_feed_prints_json_lines(capsys):
    assert run("parse-feed", "file:feeds/meridian-wire.rss.xml") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 9 and all(set(line) == ENTRY_KEYS for line in lines)
    assert all(line["published"].endswith("Z") and line["bozo"] is False for line in lines)


def test_article_prints_one_object(capsys):
    assert run("article", str(SEED_PAGE)) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == {"title", "text", "published", "language", "canonical_url", "article_id"}
    assert record["language"] == "en" and "Send your comments" not in record["text"]
    assert record["canonical_url"] == SEED_PAGE.as_uri()


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (("parse-feed", "file:///etc/passwd"), "outside the samples root"),
        (("parse-feed", "file:pages/arabs-today/rohingya-aid-coxs-bazar.html"), "not_a_feed"),
        (("article", "file:pages/arabs-today/live-news-gulf-summit-updates.html"), "no_article"),
        (("article", "file:pages/arabs-today/iraq-kirkuk-oil-exports-resume.html"), "not_found"),
        (("parse-feed", "gopher://example.org/"), "not allowed"),
        (("parse-feed", "http://127.0.0.1:9/feed.xml"), "non-public"),
    ],
)
def test_unusable_input_is_exit_2_with_one_line(capsys, argv, reason):
    assert run(*argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and reason in captured.err


def test_valid_empty_feed_is_exit_0(tmp_path, capsys):
    path = tmp_path / "empty.xml"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    )
    assert run("parse-feed", str(path)) == 0
    assert capsys.readouterr().out == ""


SHAPES = st.one_of(
    st.binary(max_size=4096),
    st.builds(
        lambda body: b'<?xml version="1.0"?><rss version="2.0"><channel>' + body,
        st.binary(max_size=2048),
    ),
    st.builds(lambda body: b"<html><body><p>" + body, st.binary(max_size=2048)),
    st.builds(
        lambda body: b'{"version": "https://jsonfeed.org/version/1", "items": ' + body,
        st.binary(max_size=512),
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=SHAPES, command=st.sampled_from(["parse-feed", "article"]))
def test_random_bytes_never_escape_as_exceptions(tmp_path, capsys, content, command):
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    code = run(command, str(path))
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in captured.err
    if code == 2:
        assert captured.err.count("\n") == 1 and "internal error" not in captured.err
    else:
        for line in captured.out.splitlines():
            json.loads(line)


@pytest.mark.slow  # a fresh interpreter
def test_real_entry_point_has_no_traceback(tmp_path):
    path = tmp_path / "junk.xml"
    path.write_bytes(b"\x00\xff<rss><<<&&&")
    code = (
        "import sys; from eventwire.ingest.commands import register; import argparse;"
        "p = argparse.ArgumentParser(); register(p.add_subparsers(dest='c', required=True));"
        "a = p.parse_args(sys.argv[1:]); sys.exit(a.handler(a))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "parse-feed", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        result.returncode == 2
        and "Traceback" not in result.stderr
        and result.stderr.startswith("error: ")
    )
