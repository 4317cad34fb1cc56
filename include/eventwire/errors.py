"""Failures that retrying cannot fix, as one base type the DAGs can recognise, and the one
error every data-file loader raises for a bad row.

A task that fails on a transient cause (a network blip, a busy store) should be retried; one
whose inputs are wrong (a quality gate's verdict on the data, a feed failing run after run)
fails the same way on every attempt, and retries only delay the alert and bury its cause
under later, unrelated errors. The library raises subclasses of ``PermanentFailure`` for
the second kind; the DAG layer turns them into Airflow's fail-without-retry signal. This
module imports nothing, so a DAG file may import it at parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class PermanentFailure(Exception):
    """A failure whose cause is in the data or the configuration, not in the moment."""


class DataFileError(ValueError):
    """A row of one of the project's data files (a coding table, the lexicon, a gazetteer
    source) that cannot be read: the message and attributes name the file and the line (None
    when the fault is the whole file), so the row can be fixed without a traceback."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
