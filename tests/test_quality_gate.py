"""The quality gate: every expectation catches a bad row or batch and passes a good one.

Each dataset is validated a handful of times at module scope (GX costs ~7 s to import and
about a second per run): once on an all-good batch, once on a batch that mixes good rows with
one bad row per row-level expectation (tagged in ``rule`` or ``title`` so the quarantine can be
matched back), once with every column's type drifted. Tests then only read those results.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from eventwire import schema
from eventwire.config import Settings
from eventwire.interval import Interval
from eventwire.quality import suites
from eventwire.quality.gate import GateResult, QualityGateFailed, validate

INTERVAL = Interval.ending_at(datetime(2017, 11, 2, 9, 15, tzinfo=UTC))
PUBLISHED = datetime(2017, 11, 2, 9, 5, tzinfo=UTC)
SENTENCE = "Militants attacked a checkpoint near Mosul on Tuesday, killing three soldiers."
GOOD_ROWS = 30
SETTINGS = Settings(volume_band=0.5, volume_min_history=3)


def event_row(number: int, table_schema: pa.Schema = schema.EVENTS, **changes) -> dict:
    """A valid event record filling every column of ``table_schema``; ``changes`` override."""
    row = dict.fromkeys(table_schema.names)
    row.update(
        schema_version=schema.SCHEMA_VERSION,
        event_id=f"ev{number:014d}",
        mention_id=f"mn{number:014d}",
        article_id=f"{number:016x}",
        source_name="Reuters",
        url=f"https://news.example.com/iraq/{number}?ref=feed",
        sentence_index=2,
        sentence_text=SENTENCE,
        char_start=120,
        char_end=120 + len(SENTENCE),
        extractor_version="1",
        rule="good",
        event_date=date(2017, 10, 31),
        date_precision="day",
        date_flag="reported",
        published_at=PUBLISHED,
        ingested_at=PUBLISHED + timedelta(minutes=5),
        plover_type="ASSAULT",
        plover_mode="firearms",
        cameo_code="190",
        cameo_root="19",
        quad_class=4,
        goldstein=-10.0,
        acled_event_type="Battles",
        acled_sub_event_type="Armed clash",
        negated=False,
        confidence=0.8,
        actor_text="Militants",
        actor_code="IRQREB",
        actor_country="IRQ",
        actor_sector="REB",
        recipient_text="soldiers",
        recipient_code="IRQMIL",
        recipient_country="IRQ",
        recipient_sector="MIL",
        location_name="Mosul",
        country="IRQ",
        admin1="Ninawa",
        lat=36.34,
        lon=43.13,
        geonames_id=99072,
        geo_precision=1,
        fatalities=3,
        injured=None,
        fatalities_text="three soldiers",
    )
    if "num_mentions" in row:
        row.update(
            num_mentions=2,
            num_articles=2,
            num_sources=1,
            fatalities_sources=1,
            first_seen_at=PUBLISHED,
            last_seen_at=PUBLISHED + timedelta(hours=1),
            updated_at=PUBLISHED + timedelta(hours=1),
        )
    row.update(changes)
    return row


def article_row(number: int, **changes) -> dict:
    """A valid ``articles`` row filling every column of ``schema.ARTICLES``."""
    row = dict.fromkeys(schema.ARTICLES.names)
    url = f"https://news.example.com/iraq/{number}"
    row.update(
        schema_version=schema.SCHEMA_VERSION,
        article_id=f"{number:016x}",
        url=url + "?utm_source=rss",
        canonical_url=url,
        source_name="Reuters",
        feed_url="https://news.example.com/rss",
        title="good",
        text=SENTENCE,
        summary=SENTENCE,
        author="Staff",
        published_at=PUBLISHED,
        ingested_at=PUBLISHED + timedelta(minutes=5),
        language="en",
        body_source="page",
        text_hash="ab" * 8,
        word_count=11,
    )
    row.update(changes)
    return row


def _good_rows(dataset: str) -> list[dict]:
    if dataset == "articles":
        return [article_row(number) for number in range(GOOD_ROWS)]
    table_schema = schema.SCHEMAS[dataset]
    rows = [event_row(number, table_schema) for number in range(GOOD_ROWS)]
    # edge cases a check must let through
    rows[1].update(lat=None, lon=None, location_name="Ninawa", geo_precision=3)
    rows[2].update(event_date=date(2017, 11, 3), fatalities=10_000, goldstein=10.0)
    rows[3].update(plover_type="CONSULT", acled_event_type=None, acled_sub_event_type=None)
    rows[4].update(event_date=date(1900, 1, 1), confidence=0.0, lat=-90.0, lon=180.0)
    return rows


# check name -> the changes that make one row violate it (on top of a good row)
EVENT_RECORD_CASES: dict[str, dict] = {
    "mention_id.not_null": {"mention_id": None},
    "event_id.not_null": {"event_id": None},
    "article_id.not_null": {"article_id": None},
    "schema_version.not_null": {"schema_version": None},
    "schema_version.current": {"schema_version": schema.SCHEMA_VERSION + 1},
    "plover_type.in_set": {
        "plover_type": "RIOT", "acled_event_type": None, "acled_sub_event_type": None,
    },
    "plover_mode.in_set": {"plover_mode": "carpet-bombing"},
    "actor_sector.in_set": {"actor_sector": "XYZ"},
    "recipient_sector.in_set": {"recipient_sector": "XYZ"},
    "acled_event_type.in_set": {"acled_event_type": "Skirmishes"},
    "acled_sub_event_type.in_set": {"acled_sub_event_type": "Firefight"},
    "quad_class.in_set": {"quad_class": 5},
    "date_precision.in_set": {"date_precision": "week"},
    "date_flag.in_set": {"date_flag": "rumoured"},
    "geo_precision.in_set": {"geo_precision": 4},
    "country.iso_alpha3": {"country": "IRK"},
    "actor_country.iso_alpha3": {"actor_country": "Iraq"},
    "recipient_country.iso_alpha3": {"recipient_country": "USAGOV"},
    "lat.range": {"lat": 91.0},
    "lon.range": {"lon": -180.5},
    "goldstein.range": {"goldstein": -10.5},
    "confidence.range": {"confidence": 1.01},
    "fatalities.range": {"fatalities": 10_001},
    "injured.range": {"injured": -1},
    "event_date.not_before_1900": {"event_date": date(1899, 12, 31)},
    "event_date.not_after_publication": {"event_date": date(2017, 11, 4)},
    "acled_event_type.only_on_coded_plover_types": {"plover_type": "CONSULT"},
    "acled_sub_event_type.matches_event_type": {"acled_sub_event_type": "Peaceful protest"},
    "location_name.coordinates_or_region": {"lat": None, "lon": None, "geo_precision": 2},
    "url.well_formed": {"url": "news.example.com/iraq/1"},
    "sentence_text.not_null": {"sentence_text": None},
    "sentence_text.not_blank": {"sentence_text": "   ", "char_end": 123},
    "char_start.non_negative": {"char_start": -1, "char_end": len(SENTENCE) - 1},
    "char_end.after_char_start": {"char_start": 120, "char_end": 120},
    "char_span.matches_sentence_length": {"char_end": 121 + len(SENTENCE)},
}  # fmt: skip
MERGED_EVENT_CASES: dict[str, dict] = {
    "num_mentions.at_least_one": {"num_mentions": 0, "num_articles": 0},
    "num_articles.not_above_num_mentions": {"num_articles": 3},
    "last_seen_at.not_before_first_seen_at": {"last_seen_at": PUBLISHED - timedelta(seconds=1)},
}
ARTICLE_CASES: dict[str, dict] = {
    "article_id.not_null": {"article_id": None},
    "url.not_null": {"url": None},
    "canonical_url.not_null": {"canonical_url": None},
    "ingested_at.not_null": {"ingested_at": None},
    "schema_version.not_null": {"schema_version": None},
    "schema_version.current": {"schema_version": 0},
    "article_id.format": {"article_id": "ABCDEF0123456789"},
    "url.well_formed": {"url": "https://"},
    "canonical_url.well_formed": {"canonical_url": "ftp://news.example.com/a"},
    "word_count.non_negative": {"word_count": -3},
}
CASES: dict[str, dict[str, dict]] = {
    "articles": ARTICLE_CASES,
    "mentions": {
        name: changes for name, changes in EVENT_RECORD_CASES.items() if name != "event_id.not_null"
    },
    "events": {**EVENT_RECORD_CASES, **MERGED_EVENT_CASES},
}
DUPLICATE_TAG = "duplicate-key"
TAG_COLUMN = {"articles": "title", "mentions": "rule", "events": "rule"}


def _bad_rows(dataset: str) -> list[dict]:
    tag = TAG_COLUMN[dataset]
    build = article_row if dataset == "articles" else event_row
    extra = {} if dataset == "articles" else {"table_schema": schema.SCHEMAS[dataset]}
    rows = [
        build(1000 + number, **extra, **{**changes, tag: name})
        for number, (name, changes) in enumerate(CASES[dataset].items())
    ]
    key = suites.KEYS[dataset]
    twins = [build(2000, **extra, **{tag: DUPLICATE_TAG}) for _ in range(2)]
    twins[1][key] = twins[0][key]
    return rows + twins


def _table(dataset: str, rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema.SCHEMAS[dataset])


def _run(dataset: str, rows: list[dict] | pa.Table, history=(), run_id="test") -> GateResult:
    table = rows if isinstance(rows, pa.Table) else _table(dataset, rows)
    return validate(
        dataset, table, run_id=run_id, interval=INTERVAL,
        previous_row_counts=history, settings=SETTINGS,
    )  # fmt: skip


def _drifted(dataset: str) -> pa.Table:
    """The good batch with every column's type changed to a near miss."""
    table = _table(dataset, _good_rows(dataset))
    swaps = {
        pa.int8(): pa.int64(), pa.int16(): pa.int64(), pa.int32(): pa.int64(),
        pa.int64(): pa.int32(), pa.float32(): pa.float64(), pa.float64(): pa.float32(),
        pa.bool_(): pa.int8(), pa.string(): schema.LOW_CARDINALITY,
        schema.LOW_CARDINALITY: pa.string(), schema.UTC_TIMESTAMP: pa.timestamp("us"),
        pa.date32(): pa.string(),
    }  # fmt: skip
    columns = [
        column.cast(swaps[field.type])
        for field, column in zip(table.schema, table.columns, strict=True)
    ]
    return pa.table(columns, names=table.column_names)


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, GateResult]]:
    return {
        dataset: {
            "good": _run(dataset, _good_rows(dataset), run_id="good"),
            "bad": _run(dataset, _good_rows(dataset) + _bad_rows(dataset), run_id="bad"),
            "drift": _run(dataset, _drifted(dataset), run_id="drift"),
        }
        for dataset in suites.DATASETS
    }


