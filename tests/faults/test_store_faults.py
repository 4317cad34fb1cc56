"""Faults, store and pipeline side: one bad document, file or manifest never stops the rest.

Every case runs the real parts: spaCy on a real run-on document (through the events DAG with
``dag.test()``), Parquet files truncated on disk, an empty manifest file, the ``eventwire``
command in-process. Each test bounds its own time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from factories import make_client, run, synthetic_mentions

from eventwire import schema, tasks
from eventwire.config import Settings
from eventwire.extract import isolation
from eventwire.extract.engine import Document, Extractor
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.quality.gate import QualityGateFailed
from eventwire.quality.suites import VOLUME_CHECK
from eventwire.store import commands, manifest, parquet, staging

REPO_ROOT = Path(__file__).resolve().parents[2]
BODIES = REPO_ROOT / "tests" / "data" / "sample_bodies"
WINDOW = Interval(datetime(2017, 11, 2, 8, 45, tzinfo=UTC), datetime(2017, 11, 2, 9, 0, tzinfo=UTC))
PUBLISHED = datetime(2017, 11, 2, 8, 0, tzinfo=UTC)
# Over spaCy's max_length (1,000,000 characters): one run-on "sentence" whose
# trigger word lets it through the prefilter.
POISON_TEXT = "Troops attacked the village " + "and the town " * 77_000 + "."
GOOD = (
    "drc-beni-adf-clash",
    "ethiopia-ambo-protests",
    "afghanistan-ghazni-checkpoint-attack",
    "iraq-troops-high-alert-zummar",
)


def _article(name: str, text: str, window: Interval = WINDOW) -> dict:
    url = f"https://news.example.com/{name}"
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "article_id": hashlib.sha256(url.encode()).hexdigest()[:16],
        "url": url,
        "canonical_url": url,
        "source_name": "Meridian Wire",
        "title": name.replace("-", " "),
        "text": text,
        "published_at": PUBLISHED,
        "ingested_at": window.end,
        "language": "en",
        "body_source": "page",
        "text_hash": hashlib.sha256(text.encode()).hexdigest(),
        "word_count": len(text.split()),
    }


def _body(name: str) -> str:
    return (BODIES / f"{name}.txt").read_text(encoding="utf-8")


def _ingested(root: DataRoot, rows: list[dict], window: Interval = WINDOW) -> None:
    """What ``publish_articles`` leaves: the interval's articles and its ingest manifest."""
    table = pa.Table.from_pylist(rows, schema=schema.ARTICLES)
    parquet.write_interval(root, "articles", table, window)
    manifest.write_manifest(
        root,
        "ingest",
        window,
        {"articles": len(rows), "articles_digest": manifest.articles_digest(table)},
    )


def _read(root: DataRoot, dataset: str) -> list[dict]:
    folder = Path(root.path(dataset))
    if not folder.exists():
        return []
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pylist()


def _fingerprints(root: DataRoot) -> dict[str, str]:
    return {
        path.relative_to(root.base).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for dataset in ("articles", "mentions", "events", "deletions")
        for path in sorted(Path(root.path(dataset)).rglob("*.parquet"))
    }


def _code(settings: Settings, run_id: str, interval: str | None = None) -> dict:
    """The events DAG's three tasks, called in its order."""
    batches = tasks.pending_batches(settings, interval)
    extracted = [tasks.extract_batch(batch, settings, run_id) for batch in batches]
    return tasks.publish_events(extracted, settings, run_id)


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="eventwire")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


# -- 1. one document stops all event coding


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_events_dag_codes_good_articles_and_quarantines_a_poison_one(dags, tmp_path, monkeypatch):
    root = DataRoot(str(tmp_path / "data"))
    poison = _article("run-on", POISON_TEXT)
    _ingested(root, [_article(name, _body(name)) for name in GOOD] + [poison])
    monkeypatch.setenv("EVENTWIRE_DATA_ROOT", root.url)

    run = dags["eventwire_events"].test()

    assert run.state == "success"
    coded = {row["article_id"] for row in _read(root, "mentions")}
    assert coded == {_article(name, "")["article_id"] for name in GOOD}
    (held,) = [row for row in _read(root, "quarantine") if row["stage"] == "extract"]
    assert held["record_id"] == poison["article_id"]
    assert held["reason"].startswith("sentence_too_long: sentence 0 has 1,001,")
    assert len(held["payload"]) <= tasks.MAX_PAYLOAD_CHARS
    assert tasks.pending_batches(Settings(data_root=root.url)) == []
    assert not Path(root.path(staging.STAGING)).exists() or not any(
        Path(root.path(staging.STAGING)).rglob("*.parquet")
    )


