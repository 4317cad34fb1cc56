"""Validate one dataset's batch with its GX suite and split it into valid and quarantined rows.

The gate never writes: it returns the valid rows, the quarantine rows, one result row per
expectation and the critical batch failures, and the caller persists them before calling
``raise_for_critical()``, so a failed run still leaves its explanation on the data root.
Severity policy: a row failing a critical row-level check is quarantined and never reaches
the dataset; a failing critical batch-level check (schema drift, volume) fails the task;
warnings of either level are only recorded in the results. Severity is GX's own, set on each
expectation (``suites.py``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

import pyarrow as pa

from eventwire import schema
from eventwire.config import Settings
from eventwire.errors import PermanentFailure
from eventwire.interval import Interval
from eventwire.quality.frame import ROW_INDEX, to_frame
from eventwire.quality.suites import (
    HELPERS,
    KEYS,
    Check,
    checks,
    helper_columns,
    suite_parameters,
)
from eventwire.quality.volume import volume_band

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.core.validation_definition import ValidationDefinition
    from great_expectations.data_context import EphemeralDataContext

log = logging.getLogger(__name__)

QUARANTINE_STAGE = "quality"
REASON_SEPARATOR = "; "
_DATA_SOURCE = "eventwire"
# The arguments a failed batch-level check's message shows as what was expected.
_EXPECTED_ARGUMENTS = ("min_value", "max_value", "type_")


class QualityGateFailed(PermanentFailure):
    """A critical batch-level expectation failed; carries the whole gate result.

    The verdict is on data already written, so a retry would only reach it again."""

    def __init__(self, result: GateResult) -> None:
        self.result = result
        super().__init__(
            f"quality gate failed for {result.dataset} run {result.run_id}: "
            + REASON_SEPARATOR.join(result.critical_failures)
        )


@dataclass
class GateResult:
    """What one validation decided; the caller writes the three tables."""

    dataset: schema.Dataset
    run_id: str
    valid: pa.Table  # rows that passed every critical row-level check, input schema
    quarantined: list[dict]  # schema.QUARANTINE rows plus the ``stage`` partition value
    results: pa.Table  # schema.QUALITY: one row per expectation
    critical_failures: list[str]  # failed critical batch-level checks, with what was observed

    def raise_for_critical(self) -> None:
        if self.critical_failures:
            raise QualityGateFailed(self)


@dataclass(frozen=True)
class _Outcome:
    check: Check
    success: bool
    evaluated: bool
    element_count: int
    unexpected_count: int | None
    unexpected_percent: float | None
    unexpected_rows: tuple[int, ...]
    observed: object
    expected: dict  # the arguments it was evaluated with, suite parameters filled in


def validate(
    dataset: schema.Dataset,
    table: pa.Table,
    *,
    run_id: str,
    interval: Interval,
    previous_row_counts: Sequence[int] = (),
    settings: Settings,
) -> GateResult:
    """Run ``dataset``'s suite over ``table``; ``previous_row_counts`` feed the volume check."""
    # An empty batch is a quiet interval, not a volume anomaly (see quality/volume.py).
    band = (
        volume_band(previous_row_counts, settings.volume_band, settings.volume_min_history)
        if table.num_rows
        else None
    )
    parameters = suite_parameters(band) if band is not None else {}
    outcomes = _run_suite(dataset, band is not None, table, run_id, parameters)

    reasons: dict[int, list[str]] = {}
    critical_failures: list[str] = []
    for outcome in outcomes:
        if outcome.success or outcome.check.severity != "critical":
            continue
        if outcome.check.level == "row" and outcome.evaluated:
            for row in outcome.unexpected_rows:
                reasons.setdefault(row, []).append(outcome.check.name)
        else:
            critical_failures.append(_describe_failure(outcome))

    keep = pa.array([row not in reasons for row in range(table.num_rows)], pa.bool_())
    gate = GateResult(
        dataset=dataset,
        run_id=run_id,
        valid=table.filter(keep),
        quarantined=quarantine_rows(dataset, table, reasons, run_id, interval),
        results=_results_table(dataset, outcomes, run_id, interval),
        critical_failures=critical_failures,
    )
    log.info(
        "%s: %d rows, %d valid, %d quarantined, %d/%d expectations failed, critical: %s",
        dataset, table.num_rows, gate.valid.num_rows, len(gate.quarantined),
        sum(not outcome.success for outcome in outcomes), len(outcomes),
        critical_failures or "none",
    )  # fmt: skip
    return gate