def _outcomes(gate: GateResult) -> dict[str, dict]:
    return {row["expectation"]: row for row in gate.results.to_pylist()}


def _reasons_by_tag(dataset: str, gate: GateResult) -> dict[str, list[set[str]]]:
    found: dict[str, list[set[str]]] = {}
    for row in gate.quarantined:
        tag = json.loads(row["payload"])[TAG_COLUMN[dataset]]
        found.setdefault(tag, []).append(set(row["reason"].split("; ")))
    return found


ROW_CHECKS = [
    (dataset, check)
    for dataset in suites.DATASETS
    for check in suites.checks(dataset)
    if check.level == "row"
]


def test_every_row_level_check_has_a_bad_case():
    for dataset in suites.DATASETS:
        row_checks = {check.name for check in suites.checks(dataset) if check.level == "row"}
        key_unique = f"{suites.KEYS[dataset]}.unique"
        assert row_checks == set(CASES[dataset]) | {key_unique}, dataset


@pytest.mark.parametrize(
    ("dataset", "check"), ROW_CHECKS, ids=[f"{d}:{c.name}" for d, c in ROW_CHECKS]
)
def test_row_check_catches_its_bad_row_and_passes_good_rows(runs, dataset, check):
    good, bad = runs[dataset]["good"], runs[dataset]["bad"]
    assert _outcomes(good)[check.name]["success"] is True
    outcome = _outcomes(bad)[check.name]
    assert outcome["success"] is False
    tag = DUPLICATE_TAG if check.name.endswith(".unique") else check.name
    expected_rows = 2 if tag == DUPLICATE_TAG else 1
    assert outcome["unexpected_count"] >= expected_rows  # other bad rows may trip it too
    quarantined = _reasons_by_tag(dataset, bad)
    if check.severity == "critical":
        assert len(quarantined[tag]) == expected_rows
        assert all(check.name in reasons for reasons in quarantined[tag])
    else:
        assert tag not in quarantined  # warnings only record
        assert tag in bad.valid.column(TAG_COLUMN[dataset]).to_pylist()


