"""Per-feed health from the ingest manifests: is each feed still delivering?

A feed that refuses, times out or stops parsing never fails its harvest task (one bad feed
must not stop the others), so without this a dead feed is silent: the run is green and the
feed simply contributes nothing. Every ingest manifest records, per feed, whether it was
polled, the error that stopped it (if any), its entries and the articles it kept; this module
folds those records into one line per feed and names the feeds that failed too many polls in
a row, which the ingest DAG turns into a failure alert.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from eventwire.errors import PermanentFailure

MANIFEST_KEY = "feed_health"  # the per-feed records inside an ingest manifest


@dataclass(frozen=True)
class FeedHealth:
    """One feed over the runs on record; times are the interval ends of those runs."""

    feed: str
    polls: int  # runs in which the feed was due and fetched (or tried)
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    entries: int  # entries the feed listed at its latest successful poll
    articles_kept: int  # articles of this feed written to articles/, all runs
    consecutive_failures: int  # failed polls since the last success

    def as_dict(self) -> dict:
        return asdict(self)


class FeedsFailing(PermanentFailure):
    """Feeds failed ``threshold`` polls in a row; carries their health so a caller can act."""

    def __init__(self, failing: list[FeedHealth], threshold: int) -> None:
        self.failing = failing
        self.threshold = threshold
        super().__init__(
            "; ".join(
                f"feed {item.feed} failed {item.consecutive_failures} polls in a row "
                f"(last success {item.last_success or 'never'}): {item.last_error}"
                for item in failing
            )
        )


def feed_record(counts: dict[str, int], error: str | None, articles_kept: int) -> dict:
    """What one run's manifest keeps about one feed (see ``feed_health``)."""
    return {
        "polled": not counts.get("not_due"),
        "error": error,
        "entries": counts.get("entries", 0),
        "articles": articles_kept,
    }


def feed_health(manifests: list[dict]) -> list[FeedHealth]:
    """One ``FeedHealth`` per feed named in ``manifests`` (ingest manifests, oldest first)."""
    state: dict[str, dict] = {}
    for manifest in manifests:
        ended = manifest["interval"].rpartition("/")[2]
        for feed, record in sorted(manifest.get(MANIFEST_KEY, {}).items()):
            item = state.setdefault(
                feed,
                {
                    "polls": 0, "last_success": None, "last_error": None, "last_error_at": None,
                    "entries": 0, "articles_kept": 0, "consecutive_failures": 0,
                },
            )  # fmt: skip
            item["articles_kept"] += record.get("articles", 0)
            if not record.get("polled", True):
                continue
            item["polls"] += 1
            if record.get("error"):
                item.update(last_error=record["error"], last_error_at=ended)
                item["consecutive_failures"] += 1
            else:
                item.update(last_success=ended, entries=record.get("entries", 0))
                item["consecutive_failures"] = 0
    return [FeedHealth(feed=feed, **item) for feed, item in sorted(state.items())]


def raise_for_failing_feeds(health: list[FeedHealth], threshold: int) -> None:
    """Raise ``FeedsFailing`` for feeds whose failure streak just reached a multiple of
    ``threshold``: the alert fires when a feed has failed ``threshold`` polls in a row and
    again every ``threshold`` failed polls while it stays down, not on every run."""
    if threshold < 1:
        return
    failing = [
        item
        for item in health
        if item.consecutive_failures and item.consecutive_failures % threshold == 0
    ]
    if failing:
        raise FeedsFailing(failing, threshold)
