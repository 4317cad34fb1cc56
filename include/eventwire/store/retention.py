"""Retention for ``quarantine/``: rejected records are evidence for debugging, not history.

Age is counted on the data's own clock: back from the run's day or from the newest ``dt=``
the data root holds, whichever is older. A root that holds only old data (the bundled 2017
demo, a restored archive) keeps its quarantine beside the articles it explains; once newer
data arrives the old quarantine ages out as usual.
"""

from __future__ import annotations

import posixpath
from datetime import date, timedelta

from eventwire.fs import DataRoot
from eventwire.schema import Dataset

DATASET: Dataset = "quarantine"
# Datasets whose newest partition is the data's "now": what ingest last wrote, and quarantine.
CLOCK_DATASETS: tuple[Dataset, ...] = ("articles", "quarantine")


def enforce_retention(root: DataRoot, days: int, today: str | date) -> list[str]:
    """Delete ``quarantine/dt=`` partitions older than ``days`` before ``today``; returns them.

    A whole partition goes at once, so no reader sees a day half gone except while the
    recursive delete of that one folder runs.
    """
    if days < 0:
        raise ValueError(f"retention of {days} days is negative")
    day = date.fromisoformat(today) if isinstance(today, str) else today
    newest = max((dt for dataset in CLOCK_DATASETS for dt in _days(root, dataset)), default=None)
    clock = min(day.isoformat(), newest) if newest else day.isoformat()
    cutoff = (date.fromisoformat(clock) - timedelta(days=days)).isoformat()
    removed = []
    for dt in _days(root, DATASET):
        if dt < cutoff:
            root.fs.rm(root.path(DATASET, f"dt={dt}"), recursive=True)
            removed.append(dt)
    return removed


def _days(root: DataRoot, dataset: Dataset) -> list[str]:
    """The ``dt=`` values of ``dataset``'s partitions, oldest first."""
    base = root.path(dataset)
    root.fs.invalidate_cache(base)
    if not root.fs.exists(base):
        return []
    names = (posixpath.basename(folder.rstrip("/")) for folder in root.fs.ls(base, detail=False))
    return sorted(name.removeprefix("dt=") for name in names if name.startswith("dt="))
