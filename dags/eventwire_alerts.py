"""Failure alerts for every eventwire task: a structured log line, and a notifier when configured.

``alert_on_failure`` is in ``DEFAULT_ARGS`` as the ``on_failure_callback``. It always logs one
JSON object (dag, task, run, try, exception, log URL) that a log shipper can match on; it also
sends through an Airflow notifier when the ``eventwire_alert_notifier`` Variable names one, as
JSON ``{"class": "airflow.providers.smtp.notifications.smtp.SmtpNotifier", "kwargs": {...}}``
(the kwargs usually name an Airflow Connection). Nothing is configured by default, so the
embedded set-up needs no mail server; ``AIRFLOW_VAR_EVENTWIRE_ALERT_NOTIFIER`` works too.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from airflow.sdk import BaseNotifier, Variable
from airflow.sdk.module_loading import import_string

NOTIFIER_VARIABLE = "eventwire_alert_notifier"
ALERT_EVENT = "eventwire.task_failed"

log = logging.getLogger("eventwire.alerts")


class AlertConfigurationError(ValueError):
    """The notifier Variable does not name a usable notifier; carries the Variable's value."""

    def __init__(self, value: str, problem: str):
        super().__init__(f"Variable {NOTIFIER_VARIABLE}={value!r}: {problem}")
        self.value = value


def failure_alert(context: dict[str, Any]) -> dict[str, Any]:
    """The alert's fields from a task's failure context."""
    ti = context["ti"]
    exception = context.get("exception")
    return {
        "event": ALERT_EVENT,
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "map_index": getattr(ti, "map_index", -1),
        "run_id": ti.run_id,
        "try_number": ti.try_number,
        "exception": f"{type(exception).__name__}: {exception}" if exception else None,
        "log_url": getattr(ti, "log_url", None),
    }


def configured_notifier() -> BaseNotifier | None:
    """The notifier the deployment configured, or ``None`` when the Variable is unset."""
    value = Variable.get(NOTIFIER_VARIABLE, default=None)
    if not value:
        return None
    try:
        spec = json.loads(value)
        notifier_class = import_string(spec["class"])
    except (ValueError, KeyError, TypeError, ImportError) as error:
        raise AlertConfigurationError(value, str(error)) from error
    if not (isinstance(notifier_class, type) and issubclass(notifier_class, BaseNotifier)):
        raise AlertConfigurationError(value, f"{spec['class']} is not an Airflow notifier")
    return notifier_class(**spec.get("kwargs", {}))


def alert_on_failure(context: dict[str, Any]) -> None:
    """Log the structured alert, then send it through the configured notifier (if any)."""
    alert = failure_alert(context)
    log.error("%s %s", ALERT_EVENT, json.dumps(alert, sort_keys=True, default=str))
    notifier = configured_notifier()
    if notifier is not None:
        notifier(context)
