"""Rows of ``articles/`` and ``quarantine/`` as the ingest stage emits them.

Both carry the data interval's end as their time stamp, never the wall clock, so a re-run of
an interval produces identical rows and replaces exactly the files it wrote before.
"""

from __future__ import annotations

from eventwire import schema
from eventwire.interval import Interval

MAX_PAYLOAD_BYTES = 64 * 1024  # raw payload kept per quarantine row: enough to debug, bounded


def payload_text(payload: bytes | str | None) -> str | None:
    """The raw payload as text (invalid bytes replaced), cut to ``MAX_PAYLOAD_BYTES``."""
    if payload is None:
        return None
    if isinstance(payload, str):
        payload = payload.encode("utf-8", errors="replace")
    return payload[:MAX_PAYLOAD_BYTES].decode("utf-8", errors="replace")


def quarantine_row(
    stage: str,
    reason: str,
    *,
    source_name: str,
    url: str | None,
    payload: bytes | str | None,
    run_id: str,
    interval: Interval,
    record_id: str | None = None,
) -> dict:
    if stage not in schema.QUARANTINE_STAGES:
        raise ValueError(f"unknown quarantine stage {stage!r}")
    row = {
        "schema_version": schema.SCHEMA_VERSION,
        "record_id": record_id,
        "source_name": source_name,
        "url": url,
        "reason": reason,
        "payload": payload_text(payload),
        "run_id": run_id,
        "quarantined_at": interval.end,
        "stage": stage,
    }
    return row
