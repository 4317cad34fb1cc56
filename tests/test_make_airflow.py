"""`make airflow` on a fresh clone: it starts, answers its health endpoint and stops.

A user's machine has Python, make and (maybe) uv installed for the user, nothing from this
checkout: the clone is made with ``git clone``, its environment is built by ``make`` itself,
and the test's own ``.venv`` is kept off ``PATH`` (a venv's ``python3`` has no pip, which is
what broke the target once). The API server gets a free port, since another Airflow may
hold 8080.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from airflow_harness import AirflowProcesses, Component, free_port, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[1]
# uv sync from a warm cache, db migrate and standalone's start took 95 s here on 2 busy cores.
START_DEADLINE_S = 420
EXPECTED_PAUSED = {
    "eventwire_ingest": True,
    "eventwire_events": False,
    "eventwire_maintenance": False,
    "eventwire_recode": False,
}


def user_environment() -> dict[str, str]:
    """The caller's environment minus this checkout's venv and any Airflow or eventwire
    settings, so the clone configures itself as it would for a user."""
    path = [entry for entry in os.environ["PATH"].split(os.pathsep) if "/.venv/" not in entry]
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "EVENTWIRE_", "VIRTUAL_ENV", "PYTHON", "UV_PROJECT"))
    } | {"PATH": os.pathsep.join(path)}


def test_make_airflow_starts_and_stops_from_a_fresh_clone(tmp_path):
    clone = tmp_path / "eventwire"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    port = free_port()
    log_path = tmp_path / "make-airflow.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "airflow", f"AIRFLOW_PORT={port}"],
            cwd=clone,
            env=user_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    airflow = Component("make-airflow", process, log_path)
    base_url = f"http://127.0.0.1:{port}"
    # The clone's own Airflow home: `make airflow` keeps it in the checkout.
    home = {"AIRFLOW_HOME": str(clone / ".airflow")}
    with AirflowProcesses(env=home, log_dir=tmp_path, components=[airflow]) as running:
        with running.admin_api(base_url, timeout=START_DEADLINE_S) as client:

            def parsed() -> dict[str, bool] | None:
                dags = client.get("/dags", params={"tags": "eventwire"}).json()["dags"]
                paused = {item["dag_id"]: item["is_paused"] for item in dags}
                return paused if len(paused) == len(EXPECTED_PAUSED) else None

            paused = wait_until("the three DAGs parsed", parsed, timeout=120, alive=running)
        assert paused == EXPECTED_PAUSED
    assert not airflow.alive()
    assert "No module named pip" not in log_path.read_text(errors="replace")
