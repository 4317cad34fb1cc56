"""The failure callback every eventwire task carries: structured log line, optional notifier."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from airflow.sdk import BaseNotifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dags"))

import eventwire_alerts

from eventwire_common import DEFAULT_ARGS


@dataclass
class FakeTaskInstance:
    dag_id: str = "eventwire_ingest"
    task_id: str = "harvest_feed"
    run_id: str = "scheduled__2017-11-02T09:00:00+00:00"
    try_number: int = 2
    map_index: int = 3
    log_url: str = "http://127.0.0.1:8080/dags/eventwire_ingest/runs/x/tasks/harvest_feed"


class RecordingNotifier(BaseNotifier):
    """A notifier that keeps what it was asked to send."""

    sent: list[tuple[str, dict]] = []  # noqa: RUF012

    def __init__(self, channel: str):
        super().__init__()
        self.channel = channel

    def notify(self, context):
        RecordingNotifier.sent.append((self.channel, context))


def failure_context() -> dict:
    return {"ti": FakeTaskInstance(), "exception": RuntimeError("feed Rudaw answered HTTP 503")}


@pytest.fixture
def notifier_variable(monkeypatch):
    """Set the notifier Variable for one test (``None`` leaves it unset)."""
    values: dict[str, str] = {}

    def get(key, default=None):
        return values.get(key, default)

    monkeypatch.setattr(eventwire_alerts.Variable, "get", staticmethod(get))
    RecordingNotifier.sent.clear()
    return values


def test_every_task_gets_the_failure_callback():
    assert DEFAULT_ARGS["on_failure_callback"] is eventwire_alerts.alert_on_failure


def test_failure_is_logged_as_one_json_object(notifier_variable, caplog):
    with caplog.at_level(logging.ERROR, logger="eventwire.alerts"):
        eventwire_alerts.alert_on_failure(failure_context())
    (record,) = [r for r in caplog.records if r.name == "eventwire.alerts"]
    payload = json.loads(record.getMessage().split(" ", 1)[1])
    assert payload == {
        "event": "eventwire.task_failed",
        "dag_id": "eventwire_ingest",
        "task_id": "harvest_feed",
        "map_index": 3,
        "run_id": "scheduled__2017-11-02T09:00:00+00:00",
        "try_number": 2,
        "exception": "RuntimeError: feed Rudaw answered HTTP 503",
        "log_url": FakeTaskInstance.log_url,
    }
    assert RecordingNotifier.sent == []


def test_configured_notifier_receives_the_context(notifier_variable):
    notifier_variable["eventwire_alert_notifier"] = json.dumps(
        {"class": f"{__name__}.RecordingNotifier", "kwargs": {"channel": "#ops"}}
    )
    context = failure_context()
    eventwire_alerts.alert_on_failure(context)
    assert [(channel, sent["ti"].task_id) for channel, sent in RecordingNotifier.sent] == [
        ("#ops", "harvest_feed")
    ]


@pytest.mark.parametrize(
    "value",
    ["not json", '{"kwargs": {}}', '{"class": "json.dumps"}', '{"class": "no.such.Notifier"}'],
)
def test_misconfigured_notifier_is_a_typed_error_naming_the_value(notifier_variable, value):
    notifier_variable["eventwire_alert_notifier"] = value
    with pytest.raises(eventwire_alerts.AlertConfigurationError) as raised:
        eventwire_alerts.alert_on_failure(failure_context())
    assert raised.value.value == value


PROBE_DAG = """
import sys
from datetime import UTC, datetime

sys.path.insert(0, {dags!r})
from airflow.sdk import dag, task
from eventwire_common import DEFAULT_ARGS


@dag(schedule=None, start_date=datetime(2017, 11, 1, tzinfo=UTC),
     default_args={{**DEFAULT_ARGS, "retries": 0}})
def eventwire_alert_probe():
    @task
    def fetch():
        raise RuntimeError("feed Rudaw answered HTTP 503")

    fetch()


probe = eventwire_alert_probe()
if __name__ == "__main__":
    probe.test()
"""

FILE_NOTIFIER = """
import json
from airflow.sdk import BaseNotifier


class FileNotifier(BaseNotifier):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def notify(self, context):
        ti = context["ti"]
        with open(self.path, "w") as handle:
            json.dump({"task_id": ti.task_id, "exception": str(context["exception"])}, handle)
"""


@pytest.mark.slow
def test_a_real_task_failure_logs_and_notifies(tmp_path):
    """A failing task run by Airflow (``dag.test()``) calls the callback with its real context."""
    import subprocess

    dags_dir = Path(__file__).resolve().parents[1] / "dags"
    (tmp_path / "probe_dag.py").write_text(PROBE_DAG.format(dags=str(dags_dir)))
    (tmp_path / "file_notifier.py").write_text(FILE_NOTIFIER)
    sent = tmp_path / "sent.json"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "home"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path),
        "PYTHONPATH": str(tmp_path),
        "AIRFLOW_VAR_EVENTWIRE_ALERT_NOTIFIER": json.dumps(
            {"class": "file_notifier.FileNotifier", "kwargs": {"path": str(sent)}}
        ),
    }
    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run(
        [airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=300
    )
    run = subprocess.run(
        [sys.executable, tmp_path / "probe_dag.py"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in run.stdout.splitlines() if "eventwire.task_failed {" in line]
    assert len(lines) == 1, run.stdout[-3000:] + run.stderr[-3000:]
    alert = json.loads(lines[0][lines[0].index("{") : lines[0].rindex("}") + 1])
    assert alert["dag_id"] == "eventwire_alert_probe"
    assert alert["task_id"] == "fetch"
    assert alert["try_number"] == 1
    assert alert["exception"] == "RuntimeError: feed Rudaw answered HTTP 503"
    assert "/dags/eventwire_alert_probe/runs/" in alert["log_url"]
    assert json.loads(sent.read_text()) == {
        "task_id": "fetch",
        "exception": "feed Rudaw answered HTTP 503",
    }
