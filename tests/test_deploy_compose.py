"""docker-compose.yaml is a valid Compose file and agrees with the Dockerfile and the README.

No Docker engine runs here, so the file is checked against the Compose Specification's JSON
schema as vendored by check-jsonschema (a maintained copy of compose-spec.json), and its
services, images, environment and volumes are checked against what the Dockerfile builds and
what the README's deployment section tells a user to run.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE = REPO_ROOT / "docker-compose.yaml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
README = REPO_ROOT / "README.md"

AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
INIT = "airflow-init"
LONG_RUNNING = {"postgres", "redis", *AIRFLOW_SERVICES}
VARIABLES_AND_CONNECTION = ("eventwire_data_root", "eventwire_feeds_file", "eventwire_s3")
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text()


@pytest.fixture(scope="module")
def readme_section() -> str:
    text = README.read_text()
    start, end = text.index("<!-- deploy:start -->"), text.index("<!-- deploy:end -->")
    section = text[start:end]
    assert len(section) > 200, "the README's deploy section is empty"
    return section


def _env(service: dict) -> dict:
    return service.get("environment") or {}


def test_compose_file_is_valid_against_the_compose_specification(compose):
    schema = json.loads(
        files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
    validator = jsonschema.Draft202012Validator(schema)
    errors = [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(compose)
    ]
    assert errors == []


def test_schema_check_rejects_a_broken_service(compose):
    """The schema really constrains services (guards against validating against an empty one)."""
    schema = json.loads(
        files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
    broken = {**compose, "services": {**compose["services"], "redis": {"restart": ["always"]}}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken))


def test_every_airflow_component_of_the_official_layout_is_there(compose):
    services = compose["services"]
    assert LONG_RUNNING | {INIT} <= set(services)
    for name, command in AIRFLOW_SERVICES.items():
        assert services[name]["command"] == command


def test_celery_executor_on_postgres_and_redis(compose):
    env = compose["x-airflow-common"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
    assert (
        env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        and "@redis:" in (env["AIRFLOW__CELERY__BROKER_URL"])
    )
    # Tasks on any worker reach the API server by its service name, signed with one shared secret.
    assert "airflow-apiserver:8080/execution/" in env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    for shared_secret in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"):
        assert ":?" in env[shared_secret], f"{shared_secret} must be required from .env"


def test_long_running_services_have_health_checks_and_restart(compose):
    for name in LONG_RUNNING:
        service = compose["services"][name]
        assert service.get("healthcheck", {}).get("test"), name
        assert service.get("restart") == "always", name


def test_airflow_services_use_the_image_the_dockerfile_builds(compose, dockerfile):
    common = compose["x-airflow-common"]
    assert common["build"]["dockerfile"] == "Dockerfile"
    assert re.search(r"^ARG AIRFLOW_IMAGE=apache/airflow:3\.3\.2-python3\.11$", dockerfile, re.M)
    for name in [*AIRFLOW_SERVICES, INIT]:
        service = compose["services"][name]
        assert service["image"] == common["image"], name
        assert service.get("build") == common["build"], name


def test_dockerfile_installs_only_hashed_locked_packages(dockerfile):
    installs = re.findall(r"pip install[^\n\\]*(?:\\\n[^\n\\]*)*", dockerfile)
    assert installs
    locked = [line for line in installs if "--requirement" in line]
    assert locked and all("--require-hashes" in line for line in locked)
    assert "uv export --frozen --no-dev --no-emit-project" in dockerfile
    assert all("--no-deps" in line for line in installs), "every pip install must skip resolving"


def test_dockerfile_paths_match_compose(compose, dockerfile):
    env = compose["x-airflow-common"]["environment"]
    volumes = {
        volume.split(":")[1]: volume.split(":")[0]
        for volume in compose["x-airflow-common"]["volumes"]
    }
    data_root_default = COMPOSE_VARIABLE.search(env["EVENTWIRE_DATA_ROOT"]).group(0)
    assert "/opt/airflow/data" in data_root_default
    assert volumes["/opt/airflow/data"] in compose["volumes"]
    assert volumes["/opt/airflow/logs"] in compose["volumes"]
    assert "EVENTWIRE_DATA_ROOT=/opt/airflow/data" in dockerfile
    assert "/opt/airflow/data" in dockerfile
    # Named volumes take their owner from the image: every mount point but the base image's
    # logs folder is created (as the airflow user) by the Dockerfile.
    for target in set(volumes) - {"/opt/airflow/logs"}:
        assert target in dockerfile, f"{target} is mounted but not created in the image"
    feeds = env["EVENTWIRE_FEEDS_FILE"]
    assert "/opt/eventwire/include/feeds.yaml" in feeds
    assert "WORKDIR /opt/eventwire" in dockerfile


def test_init_writes_pool_variables_connection_and_admin(compose):
    script = compose["services"][INIT]["command"][-1]
    assert "airflow db migrate" in script
    assert "airflow pools set eventwire_fetch" in script
    for name in VARIABLES_AND_CONNECTION:
        assert name in script
    for service in AIRFLOW_SERVICES:
        depends = compose["services"][service]["depends_on"]
        assert depends[INIT]["condition"] == "service_completed_successfully", service


def test_object_store_is_optional_and_creates_its_bucket(compose):
    services = compose["services"]
    store = [name for name, service in services.items() if "s3" in service.get("profiles", [])]
    assert len(store) == 2, "an object store and its bucket-creating init step"
    assert all(services[name].get("profiles") for name in store)
    for name in LONG_RUNNING | {INIT}:
        assert not services[name].get("profiles"), f"{name} must start without a profile"
    worker_depends = services["airflow-worker"]["depends_on"]
    optional = [name for name in store if name in worker_depends]
    assert optional and all(worker_depends[name]["required"] is False for name in optional)


def test_env_example_defines_every_required_variable(compose):
    text = COMPOSE.read_text()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    defined = {
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert required and required <= defined
    used = set(COMPOSE_VARIABLE.findall(text))
    assert defined <= used, f"unused in compose: {defined - used}"


def test_readme_section_matches_the_compose_file(compose, readme_section):
    assert "cp .env.example .env" in readme_section
    assert "docker compose up" in readme_section
    assert "--scale airflow-worker=4" in readme_section
    assert "--profile s3" in readme_section
    for name in VARIABLES_AND_CONNECTION:
        assert name in readme_section, name
    port_default = re.search(r"\$\{AIRFLOW_API_PORT:-(\d+)\}", COMPOSE.read_text()).group(1)
    assert f"localhost:{port_default}" in readme_section
    for service in re.findall(r"`(airflow-[a-z-]+|object-store[a-z-]*)`", readme_section):
        assert service in compose["services"], f"README names unknown service {service}"
    for variable in re.findall(r"`([A-Z][A-Z0-9_]{3,})=?", readme_section):
        assert variable in ENV_EXAMPLE.read_text() or variable in COMPOSE.read_text(), variable
