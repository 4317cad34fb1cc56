"""The volume band: trailing median of earlier runs, widened by the configured fraction."""

from __future__ import annotations

import pytest

from eventwire.quality.volume import TRAILING_RUNS, volume_band


def test_band_is_the_median_widened_both_ways():
    band = volume_band([90, 100, 400, 110, 95], band=0.5, min_history=3)
    assert band is not None
    assert band.median == 100  # one earlier anomaly (400) does not drag the band
    assert (band.min_rows, band.max_rows) == (50, 150)


def test_band_bounds_round_outwards():
    band = volume_band([3, 3, 3], band=0.5, min_history=3)
    assert (band.min_rows, band.max_rows) == (1, 5)


def test_no_band_until_enough_history():
    assert volume_band([100, 100], band=0.5, min_history=3) is None
    assert volume_band([], band=0.5, min_history=0) is None


def test_only_trailing_runs_count():
    old, recent = [10] * 500, [1000] * TRAILING_RUNS
    band = volume_band(old + recent, band=0.2, min_history=3)
    assert band.median == 1000
    assert (band.min_rows, band.max_rows) == (800, 1200)


@pytest.mark.parametrize("fraction", [0.0, 1.0, 2.0])
def test_lower_bound_never_negative(fraction):
    band = volume_band([10, 10, 10], band=fraction, min_history=1)
    assert band.min_rows == max(0, round(10 * (1 - fraction)))
    assert band.max_rows == round(10 * (1 + fraction))


def test_quiet_runs_are_no_history():
    """Three empty intervals once gave a median of 0 and a band of 0-0 that failed the first
    real run: empty runs are not counted, so there is no verdict yet."""
    assert volume_band([0, 0, 0], band=0.5, min_history=3) is None
    assert volume_band([0, 12, 0, 9, 0], band=0.5, min_history=3) is None
    band = volume_band([0, 12, 0, 9, 0, 10, 0, 0], band=0.5, min_history=3)
    assert (band.median, band.min_rows, band.max_rows) == (10, 5, 15)


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_band_is_never_zero_to_zero(fraction):
    band = volume_band([1, 0, 1, 0, 1], band=fraction, min_history=3)
    assert band.max_rows >= 1
