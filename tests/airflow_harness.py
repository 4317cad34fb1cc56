"""Run Airflow components as real processes for integration tests, and talk to their REST API.

Tests that need a live Airflow (a Celery cluster, the UI in a browser) start the same
sub-commands a deployment runs (``airflow api-server``, ``scheduler``, ``dag-processor``,
``celery worker``, ``standalone``) with one shared environment, each in its own process group
so that stopping it also stops the children it forks (task runners, uvicorn and Celery
workers). Every wait is bounded, and a component that dies while a test waits on it fails the
wait at once with the tail of its log instead of running into the timeout.

Nothing here knows about eventwire: it is a small harness around Airflow's CLI and REST API.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STOP_GRACE_SECONDS = 20.0  # Celery's warm shutdown and uvicorn exit well within this here
POLL_SECONDS = 1.0  # health/state polling period: cheap requests, short enough for a 2-core CI
LOG_TAIL_LINES = 60
HOSTNAME_VARIABLE = "AIRFLOW_HARNESS_HOSTNAME"
DEFAULT_HEALTHY = ("metadatabase", "scheduler", "dag_processor")


class ComponentDied(RuntimeError):
    """A component exited while it was expected to run; carries its name and log tail."""

    def __init__(self, name: str, returncode: int | None, log_tail: str) -> None:
        super().__init__(f"airflow {name} exited with {returncode}:\n{log_tail}")
        self.name = name
        self.returncode = returncode
        self.log_tail = log_tail


class WaitTimeout(TimeoutError):
    """A bounded wait ran out; says what was awaited and the last state seen."""

    def __init__(self, what: str, seconds: float, last: object) -> None:
        super().__init__(f"{what}: not reached within {seconds:.0f} s (last seen: {last!r})")
        self.what = what
        self.last = last


def hostname_from_env() -> str:
    """``[core] hostname_callable`` for processes that stand in for separate machines.

    Two Celery workers on one test machine share its FQDN; giving each its own
    ``AIRFLOW_HARNESS_HOSTNAME`` makes task instances record which worker ran them, as
    containers or hosts would.
    """
    return os.environ.get(HOSTNAME_VARIABLE) or socket.getfqdn()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def airflow_environment(
    home: Path,
    *,
    dags_folder: Path,
    api_port: int,
    executor: str = "LocalExecutor",
    sql_alchemy_conn: str | None = None,
    extra: Mapping[str, str] | None = None,
    python_path: Iterable[Path] = (),
) -> dict[str, str]:
    """The environment every component of one Airflow installation shares.

    Secrets that components must agree on (JWT signing for the task execution API, the log
    server's secret key, the Fernet key) are generated once here; a component started without
    them would invent its own and reject the others' tokens.
    """
    from cryptography.fernet import Fernet

    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": executor,
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": new_secret(),
        "AIRFLOW__API__SECRET_KEY": new_secret(),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.hostname_from_env",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parent), *map(str, python_path)]
            + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
        ),
    }
    if sql_alchemy_conn:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = sql_alchemy_conn
    env.update(extra or {})
    return env


@dataclass
class Component:
    """One running ``airflow …`` process group and the log it writes."""

    name: str
    process: subprocess.Popen
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def check_alive(self) -> None:
        if not self.alive():
            raise ComponentDied(self.name, self.process.returncode, self.log_tail())

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM the whole process group, SIGKILL it if it outlives ``grace``."""
        pgid = self.process.pid
        _signal_group(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(pgid, signal.SIGKILL)
            self.process.wait(timeout=grace)
        # Forked children (task runners) may outlive the leader: the group dies with it.
        _signal_group(pgid, signal.SIGKILL)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


@dataclass
class AirflowProcesses:
    """Starts Airflow sub-commands with one environment and stops every one of them.

    Use it as a context manager (or call ``stop_all`` in a ``finally``): components are stopped
    in reverse start order, even when a test fails half way.
    """

    env: dict[str, str]
    log_dir: Path
    components: list[Component] = field(default_factory=list)

    def __enter__(self) -> AirflowProcesses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()

    def start(self, name: str, *args: str, env: Mapping[str, str] | None = None) -> Component:
        """Start ``airflow <args>`` as component ``name`` (also its log file's name)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "airflow"), *args],
                env={**self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        component = Component(name, process, log_path)
        self.components.append(component)
        return component

    def run(self, *args: str, timeout: float, env: Mapping[str, str] | None = None) -> str:
        """Run a one-shot ``airflow <args>`` (``db migrate``, ``pools set`` …); returns stdout."""
        return run_bounded(
            [str(Path(sys.executable).parent / "airflow"), *args],
            env={**self.env, **(env or {})},
            timeout=timeout,
        )

    def admin_api(
        self, base_url: str, *, timeout: float, password: str | None = None
    ) -> httpx.Client:
        """A ``/api/v2`` client logged in as ``admin`` once the API server at ``base_url`` (one
        of these components) is healthy. The password is, unless given, the simple auth
        manager's generated one in these components' ``AIRFLOW_HOME``."""
        wait_for_health(base_url, timeout=timeout, alive=self)
        if password is None:
            password = simple_auth_password(Path(self.env["AIRFLOW_HOME"]))
        return api_client(base_url, get_token(base_url, "admin", password))

    def check_alive(self) -> None:
        for component in self.components:
            component.check_alive()

    def stop_all(self) -> None:
        while self.components:
            self.components.pop().stop()


def run_bounded(command: list[str], *, env: Mapping[str, str], timeout: float) -> str:
    """Run a command in its own process group, killed as a group when it exceeds ``timeout``."""
    process = subprocess.Popen(
        command,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise WaitTimeout(" ".join(command), timeout, output[-2000:]) from None
    finally:
        _signal_group(process.pid, signal.SIGKILL)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, output)
    return output


def wait_until(what: str, probe, *, timeout: float, alive: AirflowProcesses | None = None):
    """Call ``probe()`` until it returns something truthy; fail fast if a component died."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        if alive is not None:
            alive.check_alive()
        try:
            last = probe()
        except httpx.HTTPError as error:
            last = error
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            raise WaitTimeout(what, timeout, last)
        time.sleep(POLL_SECONDS)


def wait_for_health(
    base_url: str,
    *,
    timeout: float,
    healthy: Iterable[str] = DEFAULT_HEALTHY,
    alive: AirflowProcesses | None = None,
) -> dict:
    """Wait until ``/api/v2/monitor/health`` answers and reports ``healthy`` components so."""
    wanted = tuple(healthy)

    def probe() -> dict | None:
        response = httpx.get(f"{base_url}/api/v2/monitor/health", timeout=5)
        if response.status_code != 200:
            return None
        status = response.json()
        ready = all((status.get(name) or {}).get("status") == "healthy" for name in wanted)
        return status if ready else None

    return wait_until(
        f"{base_url} health of {', '.join(wanted)}", probe, timeout=timeout, alive=alive
    )


def simple_auth_password(home: Path, username: str = "admin") -> str:
    """The simple auth manager's password for ``username`` (generated file in AIRFLOW_HOME)."""
    import json

    path = home / "simple_auth_manager_passwords.json.generated"
    return json.loads(path.read_text())[username]


def get_token(base_url: str, username: str, password: str) -> str:
    """A bearer token from the simple auth manager (``POST /auth/token``)."""
    response = httpx.post(
        f"{base_url}/auth/token", json={"username": username, "password": password}, timeout=10
    )
    response.raise_for_status()
    return response.json()["access_token"]


def api_client(base_url: str, token: str) -> httpx.Client:
    """An HTTP client for ``/api/v2`` that sends the bearer token."""
    return httpx.Client(
        base_url=f"{base_url}/api/v2",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
