"""Entry point of a stage's child process: ``python -m benchmarks.child STAGE PARAMS OUT``.

Runs one stage function with the JSON ``PARAMS`` as keyword arguments and writes its
``Measurement`` (or the list of them a stage with several rows returns), with the process
tree's peak memory filled in, to the file ``OUT`` as a JSON list.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks import (
    airflow_stages,
    extract_stages,
    ingest_stages,
    recode_stages,
    store_stages,
    ui_stages,
)
from benchmarks.measure import Measurement, TreeSampler, peak_rss_mib

STAGES: dict[str, Callable[..., Measurement | list[Measurement]]] = {
    "feed_parsing": ingest_stages.feed_parsing,
    "article_extraction": ingest_stages.article_extraction,
    "event_extraction": extract_stages.event_extraction,
    "spacy_baseline": extract_stages.spacy_baseline,
    "gx_validation": store_stages.gx_validation,
    "parquet_write": store_stages.parquet_write,
    "synthetic_year": store_stages.synthetic_year,
    "query_latency": store_stages.query_latency,
    "synthetic_ui_day": ui_stages.synthetic_ui_day,
    "ui_endpoints": ui_stages.ui_endpoints,
    "dag_run": airflow_stages.dag_run,
    "direct_run": airflow_stages.direct_run,
    "recode_run": recode_stages.recode_run,
}


def main(argv: list[str]) -> int:
    stage, params, out = argv
    sampler = TreeSampler()
    sampler.start()
    found = STAGES[stage](**json.loads(params))
    sampler.stop()
    rows = found if isinstance(found, list) else [found]
    for measurement in rows:
        measurement.peak_rss_mib = max(peak_rss_mib(), sampler.largest_mib)
        measurement.tree_peak_mib = max(measurement.peak_rss_mib, sampler.tree_mib)
        measurement.other_cpu_share = sampler.other_cpu_share
    Path(out).write_text(json.dumps([measurement.to_dict() for measurement in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