@pytest.mark.timeout(30)
def test_a_capped_sentence_leaves_every_other_sentence_as_it_was():
    from eventwire.extract.sentences import split_sentences

    long = "Troops attacked " + "and the town " * 1000 + "in Mosul."
    text = (
        f"Rebels attacked a post in Gao. {long} Police arrested five men in Mombasa.\n"
        f"Dateline: {long}\n{long} Last one attacked.\n{long}"
    )
    capped, notes = isolation.capped(Document(id="d", text=text))
    before, after = split_sentences(text), split_sentences(capped.text)
    assert len(capped.text) == len(text) and len(after) == len(before)
    long_ones = [s.index for s in before if len(s.text) > isolation.MAX_SENTENCE_CHARS]
    assert [int(note.reason.split()[2]) for note in notes] == long_ones == [1, 3, 4, 6]
    for old, new in zip(before, after, strict=True):
        if old.index in long_ones:
            assert new.text == isolation.PLACEHOLDER
        else:
            assert (new.index, new.start, new.end, new.text) == (
                old.index, old.start, old.end, old.text,
            )  # fmt: skip


@pytest.mark.timeout(180)
def test_a_document_the_parser_refuses_fails_alone(monkeypatch):
    """With the sentence cap lifted, spaCy itself raises on the poison document (E088)."""
    monkeypatch.setattr(isolation, "MAX_SENTENCE_CHARS", 2_000_000)
    documents = [
        Document(id="good", text=_body(GOOD[0]), published=PUBLISHED),
        Document(id="poison", text=POISON_TEXT, published=PUBLISHED),
        Document(id="also-good", text=_body(GOOD[1]), published=PUBLISHED),
    ]
    mentions, not_coded = isolation.code_chunk(Extractor(Settings()), documents)
    assert {m["article_id"] for m in mentions} == {"good", "also-good"}
    (note,) = not_coded
    assert note.doc_id == "poison" and note.whole_document
    assert note.reason.startswith("extraction_failed: ValueError: [E088]")


@pytest.mark.slow  # two worker processes
@pytest.mark.timeout(180)
def test_extract_command_codes_every_other_document_and_exits_3(tmp_path, capsys):
    from eventwire.cli import main

    lines = [
        {"id": "good", "text": _body(GOOD[0]), "published": "2017-11-02T08:00:00Z"},
        {"id": "poison", "text": POISON_TEXT},
        {"id": "also-good", "text": _body(GOOD[1]), "published": "2017-11-02T08:00:00Z"},
    ]
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    code = main(["extract", "--input", str(source), "--processes", "2"])
    out, err = capsys.readouterr()
    assert code == 3
    assert {json.loads(line)["article_id"] for line in out.splitlines()} == {"good", "also-good"}
    assert "document poison: sentence_too_long" in err and "Traceback" not in err


# -- 3. re-ingested intervals, overlapping runs, retries


@pytest.mark.slow  # the whole events pipeline, Data Docs included
@pytest.mark.timeout(300)
def test_a_reingested_interval_is_recoded_and_vanished_articles_events_deleted(settings):
    root = tasks.data_root(settings)
    kept, changed, vanished = GOOD[0], GOOD[1], GOOD[2]
    _ingested(root, [_article(name, _body(name)) for name in (kept, changed, vanished)])
    _code(settings, "first")
    vanished_id = _article(vanished, "")["article_id"]
    assert vanished_id in {row["article_id"] for row in _read(root, "events")}

    # The feed changed: one article is gone, another has a new text.
    _ingested(root, [_article(kept, _body(kept)), _article(changed, _body(GOOD[3]))])
    assert tasks.pending_batches(settings) != []
    summary = _code(settings, "second")

    existing = {row["article_id"] for row in _read(root, "articles")}
    assert {row["article_id"] for row in _read(root, "mentions")} <= existing
    assert {row["article_id"] for row in _read(root, "events")} <= existing
    deleted = _read(root, "deletions")
    assert summary["intervals"] == 1 and deleted
    assert {row["event_id"] for row in deleted}.isdisjoint(
        row["event_id"] for row in _read(root, "events")
    )
    assert tasks.pending_batches(settings) == []
    before = _fingerprints(root)
    _code(settings, "third", str(WINDOW))  # an explicit re-run changes no byte
    assert _fingerprints(root) == before


@pytest.mark.slow  # the whole events pipeline, Data Docs included
@pytest.mark.timeout(60)
def test_two_runs_of_one_interval_keep_their_own_staging(settings):
    root = tasks.data_root(settings)
    _ingested(root, [_article("quiet", "Nothing happened here today.")])
    (batch,) = tasks.pending_batches(settings)
    first = tasks.extract_batch(batch, settings, "manual__first")
    second = tasks.extract_batch(batch, settings, "scheduled__second")
    tasks.publish_events([first], settings, "manual__first")
    assert tasks.publish_events([second], settings, "scheduled__second")["intervals"] == 1


@pytest.mark.slow  # the whole events pipeline, Data Docs included
@pytest.mark.timeout(120)
def test_a_publish_that_failed_can_be_retried(settings):
    root = tasks.data_root(settings)
    for hour in range(4):  # a history of busy runs: a run with one mention is far off its band
        start = datetime(2017, 11, 1, hour, 0, tzinfo=UTC)
        manifest.write_manifest(
            root, "events", Interval(start, start + timedelta(minutes=15)), {"mentions": 1000}
        )
    # One event, not none: an empty run is not judged by the volume check (no verdict on
    # silence; feed health watches for that).
    _ingested(root, [_article("quiet", "Police arrested a smuggler in Kano on Monday.")])
    (batch,) = tasks.pending_batches(settings)
    extracted = [tasks.extract_batch(batch, settings, "run-1")]
    for _attempt in range(2):  # before: the retry failed with FileNotFoundError
        with pytest.raises(QualityGateFailed, match=VOLUME_CHECK):
            tasks.publish_events(extracted, settings, "run-1")
    # The staged mention is still there for the next attempt.
    quiet = _article("quiet", "")["article_id"]
    assert [m["article_id"] for m in staging.unstage(root, extracted[0]["staged"])] == [quiet]


