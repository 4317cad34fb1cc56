"""The expectation suites of ``articles``, ``mentions`` and ``events``, as code.

Every check is a ``Check``: a stable name (what the quarantine's ``reason`` and the ``quality/``
history carry), a level and a typed GX Core expectation (``gxe.*``) carrying GX's own
``severity``. Row-level checks judge single rows: a row failing a critical one is quarantined.
Batch-level checks judge the run as a whole (schema drift, volume): a critical failure fails the
task. Warnings are only recorded. Vocabularies come from ``schema.py``, so a suite never
disagrees with the writers. The volume band changes from run to run, so the volume check
names two suite parameters (``$PARAMETER``) whose values the gate passes at validation time:
the suite itself is the same for every run.

Cross-column rules GX has no pandas expectation for are computed as boolean helper columns
(``HELPERS``) that the gate adds to the batch and a check expects to be true; GX's
``UnexpectedRowsExpectation`` would express them as SQL, but it runs on SQL data sources only.
GX takes seconds to import, so only ``checks()`` imports it: the constants here import without.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import product
from typing import TYPE_CHECKING, Any, Literal, cast

import pandas as pd
import pyarrow as pa

from eventwire import schema
from eventwire.quality.frame import ROW_INDEX, gx_type_name
from eventwire.quality.volume import VolumeBand

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

DATASETS: tuple[str, ...] = ("articles", "mentions", "events")
KEYS: dict[str, str] = {"articles": "article_id", "mentions": "mention_id", "events": "event_id"}
VOLUME_CHECK = "volume.row_count_in_band"
# The suite parameters the volume check reads its band from (``suite_parameters``).
VOLUME_MIN_ROWS, VOLUME_MAX_ROWS = "volume_min_rows", "volume_max_rows"
# Non-nullable columns a later stage fills: mentions are validated before the merge gives them
# their event_id (store/merge.py), so requiring it at the gate would quarantine every mention.
ASSIGNED_AFTER_GATE: dict[str, frozenset[str]] = {"mentions": frozenset({"event_id"})}

# ACLED and GDELT codebooks: coordinates are WGS84 degrees, Goldstein scores -10..10.
LATITUDE_RANGE = (-90.0, 90.0)
LONGITUDE_RANGE = (-180.0, 180.0)
GOLDSTEIN_RANGE = (-10.0, 10.0)
# The ceiling for one report's toll: a larger number is far likelier a parsing slip
# ("10,0000", a year read as a count) than a fact, and wants a human look in the quarantine.
CASUALTY_MAX = 10_000
EARLIEST_EVENT_DATE = datetime(1900, 1, 1)
# A report can date an event one day after its own timestamp (time zones, "tomorrow's vote").
PUBLICATION_SLACK = pd.Timedelta(days=1)
# http(s), a dotted host name, localhost or an IPv4 address, an optional port, no whitespace;
# or a file: URL relative to the samples root, the only file URLs ingestion accepts (no "..").
URL_PATTERN = (
    r"^(?:https?://(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?::\d{1,5})?(?:[/?#]\S*)?"
    r"|file:(?!/)(?!.*(?:^|/)\.\.(?:/|$))[^\s?#]+(?:[?#]\S*)?)$"
)
ARTICLE_ID_PATTERN = r"^[0-9a-f]{16}$"  # first 16 hex digits of sha256(canonical URL)
NON_BLANK_PATTERN = r"\S"

Severity = Literal["critical", "warning"]
Level = Literal["row", "batch"]


@dataclass(frozen=True)
class Check:
    """One named GX expectation and whether it judges single rows or the batch.

    The name also travels in the expectation's ``meta``: a validation result carries only its
    expectation's configuration, and the gate finds the check again by it.
    """

    name: str
    level: Level
    expectation: Expectation

    @property
    def severity(self) -> Severity:
        return cast("Severity", self.expectation.severity.value)


def _place_without_coordinates_is_region(frame: pd.DataFrame) -> pd.Series:
    """ACLED's geo_precision 3: a region or country named without a point is fine, a town not."""
    has_point = frame["lat"].notna() & frame["lon"].notna()
    return frame["location_name"].isna() | has_point | (frame["geo_precision"] == 3)


def _event_date_not_after_publication(frame: pd.DataFrame) -> pd.Series:
    published = frame["published_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    latest = (published + PUBLICATION_SLACK).dt.floor("D")
    event_date = frame["event_date"]
    return event_date.isna() | published.isna() | (event_date <= latest)


def _char_span_matches_sentence(frame: pd.DataFrame) -> pd.Series:
    """The ``char_start..char_end`` span is the sentence: its length is the sentence's."""
    start, end, text = frame["char_start"], frame["char_end"], frame["sentence_text"]
    return start.isna() | end.isna() | text.isna() | ((end - start) == text.str.len())


HELPERS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "check_place_without_coordinates_is_region": _place_without_coordinates_is_region,
    "check_event_date_not_after_publication": _event_date_not_after_publication,
    "check_char_span_matches_sentence": _char_span_matches_sentence,
}


