"""``make eval``: score the engine on the gold sets in ``../shared/gold``.

Scorer as ``shared/gold/README.md`` defines it: a gold (sentence, type) is found when the engine
emits at least one event of that type for the sentence; precision counts every emitted
(sentence, type) pair; "no event" sentences count against every event emitted for them; an
actor is right when the first three letters of its code match the gold source's. PETR2 root
accuracy counts a gold coding as right when the engine emits that CAMEO root for its sentence.
Also scores the project's own ACLED-style dev set (``acled_eval``, reported on its check
half), which needs no ``../shared``. Runs once with the built-in dictionaries and once more with
the Phoenix dictionaries and PETRARCH2 verb patterns when ``shared/dictionaries`` exists.
Prints one table and confusion tables, writes the same figures as JSON.

    python -m eventwire.extract.evaluate [--shared DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire import schema
from eventwire.config import PROJECT_ROOT, Settings
from eventwire.extract import acled_eval

if TYPE_CHECKING:
    from eventwire.extract.engine import Document, Extractor

DEFAULT_SHARED = PROJECT_ROOT.parent / "shared"
SEED_PUBLISHED = dt.datetime(2017, 11, 2, 9, tzinfo=dt.UTC)
# PLOVER v0.5 labels renamed in PLOVER 2021 (shared/gold/README.md).
LABEL_MAP = {
    "FIGHT": "ASSAULT",
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
}
# Copies of the seed article timed for the articles-per-second figure.
SPEED_COPIES = 50
NO_COUNTRY = "---"


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split())


def _run(
    extractor: Extractor, documents: Iterable[Document]
) -> tuple[dict[str, list[dict]], float]:
    started = time.perf_counter()
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for mention in extractor.extract(documents):
        by_doc[mention["article_id"]].append(mention)
    return by_doc, time.perf_counter() - started


def score_seed(extractor: Extractor, shared: Path) -> dict:
    from eventwire.extract.engine import Document
    from eventwire.extract.places import name_key

    gold = json.loads((shared / "gold" / "seed_article.gold.json").read_text(encoding="utf-8"))
    text = (shared / gold["article"]["file"]).read_text(encoding="utf-8")
    published = dt.datetime.fromisoformat(gold["article"]["published"].replace("Z", "+00:00"))
    mentions, _ = _run(extractor, [Document(id="seed", text=text, published=published)])
    found = mentions.get("seed", [])

    def matches(m: dict, want: dict) -> bool:
        if m["plover_type"] != want["plover"] or m["negated"]:
            return False
        if "cameo_root" in want and m["cameo_root"] != want["cameo_root"]:
            return False
        if (
            "acled_sub_event_type" in want
            and m["acled_sub_event_type"] != want["acled_sub_event_type"]
        ):
            return False
        place = want.get("location", {}).get("name")
        if place and name_key(m["location_name"] or "") != name_key(place):
            return False
        return all(m[k] == want[k] for k in ("fatalities", "injured") if k in want)

    required = {r["key"]: any(matches(m, r) for m in found) for r in gold["required"]}
    forbidden = {}
    for item in gold["forbidden"]:
        evidence = _norm(item["evidence"])
        hits = [m for m in found if evidence in _norm(m["sentence_text"])]
        if "fatalities" in item["key"]:
            hits = [m for m in hits if m["fatalities"] is not None]
        forbidden[item["key"]] = len(hits)
    fatal = [r for r in gold["required"] if "fatalities" in r]
    fatal_right = sum(required[r["key"]] for r in fatal)
    return {
        "required_found": sum(required.values()),
        "required_total": len(required),
        "required": required,
        "forbidden_emitted": sum(1 for n in forbidden.values() if n),
        "forbidden": forbidden,
        "fatalities_exact": fatal_right,
        "fatalities_total": len(fatal),
        "mentions": len(found),
    }


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    value = value.replace("-", "")
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def score_plover(extractor: Extractor, shared: Path) -> dict:
    from eventwire.extract.engine import Document

    records = json.loads((shared / "gold" / "plover_gsr_dev.json").read_text(encoding="utf-8"))
    gold: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, str] = {}
    dates: dict[str, str] = {}
    for record in records:
        if not record.get("text") or record["event"] == "DOCUMENT":
            continue
        key = _norm(record["text"])
        label = LABEL_MAP.get(record["event"], record["event"])
        gold[key].add(label)
        texts[key] = record["text"]
        dates[key] = record.get("date")
    keys = sorted(texts)
    docs = [
        Document(id=str(i), text=texts[k], published=_date(dates[k])) for i, k in enumerate(keys)
    ]
    mentions, seconds = _run(extractor, docs)
    emitted = {
        k: {m["plover_type"] for m in mentions.get(str(i), []) if not m["negated"]}
        for i, k in enumerate(keys)
    }
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for key in keys:
        for label in emitted[key] | gold[key]:
            if label in emitted[key] and label in gold[key]:
                tp[label] += 1
            elif label in emitted[key]:
                fp[label] += 1
            else:
                fn[label] += 1
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    per_type = {t: _prf(tp[t], fp[t], fn[t]) for t in schema.PLOVER_TYPES if tp[t] + fp[t] + fn[t]}
    macro = sum(v["f1"] for v in per_type.values()) / len(per_type) if per_type else 0.0
    return {
        "sentences": len(keys),
        "micro": micro,
        "macro_f1": macro,
        "per_type": per_type,
        "seconds": seconds,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def score_petr2(extractor: Extractor, shared: Path) -> dict:
    from eventwire.extract.engine import Document

    rows = [
        json.loads(line)
        for line in (shared / "gold" / "petr2_gsr_validation.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    docs = [
        Document(id=str(i), text=row["text"], published=_date(row.get("date")))
        for i, row in enumerate(rows)
    ]
    mentions, seconds = _run(extractor, docs)
    codings = matched = actor_total = actor_right = 0
    no_event = no_event_coded = 0
    for i, row in enumerate(rows):
        emitted = [m for m in mentions.get(str(i), []) if not m["negated"]]
        events = [e for e in row["events"] if "eventcode" in e]
        if not events:
            no_event += 1
            no_event_coded += bool(emitted)
            continue
        for event in events:
            codings += 1
            same_root = [m for m in emitted if m["cameo_root"] == event["eventcode"][:2]]
            if not same_root:
                continue
            matched += 1
            want = event["sourcecode"][:3]
            actor_total += 1
            actor_right += any(
                (m["actor_code"] or NO_COUNTRY)[:3] == want
                or (want == NO_COUNTRY and m["actor_country"] is None)
                for m in same_root
            )
    return {
        "sentences": len(rows),
        "codings": codings,
        "root_accuracy": matched / codings if codings else 0.0,
        "no_event_sentences": no_event,
        "no_event_coded": no_event_coded,
        "no_event_precision": (no_event - no_event_coded) / no_event if no_event else 0.0,
        "actor_country_accuracy": actor_right / actor_total if actor_total else 0.0,
        "seconds": seconds,
    }


def speed(extractor: Extractor, shared: Path) -> dict:
    from eventwire.extract.engine import Document

    text = (shared / "seed" / "000_04c10d08328eaf7d.txt").read_text(encoding="utf-8")
    docs = [
        Document(id=f"copy-{i}", text=text, published=SEED_PUBLISHED) for i in range(SPEED_COPIES)
    ]
    _, seconds = _run(extractor, docs)
    return {
        "articles": SPEED_COPIES,
        "seconds": seconds,
        "articles_per_second": SPEED_COPIES / seconds,
    }


def evaluate(shared: Path | None, settings: Settings) -> dict:
    """All figures for one settings (dictionaries or not); the shared gold sets only where
    ``shared`` holds them, the project's own ACLED-style dev set always."""
    from eventwire.extract.engine import Extractor

    extractor = Extractor(settings)
    extractor.nlp  # noqa: B018 - load outside the timed runs
    extractor.gazetteer  # noqa: B018
    result = {
        "acled_dev": acled_eval.score(extractor, "check"),
        "acled_dev_tune": acled_eval.score(extractor, "tune"),
        "extractor_version": extractor.version,
    }
    if shared is not None:
        result |= {
            "seed": score_seed(extractor, shared),
            "plover": score_plover(extractor, shared),
            "petr2": score_petr2(extractor, shared),
            "speed": speed(extractor, shared),
        }
    return result


