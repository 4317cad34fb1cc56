"""The docker-compose topology, run natively: PostgreSQL + Redis + CeleryExecutor, two workers.

What the compose file deploys is started here as processes on 127.0.0.1: a throw-away
PostgreSQL database as the metadata database (and Celery result backend), a throw-away Redis
database number as the broker, ``airflow api-server``, ``scheduler``, ``dag-processor`` and two
``airflow celery worker`` processes that record distinct hostnames, all sharing a temporary
AIRFLOW_HOME and a temporary data root. The database is initialised by the compose file's own
``airflow-init`` script (pool, Variables, admin password), so that script is tested too.
``eventwire_ingest`` is triggered through the REST API for the demo interval; the test waits
for it and for the asset-triggered ``eventwire_events`` run, then checks that tasks ran on both
workers and that the Parquet written equals an embedded (SQLite, LocalExecutor,
``airflow dags test``) run's output for the same interval.

PostgreSQL and Redis already running are used as they are; otherwise they are started (and
installed with apt first when missing and running as root) and stopped afterwards. The module
skips, saying why, only when they cannot be had. Timings and the task-to-worker assignment are
written to ``test-output/deploy-celery.json``, process and task logs to
``test-output/deploy-celery-logs/``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import yaml
from airflow_harness import (
    AirflowProcesses,
    airflow_environment,
    api_client,
    free_port,
    get_token,
    run_bounded,
    wait_for_health,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yaml"
REPORT_FILE = REPO_ROOT / "test-output" / "deploy-celery.json"
LOG_DIR = REPO_ROOT / "test-output" / "deploy-celery-logs"  # kept for CI artefacts on failure

POSTGRES_PORT = 5432
REDIS_PORT = 6379
LOGICAL_DATE = "2017-11-02T09:00:00Z"
EMBEDDED_INGEST_AT = "2017-11-02T09:00:00+00:00"  # what `make run` passes to `airflow dags test`
EMBEDDED_EVENTS_AT = "2017-11-02T09:15:00+00:00"
WORKERS = ("worker-1", "worker-2")
FETCH_POOL_SLOTS = "4"
# Bounds. Measured on the shared 2-core machine: services up, init, health and DAG parsing
# ~40 s, the ingest run ~25 s on two workers, the embedded ingest ~20 s; the budget leaves room
# for the events run (spaCy, GX) on a loaded CI, and a hang fails inside pytest's timeout.
CLUSTER_BUDGET_SECONDS = 8 * 60
EMBEDDED_BUDGET_SECONDS = 5 * 60
SERVICE_START_SECONDS = 60
APT_SECONDS = 300
# Columns that name the run or the moment of validation: different by construction between two
# runs of the same interval, so they are left out of the comparison.
RUN_SPECIFIC_COLUMNS = {"run_id", "validated_at"}
# The pipeline is deterministic on the bundled samples: a first attempt that fails will fail
# again, so a retry is reported at once rather than after the retry back-off.
FAILED_STATES = {"failed", "upstream_failed", "up_for_retry"}

# Test-only cluster policy: the scheduler must not add a scheduled run for "now" next to the
# triggered one, so the ingest DAG ends with the demo interval (its end_date); the triggered run
# lies inside it and everything else about the DAGs is unchanged.
LOCAL_SETTINGS = """\
from datetime import datetime, timezone


def dag_policy(dag):
    if dag.dag_id == "eventwire_ingest":
        dag.end_date = datetime(2017, 11, 2, 9, 15, tzinfo=timezone.utc)
