"""The band a run's row count must fall in, from the row counts of earlier runs.

A run far off its trailing median (a feed that went silent, an extractor that suddenly codes
everything) is a batch-level anomaly no row check can see. The median rather than the mean keeps
one earlier anomaly from dragging the band; the trailing window keeps it following the news
cycle rather than the whole history.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Runs the median looks back over: about a day of 15-minute intervals, long enough to smooth the
# hour-to-hour rhythm of the feeds, short enough to follow a week-long news surge.
TRAILING_RUNS = 96


@dataclass(frozen=True)
class VolumeBand:
    """Inclusive row-count bounds and the median of earlier runs they were derived from."""

    median: float
    min_rows: int
    max_rows: int


def volume_band(
    previous_row_counts: Sequence[int], band: float, min_history: int
) -> VolumeBand | None:
    """``median * (1 - band) .. median * (1 + band)`` of the trailing runs.

    None while fewer than ``min_history`` earlier runs exist: a band drawn from one or two runs
    would fail a pipeline that is only warming up.
    """
    trailing = list(previous_row_counts)[-TRAILING_RUNS:]
    if len(trailing) < max(min_history, 1):
        return None
    median = statistics.median(trailing)
    return VolumeBand(
        median=median,
        min_rows=max(0, math.floor(median * (1 - band))),
        max_rows=math.ceil(median * (1 + band)),
    )
