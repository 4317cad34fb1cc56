"""Retention for ``quarantine/``: rejected records are evidence for debugging, not history."""

from __future__ import annotations

import posixpath
from datetime import date, timedelta

from eventwire.fs import DataRoot

DATASET = "quarantine"


def enforce_retention(root: DataRoot, days: int, today: str | date) -> list[str]:
    """Delete ``quarantine/dt=`` partitions older than ``days`` before ``today``; returns them.

    A whole partition goes at once, so no reader sees a day half gone except while the
    recursive delete of that one folder runs.
    """
    if days < 0:
        raise ValueError(f"retention of {days} days is negative")
    day = date.fromisoformat(today) if isinstance(today, str) else today
    cutoff = (day - timedelta(days=days)).isoformat()
    base = root.path(DATASET)
    root.fs.invalidate_cache(base)
    if not root.fs.exists(base):
        return []
    removed = []
    for folder in sorted(root.fs.ls(base, detail=False)):
        name = posixpath.basename(folder.rstrip("/"))
        if name.startswith("dt=") and name.removeprefix("dt=") < cutoff:
            root.fs.rm(folder, recursive=True)
            removed.append(name.removeprefix("dt="))
    return removed
