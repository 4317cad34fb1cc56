"""Per-run counts as small JSON objects: what ``eventwire summary`` and the UI report.

A manifest is written last by a run's publishing task, so its presence also says the run's
datasets are complete. One object per stage and interval
(``_manifests/<stage>/dt=…/<interval stem>.json``): a re-run overwrites its own, atomically.
"""

from __future__ import annotations

import json
import posixpath

from eventwire.fs import DataRoot
from eventwire.interval import Interval

MANIFESTS = "_manifests"


def write_manifest(root: DataRoot, stage: str, interval: Interval, counts: dict) -> str:
    body = {**counts, "stage": stage, "interval": str(interval), "dt": interval.dt}
    data = json.dumps(body, sort_keys=True, indent=1, default=str).encode()
    return root.put_atomic(data, MANIFESTS, stage, f"dt={interval.dt}", f"{interval.stem}.json")


def read_manifests(root: DataRoot, stage: str | None = None) -> list[dict]:
    """Every manifest (of ``stage``), oldest interval first."""
    base = root.path(MANIFESTS, stage) if stage else root.path(MANIFESTS)
    root.fs.invalidate_cache(base)
    if not root.fs.exists(base):
        return []
    paths = [
        path
        for path in root.fs.find(base)
        if path.endswith(".json") and not posixpath.basename(path).startswith(".")
    ]
    manifests = [json.loads(root.fs.cat_file(path)) for path in paths]
    return sorted(manifests, key=lambda item: (item.get("interval", ""), item.get("stage", "")))
