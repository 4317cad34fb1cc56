"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from eventwire.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
# The suite's own copy of the bundled registry: a user's feeds in include/feeds.yaml must not
# change what the tests fetch.
TEST_FEEDS = REPO_ROOT / "tests" / "data" / "feeds.yaml"

# Airflow reads its home when first imported: give the whole session a throw-away one so no
# test touches ~/airflow or the repo's .airflow, and no example DAGs are loaded.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="eventwire-airflow-home-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO_ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO_ROOT / "plugins")
os.environ["EVENTWIRE_FEEDS_FILE"] = str(TEST_FEEDS)
# Airflow puts the plugins folder on sys.path in every process; the tests import the plugin's
# modules (eventwire_ui, eventwire_settings) the same way.
sys.path.insert(0, str(REPO_ROOT / "plugins"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; a user's clone has none, so such tests skip."""
    if not (SHARED_DIR / "gold").is_dir():
        pytest.skip("../shared/gold is absent (only the developers' checkout has it)")
    return SHARED_DIR


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded-default settings with a fresh local data root."""
    return Settings(data_root=str(tmp_path / "data"), feeds_file=TEST_FEEDS)


@pytest.fixture(scope="session")
def dags():
    """The project's DAGs as the DAG processor parses them, on a migrated metadata database."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True
    )
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(REPO_ROOT / "dags"), bundle_path=REPO_ROOT / "dags")
    assert bag.import_errors == {}
    return bag.dags
