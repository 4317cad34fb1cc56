"""Failures that retrying cannot fix, as one base type the DAGs can recognise.

A task that fails on a transient cause (a network blip, a busy store) should be retried; one
whose inputs are wrong (a quality gate's verdict on the data, a feed failing run after run)
fails the same way on every attempt, and retries only delay the alert and bury its cause
under later, unrelated errors. The library raises subclasses of ``PermanentFailure`` for
the second kind; the DAG layer turns them into Airflow's fail-without-retry signal. This
module imports nothing, so a DAG file may import it at parse time.
"""

from __future__ import annotations


class PermanentFailure(Exception):
    """A failure whose cause is in the data or the configuration, not in the moment."""
