"""The band a run's row count must fall in, from the row counts of earlier runs.

A run far off its trailing median (a feed that went silent, an extractor that suddenly codes
everything) is a batch-level anomaly no row check can see. The median rather than the mean keeps
one earlier anomaly from dragging the band; the trailing window keeps it following the news
cycle rather than the whole history.

Cold start and quiet intervals: only *non-empty* earlier runs count. A 15-minute interval in
which no feed published anything is normal, not a data point about volume: three quiet runs
once gave a median of 0, a band of 0–0, and failed the first run that brought 12 articles.
So there is no verdict until ``min_history`` non-empty runs exist, the median of non-empty
runs is at least 1 (the band can never be 0–0), and an empty run itself gets no verdict
(``gate.validate`` skips the check for it: a feed gone dark is a per-feed health matter,
see ``store/feed_health.py``).
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
    """``median * (1 - band) .. median * (1 + band)`` of the trailing non-empty runs.

    None while fewer than ``min_history`` non-empty earlier runs exist: a band drawn from one
    or two runs would fail a pipeline that is only warming up.
    """
    trailing = [count for count in previous_row_counts if count > 0][-TRAILING_RUNS:]
    if len(trailing) < max(min_history, 1):
        return None
    median = statistics.median(trailing)
    return VolumeBand(
        median=median,
        min_rows=max(0, math.floor(median * (1 - band))),
        max_rows=math.ceil(median * (1 + band)),
    )