@cache
def _context() -> tuple[EphemeralDataContext, BatchDefinition]:
    """One ephemeral GX context and pandas batch definition per process."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas(_DATA_SOURCE).add_dataframe_asset("batches")
    return context, asset.add_batch_definition_whole_dataframe("whole_batch")


@cache
def _validation_definition(
    dataset: schema.Dataset, judge_volume: bool
) -> tuple[list[Check], ValidationDefinition]:
    """``dataset``'s suite and its validation definition, registered once per process.

    The volume band reaches the suite as suite parameters, so the suite is the same for every
    run; registering it again per run cost GX more than the validation itself (it compares
    every expectation with every stored one).
    """
    import great_expectations as gx

    context, batch_definition = _context()
    suite = checks(dataset, judge_volume=judge_volume)
    name = f"{dataset}.volume" if judge_volume else dataset
    gx_suite = context.suites.add(
        gx.ExpectationSuite(name=name, expectations=[check.expectation for check in suite])
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=gx_suite)
    )
    return suite, definition


def _run_suite(
    dataset: schema.Dataset, judge_volume: bool, table: pa.Table, run_id: str, parameters: dict
) -> list[_Outcome]:
    from great_expectations.core.run_identifier import RunIdentifier

    suite, definition = _validation_definition(dataset, judge_volume)
    frame = to_frame(table)
    for column in helper_columns(dataset):
        try:
            frame[column] = HELPERS[column](frame).fillna(True).astype(bool)
        except (KeyError, AttributeError, TypeError) as error:
            log.warning("%s: helper %s not computed: %r", dataset, column, error)

    result = definition.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=parameters,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_INDEX]},
        run_id=RunIdentifier(run_name=run_id),
    )
    # The ephemeral context keeps every result in memory; the gate hands its own copy back, so
    # a long-lived worker must not accumulate COMPLETE results (row indices) run after run.
    store = _context()[0].validation_results_store
    for key in store.list_keys():
        store.remove_key(key)
    by_name = {check.name: check for check in suite}
    outcomes = [_outcome(by_name, item, table.num_rows) for item in result.results]
    order = {check.name: position for position, check in enumerate(suite)}
    return sorted(outcomes, key=lambda outcome: order[outcome.check.name])


def _outcome(
    by_name: dict[str, Check], item: ExpectationValidationResult, num_rows: int
) -> _Outcome:
    configuration = item.expectation_config
    assert configuration is not None  # GX returns each result with its expectation
    check = by_name[configuration.meta["name"]]
    detail = item.result or {}
    evaluated = not _raised(item.exception_info)
    rows = tuple(int(entry[ROW_INDEX]) for entry in detail.get("unexpected_index_list") or ())
    return _Outcome(
        check=check,
        success=bool(item.success) and evaluated,
        evaluated=evaluated,
        element_count=int(detail.get("element_count", num_rows)),
        unexpected_count=detail.get("unexpected_count"),
        unexpected_percent=detail.get("unexpected_percent"),
        unexpected_rows=rows,
        observed=detail.get("observed_value"),
        expected={
            key: value for key, value in configuration.kwargs.items() if key in _EXPECTED_ARGUMENTS
        },
    )


def _raised(exception_info: dict | None) -> bool:
    """GX reports exceptions flat or keyed by metric; either way look for a raised one."""
    if not exception_info:
        return False
    if "raised_exception" in exception_info:
        return bool(exception_info["raised_exception"])
    return any(
        isinstance(info, dict) and info.get("raised_exception") for info in exception_info.values()
    )


def _describe_failure(outcome: _Outcome) -> str:
    if not outcome.evaluated:
        return f"{outcome.check.name}: could not be evaluated (missing or unreadable column)"
    expected = outcome.expected or "other"
    return f"{outcome.check.name}: observed {outcome.observed!r}, expected {expected}"


def quarantine_rows(
    dataset: schema.Dataset,
    table: pa.Table,
    reasons: dict[int, list[str]],
    run_id: str,
    interval: Interval,
) -> list[dict]:
    """Quarantine records (stage ``quality``) for the rows of ``table`` at the keys of
    ``reasons``, each with its reasons joined and the whole row as the payload."""
    if not reasons:
        return []
    positions = sorted(reasons)
    rows = table.take(pa.array(positions, pa.int64())).to_pylist()
    key = KEYS[dataset]
    return [
        {
            "schema_version": schema.SCHEMA_VERSION,
            "record_id": row.get(key),
            "source_name": row.get("source_name"),
            "url": row.get("url"),
            "reason": REASON_SEPARATOR.join(reasons[position]),
            "payload": json.dumps(row, default=str, sort_keys=True, ensure_ascii=False),
            "run_id": run_id,
            "quarantined_at": interval.end,
            "stage": QUARANTINE_STAGE,
        }
        for position, row in zip(positions, rows, strict=True)
    ]


def _observed_json(outcome: _Outcome) -> str | None:
    if outcome.check.level != "batch" or outcome.observed is None:
        return None
    return json.dumps(outcome.observed, default=str)


def _results_table(
    dataset: schema.Dataset, outcomes: list[_Outcome], run_id: str, interval: Interval
) -> pa.Table:
    validated_at = datetime.now(UTC)
    return pa.Table.from_pylist(
        [
            {
                "schema_version": schema.SCHEMA_VERSION,
                "run_id": run_id,
                "data_interval_start": interval.start,
                "data_interval_end": interval.end,
                "suite": dataset,
                "expectation": outcome.check.name,
                "severity": outcome.check.severity,
                "success": outcome.success,
                "element_count": outcome.element_count,
                "unexpected_count": outcome.unexpected_count,
                "unexpected_percent": outcome.unexpected_percent,
                "validated_at": validated_at,
                "observed": _observed_json(outcome),
            }
            for outcome in outcomes
        ],
        schema=schema.QUALITY,
    )
