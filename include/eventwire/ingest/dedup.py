"""Duplicate articles: the same URL, the same text, or the same wire story on another site.

Exact duplicates are caught by canonical URL and by a hash of the normalised words. Near
duplicates (a wire story republished with a new headline, another template and a few edited
words) by MinHash over word shingles with datasketch's LSH index. What each interval kept is
persisted under ``_state/dedup/`` on the data root, so tomorrow's copy of today's story is
caught. Only intervals that ended before the current one starts count as earlier copies: a
re-run of an interval ignores what it recorded itself and reproduces the same decisions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from datasketch import MinHash, MinHashLSH

from eventwire.fs import DataRoot
from eventwire.ingest.text import normalised_words
from eventwire.interval import Interval

# Calibrated together on the sample corpus (measured over all pairs of bundled pages): the
# republished Saada story scores an estimated Jaccard of 0.82 against its source on 5-word
# shingles, the highest pair of distinct stories 0.01. The LSH threshold sits below the decision
# threshold so candidates are not lost to banding; the decision uses the estimate itself.
NUM_PERM = 128
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.4
NEAR_DUPLICATE_JACCARD = 0.5
MIN_WORDS_FOR_MINHASH = 30  # shorter texts share shingles by chance (boilerplate, bylines)
MINHASH_SEED = 1  # fixed, like the scheme: persisted signatures must stay comparable across runs
MINHASH_SCHEME = "affine32"  # datasketch 2.x default; recorded in the state files
WINDOW_DAYS = 14  # how far back earlier copies are looked for
STATE_FOLDER = ("_state", "dedup")


@dataclass(frozen=True)
class Seen:
    """One article an interval kept, as persisted in the dedup state."""

    article_id: str
    canonical_url: str
    text_hash: str | None
    signature: tuple[int, ...] | None


@dataclass
class Decision:
    duplicate_of: str | None
    kind: str  # "kept", "duplicate_url", "duplicate_text", "near_duplicate"
    detail: str = ""


def signature(text: str) -> MinHash | None:
    words = normalised_words(text)
    if len(words) < MIN_WORDS_FOR_MINHASH:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
    return minhash


class DedupIndex:
    """Articles seen so far (earlier intervals plus those kept in this one)."""

    def __init__(self, earlier: list[Seen]) -> None:
        self._by_url: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        self._signatures: dict[str, MinHash] = {}
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.kept: list[Seen] = []
        for seen in earlier:
            minhash = None
            if seen.signature is not None and len(seen.signature) == NUM_PERM:
                minhash = MinHash(
                    num_perm=NUM_PERM,
                    seed=MINHASH_SEED,
                    scheme=MINHASH_SCHEME,
                    hashvalues=seen.signature,
                )
            self._add(seen, minhash)

    def _add(self, seen: Seen, minhash: MinHash | None) -> None:
        self._by_url.setdefault(seen.canonical_url, seen.article_id)
        if seen.text_hash:
            self._by_hash.setdefault(seen.text_hash, seen.article_id)
        if minhash is not None and seen.article_id not in self._signatures:
            self._signatures[seen.article_id] = minhash
            self._lsh.insert(seen.article_id, minhash)

    def decide(
        self, article_id: str, canonical_url: str, text_hash: str | None, text: str
    ) -> Decision:
        """Classify one article and, when it is kept, remember it."""
        if canonical_url in self._by_url:
            return Decision(self._by_url[canonical_url], "duplicate_url", "same canonical URL")
        if text_hash and text_hash in self._by_hash:
            return Decision(self._by_hash[text_hash], "duplicate_text", "same normalised text")
        minhash = signature(text)
        if minhash is not None:
            scored = sorted(
                (-minhash.jaccard(self._signatures[other]), other)
                for other in self._lsh.query(minhash)
            )
            if scored and -scored[0][0] >= NEAR_DUPLICATE_JACCARD:
                score, other = scored[0]
                return Decision(other, "near_duplicate", f"estimated Jaccard {-score:.2f}")
        seen = Seen(
            article_id,
            canonical_url,
            text_hash,
            tuple(int(value) for value in minhash.hashvalues) if minhash is not None else None,
        )
        self._add(seen, minhash)
        self.kept.append(seen)
        return Decision(None, "kept")


def _state_file(interval: Interval) -> tuple[str, ...]:
    return (
        *STATE_FOLDER,
        f"dt={interval.dt}",
        f"{interval.file_name.removesuffix('.parquet')}.json",
    )


def _earlier_documents(root: DataRoot, interval: Interval) -> list[dict]:
    """State of intervals that ended before ``interval`` started, within the window."""
    first_day = (interval.start - timedelta(days=WINDOW_DAYS)).strftime("%Y-%m-%d")
    documents = []
    for path in sorted(root.fs.glob(root.path(*STATE_FOLDER, "dt=*", "*.json"))):
        day = path.rsplit("dt=", 1)[1].split("/", 1)[0]
        if not first_day <= day <= interval.dt:
            continue
        document = json.loads(root.fs.cat_file(path))
        parameters = (document.get("num_perm"), document.get("seed"), document.get("scheme"))
        if parameters != (NUM_PERM, MINHASH_SEED, MINHASH_SCHEME):
            continue
        if document["interval_end"] <= interval.start.isoformat():
            documents.append(document)
    return documents


def load_earlier(root: DataRoot, interval: Interval) -> list[Seen]:
    """Articles kept by earlier intervals (see ``_earlier_documents``)."""
    return [
        Seen(
            item["article_id"],
            item["canonical_url"],
            item.get("text_hash"),
            tuple(item["signature"]) if item.get("signature") else None,
        )
        for document in _earlier_documents(root, interval)
        for item in document["articles"]
    ]


def save_kept(
    root: DataRoot, interval: Interval, kept: list[Seen], duplicate_urls: list[str]
) -> None:
    """Record what this interval kept and the URLs of its duplicates (replacing a re-run)."""
    document = {
        "interval_start": interval.start.isoformat(),
        "interval_end": interval.end.isoformat(),
        "num_perm": NUM_PERM,
        "seed": MINHASH_SEED,
        "scheme": MINHASH_SCHEME,
        "articles": [
            {
                "article_id": item.article_id,
                "canonical_url": item.canonical_url,
                "text_hash": item.text_hash,
                "signature": list(item.signature) if item.signature else None,
            }
            for item in kept
        ],
        "duplicate_urls": sorted(set(duplicate_urls)),
    }
    root.put_atomic(json.dumps(document, sort_keys=True).encode("utf-8"), *_state_file(interval))


def seen_urls(root: DataRoot, interval: Interval) -> set[str]:
    """Canonical URLs earlier intervals kept or rejected as duplicates: no need to fetch again."""
    urls: set[str] = set()
    for document in _earlier_documents(root, interval):
        urls.update(item["canonical_url"] for item in document["articles"])
        urls.update(document.get("duplicate_urls") or [])
    return urls