# -- 7. one corrupt Parquet file


@pytest.fixture
def store(tmp_path) -> DataRoot:
    from eventwire.store import merge

    root = DataRoot(str(tmp_path / "data"))
    for number, window in enumerate([run(hour=9), run(hour=10)]):
        result = merge.merge_mentions(root, synthetic_mentions(200, window, number), window)
        files = parquet.write_interval(root, "mentions", result.mentions, window)
        manifest.write_manifest(
            root, "events", window, {"mentions": result.mentions.num_rows, "files": files}
        )
    return root


def _truncate(path: str) -> None:
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])


@pytest.mark.timeout(120)
def test_a_truncated_events_file_leaves_every_view_queryable(store, tmp_path, capsys):
    first, second = parquet.list_files(store, "events")
    survivors = parquet.read_file(store, "events", second).num_rows
    _truncate(first)
    assert _cli(["query", "SELECT count(*) AS n FROM events", "--data-root", store.url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].strip() == str(survivors)
    assert f"skipping corrupt Parquet file {first}" in err
    assert _cli(["query", "SELECT count(*) FROM mentions", "--data-root", store.url]) == 0
    assert "400" in capsys.readouterr().out
    assert _cli(["summary", "--data-root", store.url]) == 0
    out, err = capsys.readouterr()
    assert f"events: {survivors}" in out and "Traceback" not in err
    report = ["report", "--since", "2017-01-01", "--out", str(tmp_path / "r")]
    assert _cli([*report, "--data-root", store.url]) == 0
    assert Path(first).exists()  # a query never moves files


@pytest.mark.timeout(120)
def test_the_ui_endpoints_answer_around_a_truncated_file(store):
    first, second = parquet.list_files(store, "events")
    _truncate(first)
    client = make_client(Path(store.url))
    response = client.get("/api/events", params={"limit": 1000})
    assert response.status_code == 200  # before: 503 for every panel
    assert len(response.json()["events"]) == parquet.read_file(store, "events", second).num_rows
    assert client.get("/api/volumes").status_code == 200


@pytest.mark.timeout(120)
def test_the_pipeline_moves_a_corrupt_file_aside_and_goes_on(store, caplog):
    first, second = parquet.list_files(store, "mentions")
    _truncate(first)
    rows = parquet.read_dataset(store, "mentions")
    assert rows.num_rows == parquet.read_file(store, "mentions", second).num_rows
    moved = store.path(parquet.CORRUPT, Path(first).relative_to(store.base).as_posix())
    assert Path(moved).exists() and not Path(first).exists()
    assert f"{first}: corrupt Parquet file" in caplog.text and moved in caplog.text
    assert parquet.list_files(store, "mentions") == [second]


@pytest.mark.timeout(120)
def test_compaction_leaves_a_corrupt_file_out_of_the_day(store):
    from eventwire.store.compact import compact_day

    _truncate(parquet.list_files(store, "mentions")[0])
    result = compact_day(store, "mentions", WINDOW.dt)
    assert result["rows"] == parquet.read_dataset(store, "mentions").num_rows == 200
    assert all(parquet.is_compacted(path) for path in parquet.list_files(store, "mentions"))


# -- 8. one empty manifest


@pytest.mark.timeout(60)
def test_an_empty_manifest_is_rebuilt_from_its_files_with_a_warning(settings, caplog):
    root = tasks.data_root(settings)
    rows = [_article(name, _body(name)) for name in GOOD]
    _ingested(root, rows)
    path = Path(root.path(manifest.MANIFESTS, "ingest", f"dt={WINDOW.dt}", f"{WINDOW.stem}.json"))
    written = json.loads(path.read_text())
    path.write_bytes(b"")

    batches = tasks.pending_batches(settings)

    assert [len(batch["article_ids"]) for batch in batches] == [len(GOOD)]
    assert f"manifest {path} is damaged" in caplog.text
    rebuilt = json.loads(path.read_text())
    assert rebuilt["articles_digest"] == written["articles_digest"]
    assert rebuilt["articles"] == len(GOOD) and rebuilt["rebuilt"] is True


# -- 9. a mistyped data root


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "command",
    [["query", "SELECT 1"], ["summary"], ["export", "--format", "csv", "--out", "unused.csv"]],
)
def test_a_data_root_that_does_not_exist_is_an_error(tmp_path, capsys, command):
    missing = tmp_path / "dta"
    assert _cli([*command, "--data-root", str(missing)]) == commands.EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert err == f"eventwire {command[0]}: {commands.MissingDataRoot(str(missing))}"
    assert "\n" not in err
