"""The store on object storage: moto's S3 server on 127.0.0.1, spoken to through s3fs.

Write, re-run, compact and query a data root at ``s3://bucket/prefix`` over the real S3
protocol (HTTP to a local server, not an in-process mock); DuckDB reads it through the
registered fsspec filesystem because its ``httpfs`` extension cannot be downloaded here.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Iterator

import pyarrow.compute as pc
import pytest
from factories import run, synthetic_mentions

from eventwire.config import S3Options
from eventwire.fs import DataRoot
from eventwire.store import commands, compact, merge, parquet, views

pytestmark = pytest.mark.integration

BUCKET = "eventwire-test"
DAY = "2017-11-02"
RUNS = [run(hour=9, minute=minute) for minute in (0, 15, 30, 45)]
CREDENTIALS = {"key": "testing", "secret": "testing", "region": "eu-west-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="module")
def root(endpoint: str) -> DataRoot:
    options = S3Options(endpoint_url=endpoint, **CREDENTIALS)
    root = DataRoot(f"s3://{BUCKET}/store", options)
    root.fs.mkdir(BUCKET)
    for number, window in enumerate(RUNS):
        result = merge.merge_mentions(root, synthetic_mentions(300, window, number), window)
        parquet.write_interval(root, "mentions", result.mentions, window)
    return root


def _objects(root: DataRoot) -> dict[str, bytes]:
    root.fs.invalidate_cache()
    return {path: root.fs.cat_file(path) for path in root.fs.find(BUCKET)}


def test_write_lands_as_hive_partitioned_objects(root):
    paths = parquet.list_files(root, "mentions")
    assert paths == [f"{BUCKET}/store/mentions/dt={DAY}/{w.file_name}" for w in RUNS]
    assert parquet.read_dataset(root, "mentions").num_rows == 1200
    assert not [p for p in _objects(root) if "/." in p], "no temporary objects on S3"


def test_rerun_is_byte_identical_on_s3(root):
    before = _objects(root)
    window = RUNS[2]
    result = merge.merge_mentions(root, synthetic_mentions(300, window, 2), window)
    parquet.write_interval(root, "mentions", result.mentions, window)
    assert result.events_written == 0
    assert _objects(root) == before


def test_compact_then_query_through_duckdb(root, endpoint, capsys, monkeypatch):
    before = parquet.read_dataset(root, "mentions")
    for dataset in ("mentions", "events"):
        result = compact.compact_day(root, dataset, DAY)
        assert result["files_after"] == 1
    assert len(parquet.list_files(root, "mentions")) == 1
    connection = views.connect(root)
    per_country = dict(
        connection.execute(
            "SELECT CAST(country AS VARCHAR), count(*) FROM mentions GROUP BY ALL"
        ).fetchall()
    )
    expected = pc.value_counts(before["country"].cast("string")).to_pylist()
    assert per_country == {item["values"]: item["counts"] for item in expected}
    events = connection.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone()
    assert events[0] == events[1] > 0
    environment = {
        "EVENTWIRE_DATA_ROOT": root.url,
        "EVENTWIRE_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["key"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret"],
        "AWS_DEFAULT_REGION": CREDENTIALS["region"],
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    parser = argparse.ArgumentParser(prog="eventwire")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["query", "SELECT count(*) AS n FROM mentions", "--format", "csv"])
    assert args.handler(args) == 0
    assert capsys.readouterr().out.split() == ["n", "1200"]