def helper_columns(dataset: schema.Dataset) -> tuple[str, ...]:
    """The helper columns the gate adds to a batch of ``dataset`` (after ``_row``)."""
    return tuple(HELPERS) if dataset in ("mentions", "events") else ()


@cache
def iso_alpha3() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


def checks(dataset: schema.Dataset, *, judge_volume: bool = False) -> list[Check]:
    """The suite of ``dataset``; with ``judge_volume``, the volume check too (its band is given
    at validation time as ``suite_parameters``)."""
    if dataset not in DATASETS:
        raise ValueError(f"no quality suite for dataset {dataset!r}; expected one of {DATASETS}")
    import great_expectations.expectations as gxe

    table_schema = schema.SCHEMAS[dataset]
    suite = _schema_checks(dataset, table_schema) + _key_checks(dataset, table_schema)
    suite += _article_checks() if dataset == "articles" else _event_record_checks()
    if dataset == "events":
        suite += _merged_event_checks()
    if judge_volume:
        suite.append(
            _check(
                VOLUME_CHECK,
                "batch",
                gxe.ExpectTableRowCountToBeBetween,
                min_value={"$PARAMETER": VOLUME_MIN_ROWS},
                max_value={"$PARAMETER": VOLUME_MAX_ROWS},
            )
        )
    return suite


def suite_parameters(band: VolumeBand) -> dict[str, int]:
    """The values of the volume check's suite parameters for a run with ``band``."""
    return {VOLUME_MIN_ROWS: band.min_rows, VOLUME_MAX_ROWS: band.max_rows}


def _schema_checks(dataset: schema.Dataset, table_schema: pa.Schema) -> list[Check]:
    import great_expectations.expectations as gxe

    columns = [ROW_INDEX, *table_schema.names, *helper_columns(dataset)]
    suite = [
        _check(
            "schema.columns",
            "batch",
            gxe.ExpectTableColumnsToMatchOrderedList,
            column_list=columns,
        )
    ]
    suite += [
        _check(
            f"schema.type.{column.name}",
            "batch",
            gxe.ExpectColumnValuesToBeOfType,
            column=column.name,
            type_=gx_type_name(column.type),
        )
        for column in table_schema
    ]
    return suite


def _key_checks(dataset: schema.Dataset, table_schema: pa.Schema) -> list[Check]:
    import great_expectations.expectations as gxe

    suite = [
        _row(f"{column.name}.not_null", gxe.ExpectColumnValuesToNotBeNull, column=column.name)
        for column in table_schema
        if not column.nullable and column.name not in ASSIGNED_AFTER_GATE.get(dataset, ())
    ]
    suite.append(
        _row(
            "schema_version.current",
            gxe.ExpectColumnValuesToBeInSet,
            column="schema_version",
            value_set=[schema.SCHEMA_VERSION],
        )
    )
    key = KEYS[dataset]
    suite.append(_row(f"{key}.unique", gxe.ExpectColumnValuesToBeUnique, column=key))
    return suite


def _article_checks() -> list[Check]:
    import great_expectations.expectations as gxe

    return [
        _row(
            "article_id.format",
            gxe.ExpectColumnValuesToMatchRegex,
            column="article_id",
            regex=ARTICLE_ID_PATTERN,
        ),
        _well_formed_url("url"),
        _well_formed_url("canonical_url"),
        _row(
            "word_count.non_negative", gxe.ExpectColumnValuesToBeBetween, column="word_count",
            min_value=0,
        ),
    ]  # fmt: skip


