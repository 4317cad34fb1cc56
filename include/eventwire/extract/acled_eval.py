"""Scoring on the project's own ACLED-style dev set (``tests/data/acled_dev.jsonl``).

The set was written for eventwire from the ACLED codebook's definitions before the engine was
run on it, and is split in two: rules are tuned on ``tune``, and ``make eval`` reports
``check``, the half no rule was written against (``tests/data/ACLED_DEV.md``).

Each item is one document with one gold event (or none). The engine's answer for a document is
its *lead event*: the non-negated mention with an ACLED type and the highest confidence (the
first such mention on a tie). Scored, as the held-back acceptance sets are:

* ACLED sub-event type: macro-F1 over the sub-types present in gold or predicted, with "no
  event" items counting against any type predicted for them; ACLED event type accuracy;
* fatalities exact, where gold states a number (0 included);
* country of the event; the place within ``NEAR_KM`` of gold's coordinates; the event date
  exact where gold states one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.config import PROJECT_ROOT

if TYPE_CHECKING:
    from eventwire.extract.engine import Extractor

DEV_SET = PROJECT_ROOT / "tests" / "data" / "acled_dev.jsonl"
NEAR_KM = 25.0
EARTH_RADIUS_KM = 6371.0
NO_EVENT = "(none)"


def load(path: Path = DEV_SET, split: str | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split is None or r["split"] == split]


def lead_event(mentions: list[dict]) -> dict | None:
    typed = [m for m in mentions if m["acled_sub_event_type"] and not m["negated"]]
    if not typed:
        return None
    best = max(m["confidence"] for m in typed)
    return next(m for m in typed if m["confidence"] == best)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _rate(right: int, total: int) -> dict:
    return {"right": right, "total": total, "rate": right / total if total else 0.0}


def score(extractor: Extractor, split: str | None = "check", path: Path = DEV_SET) -> dict:
    from eventwire.extract.engine import Document

    rows = load(path, split)
    docs = [
        Document(
            id=row["id"],
            text=row["text"],
            published=dt.datetime.fromisoformat(row["published"]).replace(tzinfo=dt.UTC),
        )
        for row in rows
    ]
    by_doc: dict[str, list[dict]] = {}
    for mention in extractor.extract(docs):
        by_doc.setdefault(mention["article_id"], []).append(mention)
    confusion: Counter[tuple[str, str]] = Counter()
    counts: Counter[str] = Counter()
    for row in rows:
        lead = lead_event(by_doc.get(row["id"], []))
        gold_sub = row["acled_sub_event_type"] or NO_EVENT
        confusion[gold_sub, lead["acled_sub_event_type"] if lead else NO_EVENT] += 1
        if row["acled_event_type"]:
            counts["typed"] += 1
            counts["type_right"] += (
                lead is not None and lead["acled_event_type"] == row["acled_event_type"]
            )
        _score_attributes(row, lead, counts)
    return {
        "split": split or "all",
        "documents": len(rows),
        "sub_event_macro_f1": _macro_f1(confusion),
        "event_type_accuracy": _rate(counts["type_right"], counts["typed"]),
        "fatalities_exact": _rate(counts["fatal_right"], counts["fatal_total"]),
        "country": _rate(counts["country_right"], counts["country_total"]),
        "place_within_25km": _rate(counts["near_right"], counts["near_total"]),
        "date_exact": _rate(counts["date_right"], counts["date_total"]),
        "confusion": {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items())},
    }


def _score_attributes(row: dict, lead: dict | None, counts: Counter) -> None:
    if not row["acled_event_type"]:
        return
    if row["fatalities"] is not None:
        counts["fatal_total"] += 1
        found = (lead or {}).get("fatalities")
        counts["fatal_right"] += (found or 0) == row["fatalities"] if lead else False
    if row["country"]:
        counts["country_total"] += 1
        counts["country_right"] += lead is not None and lead["country"] == row["country"]
    if row["lat"] is not None:
        counts["near_total"] += 1
        if lead and lead["lat"] is not None:
            counts["near_right"] += _km(row["lat"], row["lon"], lead["lat"], lead["lon"]) <= NEAR_KM
    if row["event_date"]:
        counts["date_total"] += 1
        counts["date_right"] += lead is not None and str(lead["event_date"]) == row["event_date"]


def _macro_f1(confusion: Counter[tuple[str, str]]) -> float:
    labels = {g for g, _ in confusion} | {p for _, p in confusion}
    labels.discard(NO_EVENT)
    scores = []
    for label in sorted(labels):
        tp = confusion[label, label]
        fp = sum(n for (g, p), n in confusion.items() if p == label and g != label)
        fn = sum(n for (g, p), n in confusion.items() if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0)
    return sum(scores) / len(scores) if scores else 0.0


def confusion_table(result: dict) -> str:
    """Gold sub-type, then what the engine gave and how often, errors first."""
    by_gold: dict[str, list[tuple[str, int]]] = {}
    for key, n in result["confusion"].items():
        gold, predicted = key.split(" -> ")
        by_gold.setdefault(gold, []).append((predicted, n))
    lines = []
    for gold in sorted(by_gold):
        cells = sorted(by_gold[gold], key=lambda c: (c[0] == gold, -c[1]))
        right = sum(n for p, n in cells if p == gold)
        total = sum(n for _, n in cells)
        wrong = ", ".join(f"{p} {n}" for p, n in cells if p != gold)
        lines.append(f"  {gold:<38} {right:>2}/{total:<2} {wrong}")
    return "\n".join(lines)
