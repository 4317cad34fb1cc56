"""Parallel extraction: the same mentions as one process, in input order; the prefilter switch."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from eventwire.cli import main
from eventwire.config import Settings
from eventwire.extract.engine import Document, Extractor
from eventwire.extract.lexicon import Lexicon
from eventwire.extract.parallel import extract_parallel

BODIES = Path(__file__).parent / "data" / "sample_bodies"
PUBLISHED = dt.datetime(2017, 11, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    paths = sorted(BODIES.glob("*.txt"))[:9]
    return [
        Document(id=p.stem, text=p.read_text(encoding="utf-8"), published=PUBLISHED) for p in paths
    ]


@pytest.fixture(scope="module")
def single_process(documents: list[Document]) -> list[dict]:
    return list(Extractor(Settings()).extract(documents))


@pytest.mark.slow  # two worker processes
def test_parallel_mentions_equal_the_single_process_output(documents, single_process) -> None:
    parallel = list(extract_parallel(documents, Settings(), processes=2, chunk_size=2))
    assert len({m["article_id"] for m in single_process}) > 3
    assert parallel == single_process


def test_one_process_runs_in_process_with_the_same_output(documents, single_process) -> None:
    assert list(extract_parallel(documents, Settings(), processes=1)) == single_process


def test_mentions_come_in_input_order(documents) -> None:
    reordered = list(reversed(documents))
    found = list(extract_parallel(reordered, Settings(), processes=1, chunk_size=2))
    order = [d.id for d in reordered]
    positions = [order.index(m["article_id"]) for m in found]
    assert positions == sorted(positions)


def test_without_prefilter_every_sentence_is_parsed_and_no_mention_is_lost(documents) -> None:
    settings = Settings()
    filtered, unfiltered = Extractor(settings), Extractor(settings, prefilter=False)
    sample = documents[:3]
    kept = sum(len(filtered.candidate_sentences(d)[1]) for d in sample)
    kept_all = sum(len(unfiltered.candidate_sentences(d)[1]) for d in sample)
    assert kept_all > kept
    with_filter = {m["mention_id"] for m in filtered.extract(sample)}
    without_filter = {m["mention_id"] for m in unfiltered.extract(sample)}
    assert with_filter and with_filter <= without_filter


@pytest.mark.parametrize("chunk_size, processes", [(0, 2), (4, 0)])
def test_sizes_below_one_are_refused(documents, chunk_size: int, processes: int) -> None:
    with pytest.raises(ValueError):
        list(extract_parallel(documents, Settings(), processes=processes, chunk_size=chunk_size))


@pytest.mark.slow  # two worker processes
def test_cli_with_two_processes_keeps_the_contract(monkeypatch, capsys, documents) -> None:
    sample = [Document(id=d.id, text=d.text) for d in documents[:4]]
    lines = [json.dumps({"id": d.id, "text": d.text}) for d in sample]
    stdin = "\n".join([lines[0], "{broken", *lines[1:]]) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["extract", "--processes", "2"])
    out, err = capsys.readouterr()
    assert code == 3
    assert "line 2:" in err and "Traceback" not in err
    expected = [m["mention_id"] for m in Extractor(Settings.from_env()).extract(sample)]
    assert len(expected) > 1
    assert [json.loads(x)["mention_id"] for x in out.splitlines()] == expected


def test_cli_refuses_zero_processes(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--processes", "0"])
    assert exit_info.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err


@pytest.mark.parametrize(
    "sentence, parse",
    [
        ("Troops were seen near the main road.", False),
        ("Egypt sent troops to the border.", True),
        ("The government froze the assets of three firms.", True),
        ("The army's on high alert in the north.", True),
        ("The government forced the foreign charity, Hope Now, out of the country.", True),
    ],
)
def test_prefilter_needs_the_verb_of_an_object_pattern(sentence: str, parse: bool) -> None:
    assert Lexicon.load().may_contain_trigger(sentence) is parse
