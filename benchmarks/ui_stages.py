"""Response time of the UI plugin's JSON endpoints on a synthetic day of mentions.

The day (``synthetic.write_synthetic_day``: 96 runs of every dataset the panels read) is
written once per benchmark run into a temporary folder (it takes seconds). One child then
times every endpoint in turn, each a row of the table, as Airflow's long-lived API server
answers a page's panels; one child rather than one per endpoint because importing the plugin
(Airflow with it) takes seconds of CPU each time. The first answer of each endpoint is shown
beside the median. Requests go through the app's test client (the ASGI app in the same process,
no server or socket), so the figure is the endpoint's own work: its views over the day's Parquet
files, its query and the JSON. The goal is an answer within a second (``report``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.airflow_stages import airflow_env
from benchmarks.measure import REPO_ROOT, Measurement, run_child, run_child_rows, say
from benchmarks.synthetic import UI_PATHS, write_synthetic_day

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


def endpoint_latencies(mentions: int, repeats: int) -> list[Measurement]:
    """Every endpoint of ``UI_PATHS`` on a day of ``mentions`` mentions, one row each."""
    say(f"UI endpoints on a day of {mentions:,} mentions")
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-ui-") as folder:
        root = Path(folder) / "data"
        day = {"root": str(root), "mentions": mentions}
        run_child("synthetic_ui_day", day)
        # The plugin imports Airflow: give it a throw-away home, and its modules on sys.path
        # as Airflow puts them there.
        env = airflow_env(Path(folder) / "airflow-home", root)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, (str(REPO_ROOT / "plugins"), os.environ.get("PYTHONPATH")))
        )
        return run_child_rows("ui_endpoints", {**day, "repeats": repeats}, env)


def synthetic_ui_day(root: str, mentions: int) -> Measurement:
    """Write the day ``ui_endpoints`` reads (set-up, not a row of the table)."""
    started = time.perf_counter()
    write_synthetic_day(Path(root), mentions)
    seconds = time.perf_counter() - started
    say(f"synthetic UI day of {mentions:,} mentions written in {seconds:.1f} s")
    return Measurement(
        stage="synthetic_ui_day",
        label="synthetic UI day (set-up)",
        size=None,
        processes=1,
        items=mentions,
        unit="mentions",
        seconds=seconds,
    )


def ui_endpoints(root: str, mentions: int, repeats: int) -> list[Measurement]:
    """A row for every path of ``UI_PATHS``, in the order the list gives."""
    client = _client(Path(root))
    return [_endpoint(client, path, mentions, repeats) for path in UI_PATHS]


def _endpoint(client: TestClient, path: str, mentions: int, repeats: int) -> Measurement:
    """The median of ``repeats`` GETs of ``path``, and the first apart."""
    latencies = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text}")
    median = statistics.median(latencies)
    return Measurement(
        stage="ui_endpoint",
        label=f"UI endpoint {path}",
        size=None,
        processes=1,
        items=mentions,
        unit="mentions",
        seconds=median,
        figures={"median_s": median, "first_s": latencies[0], "repeats": repeats},
    )


def _client(root: Path) -> TestClient:
    """The plugin app on ``root`` as a signed-in user sees it; no endpoint timed here reads
    the metadata database."""
    from eventwire_ui.app import authenticated, create_app
    from fastapi.testclient import TestClient

    from eventwire.fs import DataRoot

    app = create_app(root=lambda: DataRoot(str(root)))
    app.dependency_overrides[authenticated] = lambda: None
    return TestClient(app)
