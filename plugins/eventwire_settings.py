"""The library's settings with the deployment's Airflow Variables and Connection applied.

The DAGs' tasks and the UI plugin must read and write the same data root with the same
identity, so both resolve it here, through one API: the Task SDK's ``Variable`` and
``BaseHook``, which answer in a task (through the supervisor) and in the API server (from the
metadata database) alike. The ``eventwire_data_root`` and ``eventwire_feeds_file`` Variables
win over the ``EVENTWIRE_*`` environment; an ``s3://`` root takes its credentials from the
``eventwire_s3`` Connection, field by field, where it sets them.

This module lives in the plugins folder because that is the one folder Airflow puts on
``sys.path`` in every process (the DAG processor, workers and the API server); the library
itself never imports Airflow. ``.airflowignore`` keeps the plugin loader from scanning it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from airflow.sdk import BaseHook, Variable
from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError

from eventwire.config import S3Options, Settings
from eventwire.fs import DataRoot

DATA_ROOT_VARIABLE = "eventwire_data_root"
FEEDS_FILE_VARIABLE = "eventwire_feeds_file"
S3_CONNECTION_ID = "eventwire_s3"


def pipeline_settings() -> Settings:
    """``Settings.from_env()`` with the Variables and, for an ``s3://`` root, the Connection."""
    settings = Settings.from_env()
    data_root = Variable.get(DATA_ROOT_VARIABLE, default=None) or settings.data_root
    feeds_file = Variable.get(FEEDS_FILE_VARIABLE, default=None) or settings.feeds_file
    return replace(
        settings,
        data_root=data_root,
        feeds_file=Path(feeds_file),
        s3=_s3_options(settings.s3) if DataRoot(data_root).is_remote else settings.s3,
    )


def configured_root() -> DataRoot:
    """The data root the DAGs write to, with the credentials they write with."""
    settings = pipeline_settings()
    return DataRoot(settings.data_root, settings.s3)


def _s3_options(fallback: S3Options) -> S3Options:
    try:
        connection = BaseHook.get_connection(S3_CONNECTION_ID)
    except (AirflowNotFoundException, AirflowRuntimeError):
        return fallback
    extra = connection.extra_dejson
    return S3Options(
        endpoint_url=extra.get("endpoint_url") or fallback.endpoint_url,
        key=connection.login or fallback.key,
        secret=connection.password or fallback.secret,
        region=extra.get("region_name") or fallback.region,
    )