"""


@dataclass(frozen=True)
class Services:
    sql_alchemy_conn: str
    result_backend: str
    broker_url: str


@dataclass(frozen=True)
class ClusterRun:
    data_root: Path
    unused_root: Path
    runs: dict[str, dict]
    task_instances: list[dict]
    seconds_to_healthy: float
    seconds_trigger_to_done: float
    seconds_total: float


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _apt_install(package: str) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"{package} is not installed and cannot be installed here (needs root + apt)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        run_bounded(["apt-get", "update", "-q"], env=env, timeout=APT_SECONDS)
        run_bounded(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", package],
            env=env,
            timeout=APT_SECONDS,
        )
    except (subprocess.CalledProcessError, TimeoutError) as error:
        pytest.skip(f"apt-get install {package} failed: {error}")


def _wait_port(port: int, what: str) -> None:
    deadline = time.monotonic() + SERVICE_START_SECONDS
    while not _port_open(port):
        if time.monotonic() > deadline:
            pytest.skip(
                f"{what} did not listen on 127.0.0.1:{port} within {SERVICE_START_SECONDS} s"
            )
        time.sleep(0.5)


def _ensure_postgres() -> Callable[[], None] | None:
    """Start the local cluster when nothing listens on 5432; returns how to stop it."""
    if _port_open(POSTGRES_PORT):
        return None
    if shutil.which("pg_ctlcluster") is None:
        _apt_install("postgresql")
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        pytest.skip("PostgreSQL is installed but has no cluster under /etc/postgresql")
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]
    try:
        run_bounded([*command, "start"], env=os.environ, timeout=SERVICE_START_SECONDS)
    except (subprocess.CalledProcessError, TimeoutError) as error:
        pytest.skip(f"could not start PostgreSQL: {error}")
    _wait_port(POSTGRES_PORT, "PostgreSQL")
    return lambda: run_bounded([*command, "stop"], env=os.environ, timeout=SERVICE_START_SECONDS)


def _ensure_redis() -> Callable[[], None] | None:
    if _port_open(REDIS_PORT):
        return None
    if shutil.which("redis-server") is None:
        _apt_install("redis-server")
    start = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1"]
    start += ["--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"]
    try:
        run_bounded(start, env=os.environ, timeout=SERVICE_START_SECONDS)
    except (subprocess.CalledProcessError, TimeoutError) as error:
        pytest.skip(f"could not start Redis: {error}")
    _wait_port(REDIS_PORT, "Redis")

    def stop() -> None:
        import redis

        redis.Redis(host="127.0.0.1", port=REDIS_PORT).shutdown(nosave=True)

    return stop


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    """A throw-away PostgreSQL database and Redis database number; removed afterwards."""
    import psycopg2
    import redis

    stops = [stop for stop in (_ensure_postgres(), _ensure_redis()) if stop]
    database = f"eventwire_it_{secrets.token_hex(4)}"
    try:
        try:
            admin = psycopg2.connect(
                host="127.0.0.1", port=POSTGRES_PORT, user="postgres", dbname="postgres"
            )
        except psycopg2.OperationalError as error:
            pytest.skip(f"PostgreSQL on 127.0.0.1 does not let `postgres` in (trust auth): {error}")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}"')
        broker = redis.Redis(host="127.0.0.1", port=REDIS_PORT)
        free_numbers = [number for number in range(1, 16) if _redis_db_empty(number)]
        if not free_numbers:
            pytest.skip("Redis has no empty database number (1-15) to use as a throw-away broker")
        number = secrets.choice(free_numbers)
        dsn = f"postgres@127.0.0.1:{POSTGRES_PORT}/{database}"
        try:
            yield Services(
                sql_alchemy_conn=f"postgresql+psycopg2://{dsn}",
                result_backend=f"db+postgresql://{dsn}",
                broker_url=f"redis://127.0.0.1:{REDIS_PORT}/{number}",
            )
        finally:
            redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=number).flushdb()
            broker.close()
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.close()
    finally:
        for stop in reversed(stops):
            stop()


def _redis_db_empty(number: int) -> bool:
    import redis

    return redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=number).dbsize() == 0


def _compose_init_script() -> str:
    """The compose file's airflow-init script, with Compose's ``$$`` escapes undone."""
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    command = compose["services"]["airflow-init"]["command"]
    return command[-1].replace("$$", "$")


@pytest.fixture(scope="module")
def embedded_output(tmp_path_factory) -> tuple[Path, float]:
    """The embedded default's output: SQLite, LocalExecutor, ``airflow dags test`` (as make run)."""
    base = tmp_path_factory.mktemp("embedded")
    data_root = base / "data"
    env = airflow_environment(
        base / "home",
        dags_folder=REPO_ROOT / "dags",
        api_port=free_port(),
        extra={"EVENTWIRE_DATA_ROOT": str(data_root), "AIRFLOW__CORE__PARALLELISM": "4"},
    )
    started = time.monotonic()
    deadline = started + EMBEDDED_BUDGET_SECONDS
    with AirflowProcesses(env, base / "logs") as airflow:
        airflow.run("db", "migrate", timeout=deadline - time.monotonic())
        airflow.run("pools", "set", "eventwire_fetch", FETCH_POOL_SLOTS, "fetches", timeout=60)
        airflow.run("pools", "set", "eventwire_publish", "1", "merges", timeout=60)
        for dag_id, moment in (
            ("eventwire_ingest", EMBEDDED_INGEST_AT),
            ("eventwire_events", EMBEDDED_EVENTS_AT),
        ):
            airflow.run("dags", "test", dag_id, moment, timeout=deadline - time.monotonic())
    return data_root, time.monotonic() - started


