"""The data root, feeds file and S3 identity that the DAGs and the UI plugin both resolve.

Variables and the Connection are given as ``AIRFLOW_VAR_*`` / ``AIRFLOW_CONN_*`` environment
variables, which every Airflow process reads through the same secrets backends as the metadata
database's entries: the resolver runs through the real Task SDK API, nothing is patched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.config import S3Options
from eventwire.fs import DataRoot
from eventwire_settings import configured_root, pipeline_settings

CONNECTION = {
    "conn_type": "aws",
    "login": "key",
    "password": "secret",
    "extra": {"endpoint_url": "http://127.0.0.1:9000"},
}
S3_ENVIRONMENT = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "EVENTWIRE_S3_ENDPOINT_URL",
)


@pytest.fixture
def airflow_env(monkeypatch):
    """The ``eventwire_s3`` Connection, and no S3 settings in the environment to fall back on."""
    for name in S3_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_EVENTWIRE_S3", json.dumps(CONNECTION))
    return monkeypatch


def test_variables_and_connection_win_over_the_environment(airflow_env):
    airflow_env.setenv("EVENTWIRE_DATA_ROOT", "/srv/ignored")
    airflow_env.setenv("AIRFLOW_VAR_EVENTWIRE_DATA_ROOT", "s3://events/prod")
    airflow_env.setenv("AIRFLOW_VAR_EVENTWIRE_FEEDS_FILE", "/etc/eventwire/feeds.yaml")
    settings = pipeline_settings()
    expected_s3 = S3Options(endpoint_url="http://127.0.0.1:9000", key="key", secret="secret")
    assert (settings.data_root, settings.s3) == ("s3://events/prod", expected_s3)
    assert settings.feeds_file == Path("/etc/eventwire/feeds.yaml")
    assert configured_root() == DataRoot("s3://events/prod", expected_s3)


def test_a_local_root_comes_from_the_environment_without_credentials(airflow_env):
    airflow_env.delenv("AIRFLOW_VAR_EVENTWIRE_DATA_ROOT", raising=False)
    airflow_env.setenv("EVENTWIRE_DATA_ROOT", "/srv/eventwire")
    assert configured_root() == DataRoot("/srv/eventwire", S3Options())