@pytest.mark.parametrize("dataset", suites.DATASETS)
def test_good_batch_passes_every_expectation(runs, dataset):
    gate = runs[dataset]["good"]
    assert [row["expectation"] for row in gate.results.to_pylist() if not row["success"]] == []
    assert gate.quarantined == []
    assert gate.critical_failures == []
    assert gate.valid.equals(_table(dataset, _good_rows(dataset)))
    gate.raise_for_critical()


@pytest.mark.parametrize("dataset", suites.DATASETS)
def test_quarantine_gets_failing_rows_and_valid_does_not(runs, dataset):
    gate = runs[dataset]["bad"]
    key = suites.KEYS[dataset]
    tag = TAG_COLUMN[dataset]
    warnings = {check.name for check in suites.checks(dataset) if check.severity == "warning"}
    expected_out = {name for name in CASES[dataset] if name not in warnings} | {DUPLICATE_TAG}
    assert set(_reasons_by_tag(dataset, gate)) == expected_out
    assert not expected_out & set(gate.valid.column(tag).to_pylist())
    assert gate.valid.num_rows + len(gate.quarantined) == GOOD_ROWS + len(CASES[dataset]) + 2
    assert gate.valid.schema == schema.SCHEMAS[dataset]
    for row in gate.quarantined:
        assert row["stage"] == "quality"
        assert row["run_id"] == "bad"
        assert row["record_id"] == json.loads(row["payload"])[key]
    rows = [{k: v for k, v in row.items() if k != "stage"} for row in gate.quarantined]
    assert pa.Table.from_pylist(rows, schema=schema.QUARANTINE).num_rows == len(rows)
    assert gate.critical_failures == []  # row failures alone do not fail the task


