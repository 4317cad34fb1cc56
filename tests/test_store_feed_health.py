"""Per-feed health folded from ingest manifests, and the alert for a feed that stays down."""

from __future__ import annotations

import pytest

from eventwire.store.feed_health import (
    FeedsFailing,
    feed_health,
    feed_record,
    raise_for_failing_feeds,
)


def manifest(end: str, **feeds: dict) -> dict:
    return {"interval": f"start/{end}", "feed_health": feeds}


OK = feed_record({"entries": 20}, None, 3)
DOWN = feed_record({}, "refused: HTTP 503", 0)
NOT_DUE = feed_record({"not_due": 1}, None, 0)


def test_streak_counts_failed_polls_since_the_last_success():
    runs = [
        manifest("t1", rudaw=OK, wire=OK),
        manifest("t2", rudaw=DOWN, wire=OK),
        manifest("t3", rudaw=NOT_DUE, wire=OK),  # not polled: neither success nor failure
        manifest("t4", rudaw=DOWN, wire=OK),
    ]
    rudaw, wire = feed_health(runs)
    assert (rudaw.feed, rudaw.polls, rudaw.consecutive_failures) == ("rudaw", 3, 2)
    assert (rudaw.last_success, rudaw.last_error, rudaw.last_error_at) == (
        "t1", "refused: HTTP 503", "t4",
    )  # fmt: skip
    assert (rudaw.entries, rudaw.articles_kept) == (20, 3)
    assert (wire.consecutive_failures, wire.last_success, wire.articles_kept) == (0, "t4", 12)
    assert feed_health([*runs, manifest("t5", rudaw=OK)])[0].consecutive_failures == 0


def test_alert_when_the_streak_reaches_the_threshold_and_every_threshold_after():
    runs = [manifest(f"t{n}", rudaw=DOWN, wire=OK) for n in range(1, 7)]
    fired = []
    for n in range(1, 7):
        try:
            raise_for_failing_feeds(feed_health(runs[:n]), threshold=3)
        except FeedsFailing as error:
            fired.append(n)
            assert [item.feed for item in error.failing] == ["rudaw"]
            assert f"feed rudaw failed {n} polls in a row" in str(error)
            assert "refused: HTTP 503" in str(error)
    assert fired == [3, 6]


def test_a_feed_that_never_worked_says_so():
    with pytest.raises(FeedsFailing, match=r"last success never\): refused: HTTP 503"):
        raise_for_failing_feeds(feed_health([manifest("t1", new=DOWN)]), threshold=1)
