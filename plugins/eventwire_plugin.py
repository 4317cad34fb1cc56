"""Airflow plugin: the eventwire pipeline-health page in the UI's navigation.

The API server mounts the FastAPI app under ``/eventwire``; the external view puts it in the
"Browse" menu and shows it inside the Airflow UI (an iframe on the same origin, so the UI's
session cookie authenticates the page's requests).
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from eventwire_ui.app import URL_PREFIX, create_app


class EventwirePlugin(AirflowPlugin):
    name = "eventwire"
    fastapi_apps = [  # noqa: RUF012 (Airflow's plugin interface is class attributes)
        {"app": create_app(), "url_prefix": URL_PREFIX, "name": "eventwire"}
    ]
    external_views = [  # noqa: RUF012
        {
            "name": "eventwire",
            "href": URL_PREFIX.lstrip("/") + "/",
            "destination": "nav",
            "category": "browse",
            "url_route": "eventwire",
        }
    ]