def test_mentions_without_event_id_pass_the_gate_before_the_merge():
    rows = [{**row, "event_id": None} for row in _good_rows("mentions")]
    gate = _run("mentions", rows)
    assert gate.quarantined == []
    assert gate.valid.num_rows == len(rows)


@pytest.mark.parametrize("dataset", suites.DATASETS)
def test_results_have_one_quality_row_per_expectation(runs, dataset):
    gate = runs[dataset]["bad"]
    assert gate.results.schema == schema.QUALITY
    names = gate.results.column("expectation").to_pylist()
    assert names == [check.name for check in suites.checks(dataset)]
    assert set(gate.results.column("suite").to_pylist()) == {dataset}
    assert set(gate.results.column("data_interval_start").to_pylist()) == {INTERVAL.start}


@pytest.mark.parametrize("dataset", suites.DATASETS)
def test_schema_drift_of_every_column_is_a_critical_failure(runs, dataset):
    gate = runs[dataset]["drift"]
    outcomes = _outcomes(gate)
    for field in schema.SCHEMAS[dataset]:
        name = f"schema.type.{field.name}"
        assert outcomes[name]["success"] is False, name
        assert any(failure.startswith(name + ":") for failure in gate.critical_failures)
    with pytest.raises(QualityGateFailed) as raised:
        gate.raise_for_critical()
    assert raised.value.result is gate


@pytest.mark.parametrize("change", ["extra", "missing", "reordered"])
def test_column_drift_fails_schema_columns(change):
    table = _table("mentions", _good_rows("mentions"))
    if change == "extra":
        table = table.append_column("sentiment", pa.array([0.5] * table.num_rows))
    elif change == "missing":
        table = table.drop_columns(["rule"])
    else:
        table = table.select([*table.column_names[1:], table.column_names[0]])
    gate = _run("mentions", table)
    assert _outcomes(gate)["schema.columns"]["success"] is False
    assert any(failure.startswith("schema.columns:") for failure in gate.critical_failures)
    assert json.loads(_outcomes(gate)["schema.columns"]["observed"])[0] == "_row"


