"""The data interval a run covers, and the file names derived from it.

Every scheduled run writes only files named after its interval, so re-running an interval
replaces exactly its own files and no other run's. The interval is the only clock the library
trusts for data: ``ingested_at``, ``quarantined_at`` and partition days come from it, never from
wall time, which keeps a re-run's datasets byte-identical.

One column is wall-clock time on purpose: ``validated_at`` in ``quality/``. A result row
records an act, not a fact about the interval: that this suite judged this batch at this
moment. A re-run is a new validation, and the Data Docs (which show it as the run's time) and
whoever audits a quarantine need to tell it from the first. The file is still named after the
interval, so the re-run's results replace the earlier ones rather than pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"interval end {self.end} is not after start {self.start}")

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Parse ``START/END`` in ISO-8601, the form ``str()`` returns."""
        start, _, end = text.partition("/")
        return cls(_utc(datetime.fromisoformat(start)), _utc(datetime.fromisoformat(end)))

    @classmethod
    def ending_at(cls, end: datetime, length: timedelta = timedelta(minutes=15)) -> Interval:
        end = _utc(end)
        return cls(end - length, end)

    @classmethod
    def from_file(cls, dt: str, file_name: str) -> Interval:
        """The interval a ``dt=`` partition file was written for (inverse of ``file_name``)."""
        match = _FILE_NAME.fullmatch(file_name)
        if match is None:
            raise ValueError(f"{file_name!r} is not named after a data interval")
        start_text, end_text = match.group("start"), match.group("end")
        if "T" in start_text:
            return cls(_stamp(start_text), _stamp(end_text))
        day = datetime.strptime(dt, "%Y-%m-%d").replace(tzinfo=UTC)
        start = day + timedelta(hours=int(start_text[:2]), minutes=int(start_text[2:]))
        end = day + timedelta(hours=int(end_text[:2]), minutes=int(end_text[2:]))
        if end <= start:
            end += timedelta(days=1)
        return cls(start, end)

    @property
    def stem(self) -> str:
        """``file_name`` without its extension: a key for per-interval state and staging."""
        return f"{self.dt}_{self.file_name.removesuffix('.parquet')}"

    @property
    def dt(self) -> str:
        """The ``dt=`` partition value: the UTC day the interval starts on."""
        return self.start.astimezone(UTC).strftime("%Y-%m-%d")

    @property
    def file_name(self) -> str:
        """``part-HHMM-HHMM.parquet``; multi-day intervals carry both dates."""
        start, end = self.start.astimezone(UTC), self.end.astimezone(UTC)
        if end - start < timedelta(days=1):
            return f"part-{start:%H%M}-{end:%H%M}.parquet"
        return f"part-{start:%Y%m%dT%H%M}-{end:%Y%m%dT%H%M}.parquet"

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


_FILE_NAME = re.compile(
    r"part-(?P<start>\d{4}|\d{8}T\d{4})-(?P<end>\d{4}|\d{8}T\d{4})(?:-[a-z0-9]+)?\.parquet"
)


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M").replace(tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
