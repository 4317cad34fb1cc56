"""GX Data Docs, a static HTML site, rebuilt from the ``quality/`` result rows.

The docs are rendered from the persisted result rows rather than from GX's in-memory results,
so any worker (or a later maintenance run) can rebuild them from what is on the data root, and
the site never depends on which process happened to validate. The rows carry what an analyst
needs on a docs page (success, element and unexpected counts and percent, severity); the
expectation arguments come from the suites in ``suites.py``, matched by expectation name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from eventwire.quality.suites import VOLUME_CHECK, checks
from eventwire.schema import Dataset

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )
    from great_expectations.data_context.types.resource_identifiers import (
        ValidationResultIdentifier,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

SITE_NAME = "eventwire"


def build_data_docs(results: Iterable[pa.Table], target_dir: Path) -> Path:
    """Render ``schema.QUALITY`` tables into a Data Docs site; returns the site directory.

    The site has an ``index.html`` linking one expectation-suite page per suite and one
    validation page per (suite, run).
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    target_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(target_dir),
            },
        },
    )
    rows = [row for table in results for row in table.to_pylist()]
    for suite in sorted({row["suite"] for row in rows}):
        context.suites.add(
            gx.ExpectationSuite(
                name=suite, expectations=[check.expectation for check in checks(suite)]
            )
        )
    runs: dict[tuple[Dataset, str], list[dict]] = {}
    for row in rows:
        runs.setdefault((row["suite"], row["run_id"]), []).append(row)
    for (suite, _run_id), run_rows in sorted(runs.items()):
        key, value = _validation_result(suite, run_rows)
        context.validation_results_store.set(key, value)
    context.build_data_docs(site_names=[SITE_NAME])
    return target_dir


def _validation_result(
    suite: Dataset, rows: list[dict]
) -> tuple[ValidationResultIdentifier, ExpectationSuiteValidationResult]:
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    defined = {check.name: check for check in checks(suite)}
    first = rows[0]
    start, end = first["data_interval_start"], first["data_interval_end"]
    interval = f"{start:%Y%m%dT%H%M}-{end:%Y%m%dT%H%M}"
    run_identifier = RunIdentifier(run_name=first["run_id"], run_time=first["validated_at"])
    items = [
        ExpectationValidationResult(
            success=bool(row["success"]),
            expectation_config=_configuration(defined, row),
            result=_result(row),
        )
        for row in rows
    ]
    successes = sum(bool(row["success"]) for row in rows)
    value = ExpectationSuiteValidationResult(
        success=successes == len(rows),
        results=items,
        suite_name=suite,
        statistics={
            "evaluated_expectations": len(rows),
            "successful_expectations": successes,
            "unsuccessful_expectations": len(rows) - successes,
            "success_percent": 100.0 * successes / len(rows),
        },
        meta={"run_id": run_identifier, "data_interval": interval},
        batch_id=f"{suite}-{interval}",
    )
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
        run_id=run_identifier,
        batch_identifier=f"{suite}-{interval}",
    )
    return key, value


def _result(row: dict) -> dict:
    result = {
        key: row[key]
        for key in ("element_count", "unexpected_count", "unexpected_percent")
        if row[key] is not None
    }
    if row["observed"] is not None:
        result["observed_value"] = json.loads(row["observed"])
    return result


def _configuration(defined: dict, row: dict) -> ExpectationConfiguration:
    """The expectation as defined in the suite; the volume check's band is drawn per run from
    the history and not stored, so it is shown by type and name only."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    if row["expectation"] == VOLUME_CHECK:
        return ExpectationConfiguration(
            type=gxe.ExpectTableRowCountToBeBetween.expectation_type,
            kwargs={},
            meta={"name": row["expectation"]},
            severity=row["severity"],
        )
    return defined[row["expectation"]].expectation.configuration