def test_volume_far_below_the_trailing_median_fails_the_run():
    history = [100, 96, 104, 99]  # fabricated earlier runs around 100 mentions
    gate = _run("mentions", _good_rows("mentions"), history=history)
    outcome = _outcomes(gate)[suites.VOLUME_CHECK]
    assert outcome["success"] is False
    assert json.loads(outcome["observed"]) == GOOD_ROWS
    assert [failure.split(":")[0] for failure in gate.critical_failures] == [suites.VOLUME_CHECK]
    assert gate.valid.num_rows == GOOD_ROWS  # the rows themselves are fine
    with pytest.raises(QualityGateFailed, match=r"volume\.row_count_in_band"):
        gate.raise_for_critical()


def test_volume_within_the_band_passes_and_short_history_is_not_judged():
    within = _run("mentions", _good_rows("mentions"), history=[25, 31, 40])
    assert _outcomes(within)[suites.VOLUME_CHECK]["success"] is True
    assert within.critical_failures == []
    short = _run("mentions", _good_rows("mentions"), history=[1000, 1000])
    assert suites.VOLUME_CHECK not in _outcomes(short)
    assert short.critical_failures == []


def test_volume_band_follows_settings():
    loose = replace(SETTINGS, volume_band=0.8)
    table = _table("articles", _good_rows("articles"))
    gate = validate(
        "articles", table, run_id="test", interval=INTERVAL,
        previous_row_counts=[100, 100, 100], settings=loose,
    )  # fmt: skip
    assert _outcomes(gate)[suites.VOLUME_CHECK]["success"] is True


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="deletions"):
        suites.checks("deletions")


def test_data_docs_name_each_suite(runs, tmp_path: Path):
    from eventwire.quality.docs import build_data_docs

    results = [runs[dataset][kind].results for dataset in suites.DATASETS for kind in runs[dataset]]
    site = build_data_docs(results, tmp_path / "docs")
    index = (site / "index.html").read_text()
    for dataset in suites.DATASETS:
        assert (site / "expectations" / f"{dataset}.html").is_file()
        assert f"expectations/{dataset}.html" in index
        for kind in runs[dataset]:
            pages = list((site / "validations" / dataset / kind).rglob("*.html"))
            assert len(pages) == 1, (dataset, kind)
            assert f"validations/{dataset}/{kind}/" in index


@pytest.mark.parametrize("dataset", suites.DATASETS)
def test_an_empty_interval_is_not_judged_on_volume(dataset):
    """A quiet interval is normal on a 15-minute schedule; a feed gone dark is caught by the
    per-feed health (store/feed_health.py), not by failing the whole run."""
    quiet = _run(dataset, [], history=[10, 12, 11])  # busy runs before: a band is known
    assert suites.VOLUME_CHECK not in _outcomes(quiet)
    assert quiet.critical_failures == []
    assert quiet.valid.num_rows == 0


def test_first_busy_run_after_quiet_runs_is_not_judged():
    """Three quiet runs, then 12 new articles, once failed a 0-0 band."""
    gate = _run("articles", _good_rows("articles"), history=[0, 0, 0])
    assert suites.VOLUME_CHECK not in _outcomes(gate)
    assert gate.critical_failures == []


@pytest.mark.parametrize(
    ("url", "well_formed"),
    [
        ("https://news.example.com/iraq/1?ref=feed", True),
        ("http://127.0.0.1:8000/feed.xml", True),
        ("file:pages/meridian-wire/kenya-kisumu-protests-tear-gas.html", True),
        ("file:/etc/passwd", False),
        ("file:pages/../../etc/passwd", False),
        ("ftp://news.example.com/a", False),
        ("news.example.com/iraq/1", False),
    ],
)
def test_url_pattern_accepts_web_and_sample_urls_only(url, well_formed):
    import re

    assert bool(re.fullmatch(suites.URL_PATTERN, url)) is well_formed