def _gold_rate(result: dict) -> float:
    documents = result["plover"]["sentences"] + result["petr2"]["sentences"]
    return documents / (result["plover"]["seconds"] + result["petr2"]["seconds"])


def _rate(key: str, split: str = "acled_dev") -> Callable[[dict], str]:
    return lambda r: f"{r[split][key]['rate']:.3f}"


_ACLED_ROWS = [
    (
        "own ACLED dev (check half) sub-type macro-F1",
        lambda r: f"{r['acled_dev']['sub_event_macro_f1']:.3f}",
    ),
    ("  ACLED event type accuracy", _rate("event_type_accuracy")),
    ("  fatalities exact", _rate("fatalities_exact")),
    ("  country", _rate("country")),
    ("  place within 25 km", _rate("place_within_25km")),
    ("  event date exact", _rate("date_exact")),
    (
        "own ACLED dev (tune half) sub-type macro-F1",
        lambda r: f"{r['acled_dev_tune']['sub_event_macro_f1']:.3f}",
    ),
]


def _table(results: dict[str, dict]) -> str:
    rows = [
        (
            "seed required found",
            lambda r: f"{r['seed']['required_found']}/{r['seed']['required_total']}",
        ),
        ("seed forbidden emitted", lambda r: str(r["seed"]["forbidden_emitted"])),
        ("PLOVER dev micro-F1", lambda r: f"{r['plover']['micro']['f1']:.3f}"),
        (
            "PLOVER dev micro P / R",
            lambda r: (
                f"{r['plover']['micro']['precision']:.2f} / {r['plover']['micro']['recall']:.2f}"
            ),
        ),
        ("PLOVER dev macro-F1", lambda r: f"{r['plover']['macro_f1']:.3f}"),
        ("PETR2 CAMEO root accuracy", lambda r: f"{r['petr2']['root_accuracy']:.3f}"),
        (
            "PETR2 no-event sentences coded",
            lambda r: f"{r['petr2']['no_event_coded']}/{r['petr2']['no_event_sentences']}",
        ),
        ("PETR2 no-event precision", lambda r: f"{r['petr2']['no_event_precision']:.3f}"),
        ("PETR2 actor-country accuracy", lambda r: f"{r['petr2']['actor_country_accuracy']:.3f}"),
        (
            "fatalities exact",
            lambda r: f"{r['seed']['fatalities_exact']}/{r['seed']['fatalities_total']}",
        ),
        ("articles/s (seed x50, 1 process)", lambda r: f"{r['speed']['articles_per_second']:.1f}"),
        ("gold documents/s (PLOVER+PETR2)", lambda r: f"{_gold_rate(r):.1f}"),
    ]
    first = next(iter(results.values()))
    rows = (rows if "seed" in first else []) + _ACLED_ROWS
    names = list(results)
    width = max(len(r[0]) for r in rows)
    lines = [f"{'metric':<{width}}  " + "  ".join(f"{n:>18}" for n in names)]
    lines.append("-" * len(lines[0]))
    for label, cell in rows:
        lines.append(f"{label:<{width}}  " + "  ".join(f"{cell(results[n]):>18}" for n in names))
    return "\n".join(lines)