def _event_record_checks() -> list[Check]:
    import great_expectations.expectations as gxe

    sub_event_types = sorted(
        {sub for subs in schema.ACLED_SUB_EVENT_TYPES.values() for sub in subs}
    )
    acled_pairs = [
        (event_type, sub) for event_type, subs in schema.ACLED_SUB_EVENT_TYPES.items()
        for sub in subs
    ]  # fmt: skip
    coded_pairs = list(product(sorted(schema.ACLED_CODED_PLOVER_TYPES), schema.ACLED_EVENT_TYPES))
    countries = sorted(iso_alpha3())
    return [
        # value sets
        _in_set("plover_type", schema.PLOVER_TYPES),
        _in_set("plover_mode", sorted(schema.PLOVER_MODES), severity="warning"),
        _in_set("actor_sector", sorted(schema.SECTORS), severity="warning"),
        _in_set("recipient_sector", sorted(schema.SECTORS), severity="warning"),
        _in_set("acled_event_type", schema.ACLED_EVENT_TYPES),
        _in_set("acled_sub_event_type", sub_event_types),
        _in_set("quad_class", schema.QUAD_CLASSES),
        _in_set("date_precision", schema.DATE_PRECISIONS),
        _in_set("date_flag", schema.DATE_FLAGS),
        _in_set("geo_precision", schema.GEO_PRECISIONS),
        _in_set("country", countries, check="iso_alpha3"),
        _in_set("actor_country", countries, check="iso_alpha3"),
        _in_set("recipient_country", countries, check="iso_alpha3"),
        # ranges
        _between("lat", *LATITUDE_RANGE),
        _between("lon", *LONGITUDE_RANGE),
        _between("goldstein", *GOLDSTEIN_RANGE),
        _between("confidence", 0.0, 1.0),
        _between("fatalities", 0, CASUALTY_MAX),
        _between("injured", 0, CASUALTY_MAX),
        _row(
            "event_date.not_before_1900",
            gxe.ExpectColumnValuesToBeBetween,
            column="event_date",
            min_value=EARLIEST_EVENT_DATE,
        ),
        _helper("event_date.not_after_publication", "check_event_date_not_after_publication"),
        # consistency
        _row(
            "acled_event_type.only_on_coded_plover_types",
            gxe.ExpectColumnPairValuesToBeInSet,
            column_A="plover_type",
            column_B="acled_event_type",
            value_pairs_set=coded_pairs,
            ignore_row_if="either_value_is_missing",
        ),
        _row(
            "acled_sub_event_type.matches_event_type",
            gxe.ExpectColumnPairValuesToBeInSet,
            column_A="acled_event_type",
            column_B="acled_sub_event_type",
            value_pairs_set=acled_pairs,
            ignore_row_if="both_values_are_missing",
        ),
        _helper("location_name.coordinates_or_region", "check_place_without_coordinates_is_region"),
        _well_formed_url("url"),
        _row("sentence_text.not_null", gxe.ExpectColumnValuesToNotBeNull, column="sentence_text"),
        _row(
            "sentence_text.not_blank",
            gxe.ExpectColumnValuesToMatchRegex,
            column="sentence_text",
            regex=NON_BLANK_PATTERN,
        ),
        _row(
            "char_start.non_negative", gxe.ExpectColumnValuesToBeBetween, column="char_start",
            min_value=0,
        ),
        _row(
            "char_end.after_char_start", gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            column_A="char_end", column_B="char_start", ignore_row_if="either_value_is_missing",
        ),
        _helper("char_span.matches_sentence_length", "check_char_span_matches_sentence"),
    ]  # fmt: skip


def _merged_event_checks() -> list[Check]:
    import great_expectations.expectations as gxe

    return [
        _row(
            "num_mentions.at_least_one", gxe.ExpectColumnValuesToBeBetween, column="num_mentions",
            min_value=1,
        ),
        _row(
            "num_articles.not_above_num_mentions", gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            column_A="num_mentions", column_B="num_articles", or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _row(
            "last_seen_at.not_before_first_seen_at", gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            column_A="last_seen_at", column_B="first_seen_at", or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]  # fmt: skip


def _check(
    name: str,
    level: Level,
    expectation: type[Expectation],
    severity: Severity = "critical",
    **kwargs: Any,  # each expectation class's own arguments
) -> Check:
    from great_expectations.expectations.metadata_types import FailureSeverity

    made = expectation(**kwargs, severity=FailureSeverity(severity), meta={"name": name})
    return Check(name, level, made)


def _row(
    name: str, expectation: type[Expectation], severity: Severity = "critical", **kwargs: Any
) -> Check:
    return _check(name, "row", expectation, severity, **kwargs)


def _in_set(
    column: str, values: Iterable[object], *, severity: Severity = "critical", check: str = "in_set"
) -> Check:
    import great_expectations.expectations as gxe

    return _row(
        f"{column}.{check}",
        gxe.ExpectColumnValuesToBeInSet,
        severity,
        column=column,
        value_set=list(values),
    )


def _between(column: str, low: float, high: float) -> Check:
    import great_expectations.expectations as gxe

    return _row(
        f"{column}.range",
        gxe.ExpectColumnValuesToBeBetween,
        column=column,
        min_value=low,
        max_value=high,
    )


def _well_formed_url(column: str) -> Check:
    import great_expectations.expectations as gxe

    return _row(
        f"{column}.well_formed",
        gxe.ExpectColumnValuesToMatchRegex,
        column=column,
        regex=URL_PATTERN,
    )


def _helper(name: str, column: str) -> Check:
    import great_expectations.expectations as gxe

    return _row(name, gxe.ExpectColumnValuesToBeInSet, column=column, value_set=[True])
