"""``eventwire extract``: its command-line contract (JSON Lines out, exit status, errors)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from eventwire.cli import main


def _run(monkeypatch, capsys, stdin: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_jsonl_in_mentions_out(monkeypatch, capsys) -> None:
    line = {
        "id": "n1",
        "text": "Kenyan police arrested five men in Mombasa.",
        "published": "2021-05-04T10:00:00Z",
    }
    code, out, err = _run(monkeypatch, capsys, json.dumps(line) + "\n")
    assert code == 0 and err == ""
    [mention] = [json.loads(x) for x in out.splitlines()]
    assert mention["article_id"] == "n1" and mention["plover_type"] == "COERCE"
    assert mention["published_at"].startswith("2021-05-04T10:00")


def test_bad_lines_are_reported_and_skipped_with_exit_3(monkeypatch, capsys) -> None:
    good = json.dumps({"id": "g", "text": "Rebels attacked a police post in Gao."})
    stdin = "\n".join(
        [
            "{broken",
            good,
            json.dumps({"id": "t"}),
            "[1, 2]",
            json.dumps({"text": "x", "published": "soon"}),
        ]
    )
    code, out, err = _run(monkeypatch, capsys, stdin)
    assert code == 3
    assert [json.loads(x)["article_id"] for x in out.splitlines()] == ["g"]
    for number in (1, 3, 4, 5):
        assert f"line {number}:" in err
    assert "Traceback" not in err


def test_text_file_is_one_document_and_output_file(tmp_path, monkeypatch, capsys) -> None:
    source = tmp_path / "story.txt"
    source.write_text("Troops withdrew from Kidal on Monday.", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    code, out, _ = _run(monkeypatch, capsys, "", "--input", str(source), "--output", str(target))
    assert code == 0 and out == ""
    [mention] = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert mention["article_id"] == "story" and mention["plover_type"] == "RETREAT"


def test_missing_input_is_exit_2_without_traceback(tmp_path, monkeypatch, capsys) -> None:
    code, _, err = _run(monkeypatch, capsys, "", "--input", str(tmp_path / "absent.jsonl"))
    assert code == 2 and "absent.jsonl" in err and "Traceback" not in err


@pytest.mark.parametrize("count", [1001])
def test_progress_on_stderr_over_a_thousand_documents(monkeypatch, capsys, count: int) -> None:
    stdin = "".join(
        json.dumps({"id": str(i), "text": "Nothing happened."}) + "\n" for i in range(count)
    )
    code, out, err = _run(monkeypatch, capsys, stdin)
    assert code == 0 and out == ""
    assert "1000 documents" in err