def _plover_table(plover: dict) -> str:
    lines = []
    for label, f in sorted(plover["per_type"].items()):
        lines.append(
            f"  {label:<10} {f['precision']:.2f} / {f['recall']:.2f} / {f['f1']:.2f}"
            f"   {f['tp']:>3} {f['fp']:>3} {f['fn']:>3}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eventwire.extract.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the shared folder holding gold/ (default ../shared)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--no-confusion", action="store_true", help="leave out the confusion tables"
    )
    args = parser.parse_args(argv)
    shared = args.shared if (args.shared / "gold").is_dir() else None
    if shared is None:
        print(
            f"shared gold sets skipped: {args.shared / 'gold'} is absent (only developers' "
            "checkouts have it); scoring the project's own ACLED-style dev set only",
            file=sys.stderr,
        )
    base = Settings.from_env()
    results = {"built-in": evaluate(shared, dataclasses.replace(base, dictionaries=None))}
    phoenix = args.shared / "dictionaries"
    if phoenix.is_dir():
        results["with Phoenix dicts"] = evaluate(
            shared, dataclasses.replace(base, dictionaries=phoenix)
        )
    print(_table(results))
    if not args.no_confusion:
        built_in = results["built-in"]
        print("\nACLED sub-event types, own dev set, check half (gold: right/total, then errors):")
        print(acled_eval.confusion_table(built_in["acled_dev"]))
        if "plover" in built_in:
            print("\nPLOVER types, shared PLOVER dev set (P / R / F1, tp fp fn):")
            print(_plover_table(built_in["plover"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