@pytest.fixture(scope="module")
def cluster_run(services: Services, tmp_path_factory) -> ClusterRun:
    """Both DAGs run once on the Celery cluster; every process is stopped before returning."""
    base = tmp_path_factory.mktemp("celery")
    home, data_root, unused_root, site = (
        base / name for name in ("home", "data", "unused", "site")
    )
    site.mkdir()
    (site / "airflow_local_settings.py").write_text(LOCAL_SETTINGS)
    port = free_port()
    admin_password = secrets.token_urlsafe(16)
    env = airflow_environment(
        home,
        dags_folder=REPO_ROOT / "dags",
        api_port=port,
        executor="CeleryExecutor",
        sql_alchemy_conn=services.sql_alchemy_conn,
        python_path=[site],
        extra={
            "AIRFLOW__CELERY__BROKER_URL": services.broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": services.result_backend,
            "AIRFLOW__CORE__PARALLELISM": "8",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(LOG_DIR / "tasks"),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            # The Variable written by airflow-init must win over this environment default.
            "EVENTWIRE_DATA_ROOT": str(unused_root),
        },
    )
    started = time.monotonic()
    deadline = started + CLUSTER_BUDGET_SECONDS

    def left() -> float:
        return max(deadline - time.monotonic(), 1.0)

    shutil.rmtree(LOG_DIR, ignore_errors=True)
    with AirflowProcesses(env, LOG_DIR) as airflow:
        run_bounded(
            ["bash", "-c", _compose_init_script()],
            env={
                **env,
                "AIRFLOW_ADMIN_USERNAME": "admin",
                "AIRFLOW_ADMIN_PASSWORD": admin_password,
                "EVENTWIRE_FETCH_POOL_SLOTS": FETCH_POOL_SLOTS,
                "EVENTWIRE_DATA_ROOT": str(data_root),
                "EVENTWIRE_FEEDS_FILE": str(REPO_ROOT / "tests" / "data" / "feeds.yaml"),
            },
            timeout=left(),
        )
        airflow.start("api-server", "api-server")
        airflow.start("scheduler", "scheduler")
        airflow.start("dag-processor", "dag-processor")
        for name in WORKERS:
            airflow.start(
                name,
                "celery", "worker", "--concurrency", "1", "--celery-hostname", f"{name}@%h",
                env={
                    "AIRFLOW_HARNESS_HOSTNAME": name,
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                },
            )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, timeout=left(), alive=airflow)
        healthy_at = time.monotonic()
        with api_client(base_url, get_token(base_url, "admin", admin_password)) as api:
            for dag_id in ("eventwire_ingest", "eventwire_events"):
                wait_until(
                    f"{dag_id} parsed",
                    lambda dag_id=dag_id: _parsed(api, dag_id),
                    timeout=left(),
                    alive=airflow,
                )
            triggered_at = time.monotonic()
            response = api.post(
                "/dags/eventwire_ingest/dagRuns", json={"logical_date": LOGICAL_DATE}
            )
            assert response.status_code == 200, response.text
            ingest_run = response.json()["dag_run_id"]
            for dag_id in ("eventwire_events", "eventwire_ingest"):
                api.patch(f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()
            runs = {
                "eventwire_ingest": _wait_for_run(
                    api, "eventwire_ingest", ingest_run, left(), airflow
                ),
                "eventwire_events": _wait_for_run(api, "eventwire_events", None, left(), airflow),
            }
            done_at = time.monotonic()
            task_instances = [
                {"dag_id": dag_id, **ti}
                for dag_id, run in runs.items()
                for ti in _task_instances(api, dag_id, run["dag_run_id"])
            ]
    return ClusterRun(
        data_root=data_root,
        unused_root=unused_root,
        runs=runs,
        task_instances=task_instances,
        seconds_to_healthy=healthy_at - started,
        seconds_trigger_to_done=done_at - triggered_at,
        seconds_total=time.monotonic() - started,
    )


def _parsed(api, dag_id: str) -> bool:
    """Whether the DAG is in the database; an import error fails the test at once."""
    errors = api.get("/importErrors").raise_for_status().json()["import_errors"]
    if errors:
        pytest.fail(f"DAG import errors: {[(e['filename'], e['stack_trace']) for e in errors]}")
    return api.get(f"/dags/{dag_id}").status_code == 200


def _wait_for_run(
    api, dag_id: str, run_id: str | None, timeout: float, airflow: AirflowProcesses
) -> dict:
    """Wait for the run (or the DAG's first run) to succeed; a failed run fails at once."""

    def probe() -> dict | None:
        if run_id:
            runs = [api.get(f"/dags/{dag_id}/dagRuns/{run_id}").raise_for_status().json()]
        else:
            runs = api.get(f"/dags/{dag_id}/dagRuns").raise_for_status().json()["dag_runs"]
        for run in runs:
            failed = [
                f"{ti['task_id']}[{ti['map_index']}] {ti['state']} on {ti['hostname']}"
                for ti in _task_instances(api, dag_id, run["dag_run_id"])
                if ti["state"] in FAILED_STATES
            ]
            if failed or run["state"] == "failed":
                pytest.fail(
                    f"{dag_id} run {run['dag_run_id']} failed: {failed} (task logs: {LOG_DIR})"
                )
        return next((run for run in runs if run["state"] == "success"), None)

    return wait_until(f"{dag_id} run succeeded", probe, timeout=timeout, alive=airflow)


def _task_instances(api, dag_id: str, run_id: str) -> list[dict]:
    response = api.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
    return [
        {key: ti[key] for key in ("task_id", "map_index", "state", "hostname", "duration")}
        for ti in response.raise_for_status().json()["task_instances"]
    ]


def _parquet_files(root: Path) -> list[str]:
    """Every Parquet file of every dataset, relative to the data root (staging excluded)."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*.parquet")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)
    )


def _rows(root: Path, dataset: str) -> list[dict]:
    table = ds.dataset(
        root / dataset, format="parquet", partitioning="hive", exclude_invalid_files=True
    ).to_table()
    keep = [name for name in table.column_names if name not in RUN_SPECIFIC_COLUMNS]
    return sorted(table.select(keep).to_pylist(), key=repr)


@pytest.fixture(scope="module")
def report(cluster_run: ClusterRun, embedded_output: tuple[Path, float]) -> dict:
    by_worker: dict[str, list[str]] = {}
    for ti in cluster_run.task_instances:
        label = ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else "")
        by_worker.setdefault(ti["hostname"] or "?", []).append(f"{ti['dag_id']}.{label}")
    summary = {
        "seconds_embedded_run": round(embedded_output[1], 1),
        "seconds_cluster_to_healthy": round(cluster_run.seconds_to_healthy, 1),
        "seconds_trigger_to_both_dags_done": round(cluster_run.seconds_trigger_to_done, 1),
        "seconds_cluster_total": round(cluster_run.seconds_total, 1),
        "tasks_by_worker": {host: sorted(tasks) for host, tasks in sorted(by_worker.items())},
    }
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return summary


def test_both_dags_succeed_and_every_task_ran(cluster_run: ClusterRun):
    assert cluster_run.runs["eventwire_ingest"]["logical_date"].startswith("2017-11-02T09:00:00")
    assert cluster_run.runs["eventwire_events"]["run_type"] == "asset_triggered"
    states = {(ti["dag_id"], ti["task_id"], ti["map_index"]): ti["state"]
              for ti in cluster_run.task_instances}  # fmt: skip
    assert states and set(states.values()) == {"success"}, states


def test_tasks_ran_on_both_workers(cluster_run: ClusterRun, report: dict):
    hosts = {ti["hostname"] for ti in cluster_run.task_instances}
    assert hosts == set(WORKERS), report["tasks_by_worker"]


def test_configuration_came_from_airflow_variables(cluster_run: ClusterRun):
    assert _parquet_files(cluster_run.data_root)
    assert not cluster_run.unused_root.exists() or not any(cluster_run.unused_root.iterdir())


def test_output_equals_the_embedded_run(cluster_run: ClusterRun, embedded_output, report: dict):
    embedded_root = embedded_output[0]
    files = _parquet_files(embedded_root)
    assert files, "the embedded run wrote no Parquet"
    assert _parquet_files(cluster_run.data_root) == files
    datasets = sorted({name.split("/")[0] for name in files})
    assert "articles" in datasets
    for dataset in datasets:
        expected = _rows(embedded_root, dataset)
        actual = _rows(cluster_run.data_root, dataset)
        assert expected or dataset != "articles", "no articles to compare"
        assert actual == expected, f"{dataset}: distributed run differs from the embedded run"
