"""Dates: expressions resolved against the publication date, precision and flag."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.config import Settings
from eventwire.extract.dates import HISTORICAL_AFTER_DAYS, resolve_event_date, resolve_expression

PUBLISHED = dt.datetime(2019, 3, 14, 8, 30, tzinfo=dt.UTC)  # a Thursday


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.load(Settings().spacy_model)


def _resolve(nlp, text: str, trigger: str):
    sent = next(nlp(text).sents)
    return resolve_event_date(sent, next(t for t in sent if t.text == trigger), PUBLISHED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Thursday", (dt.date(2019, 3, 14), "day")),
        ("Monday", (dt.date(2019, 3, 11), "day")),
        ("late Monday", (dt.date(2019, 3, 11), "day")),
        ("early on Tuesday", (dt.date(2019, 3, 12), "day")),
        ("overnight Sunday", (dt.date(2019, 3, 10), "day")),
        ("yesterday", (dt.date(2019, 3, 13), "day")),
        ("last week", (dt.date(2019, 3, 7), "day")),
        ("late February", (dt.date(2019, 2, 1), "month")),
        ("in mid-December", (dt.date(2018, 12, 1), "month")),
        ("March 2", (dt.date(2019, 3, 2), "day")),
        ("2 March 2018", (dt.date(2018, 3, 2), "day")),
        ("November 30", (dt.date(2018, 11, 30), "day")),
        ("in 2011", (dt.date(2011, 1, 1), "year")),
        ("last month", (dt.date(2019, 2, 1), "month")),
        ("four days ago", (dt.date(2019, 3, 10), "day")),
        # "last Thursday" said on a Thursday is a week before.
        ("last Thursday", (dt.date(2019, 3, 7), "day")),
        # A day of the month alone: this month's, or last month's if still to come.
        ("on the 10th", (dt.date(2019, 3, 10), "day")),
        ("the 20th", (dt.date(2019, 2, 20), "day")),
        ("Christmas Day", (dt.date(2018, 12, 25), "day")),
    ],
)
def test_expressions_resolve_against_publication(text: str, expected: tuple) -> None:
    assert resolve_expression(text, PUBLISHED.date()) == expected


def test_non_dates_do_not_resolve() -> None:
    assert resolve_expression("the coming few hours", PUBLISHED.date()) is None
    assert resolve_expression("", PUBLISHED.date()) is None
    # A range of people counted, not of days.
    assert resolve_expression("Between 10 and 15", PUBLISHED.date()) is None


def test_weekday_in_future_tense_is_the_next_one(nlp) -> None:
    found = _resolve(nlp, "The two leaders will meet on Tuesday in Oslo.", "meet")
    assert (found.date, found.flag) == (dt.date(2019, 3, 19), "future")


def test_sentence_without_date_is_the_publication_day(nlp) -> None:
    found = _resolve(nlp, "Rebels shelled the market.", "shelled")
    assert (found.date, found.precision, found.flag, found.text) == (
        PUBLISHED.date(), "day", "reported", None,
    )  # fmt: skip


def test_planned_event_without_date_is_flagged_future(nlp) -> None:
    found = _resolve(nlp, "The army plans to storm the city.", "storm")
    assert found.flag == "future"


def test_old_events_are_historical(nlp) -> None:
    found = _resolve(nlp, "The militia first seized the dam in 2015.", "seized")
    assert (found.date, found.precision, found.flag) == (dt.date(2015, 1, 1), "year", "historical")
    days = (PUBLISHED.date() - dt.date(2019, 1, 31)).days
    assert days > HISTORICAL_AFTER_DAYS
    january = _resolve(nlp, "Students protested in January.", "protested")
    assert (january.precision, january.flag) == ("month", "historical")


def test_recent_month_is_reported(nlp) -> None:
    found = _resolve(nlp, "Troops withdrew from the border in late February.", "withdrew")
    assert (found.date, found.precision, found.flag) == (dt.date(2019, 2, 1), "month", "reported")


def test_date_of_the_trigger_clause_wins(nlp) -> None:
    text = "The minister said on Wednesday that police arrested the suspects on Monday."
    found = _resolve(nlp, text, "arrested")
    assert (found.date, found.text) == (dt.date(2019, 3, 11), "on Monday")


def test_future_act_ignores_dates_of_clauses_nested_in_it(nlp) -> None:
    text = (
        "The US will send 3,000 more troops under a strategy announced by the president in August."
    )
    found = _resolve(nlp, text, "send")
    assert (found.date, found.flag, found.text) == (PUBLISHED.date(), "future", None)


def test_future_act_keeps_its_own_date(nlp) -> None:
    text = "The US will send 3,000 more troops in August under a strategy announced last week."
    found = _resolve(nlp, text, "send")
    assert (found.date, found.precision, found.flag) == (dt.date(2019, 8, 1), "month", "future")


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("On or around 15 March 2018, gunmen abducted four farmers.", "abducted",
         dt.date(2018, 3, 15)),
        ("Around 2 February 2019 (as reported), rebels clashed with troops.", "clashed",
         dt.date(2019, 2, 2)),
        ("Villagers said militia fighters torched the market on 7th of March.", "torched",
         dt.date(2019, 3, 7)),
        # An event over days is dated by its first day.
        ("On the night of 10-11 March 2019, gunmen raided Ogossagou.", "raided",
         dt.date(2019, 3, 10)),
        ("Between 4 and 6 March, rebels shelled the camp.", "shelled", dt.date(2019, 3, 4)),
        ("On the night of March 5-6, gunmen raided Sobane.", "raided", dt.date(2019, 3, 5)),
        # Day first or month first, whichever is not after publication.
        ("On 12/3/2019, militants ambushed a convoy.", "ambushed", dt.date(2019, 3, 12)),
        ("On 3/12/2019, militants ambushed a convoy.", "ambushed", dt.date(2019, 3, 12)),
    ],
)  # fmt: skip
def test_date_written_with_its_day_wins(nlp, text: str, trigger: str, expected: dt.date) -> None:
    found = _resolve(nlp, text, trigger)
    assert (found.date, found.precision) == (expected, "day")


def test_ages_are_not_years(nlp) -> None:
    for age in ("32", "aged 41", "27 years old", "19-year-old"):
        assert resolve_expression(age, PUBLISHED.date()) is None
    found = _resolve(nlp, "Bello, 32, a trader, was shot dead by soldiers on Monday.", "shot")
    assert (found.date, found.precision) == (dt.date(2019, 3, 11), "day")
    undated = _resolve(nlp, "Bello, 32, a trader, was shot dead by soldiers.", "shot")
    assert undated.date == PUBLISHED.date()


def test_undated_sentence_continues_the_report_date(nlp) -> None:
    sent = next(nlp("Two guards were killed.").sents)
    before = "On 2 March 2019, gunmen stormed a police post near the border. "
    found = resolve_event_date(sent, sent[3], PUBLISHED, before)
    assert (found.date, found.precision, found.flag) == (dt.date(2019, 3, 2), "day", "reported")
    assert resolve_event_date(sent, sent[3], PUBLISHED, "No date here. ").date == PUBLISHED.date()
