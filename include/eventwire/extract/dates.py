"""Dates: when an event happened, resolved against the article's publication date.

News text dates events relative to the day it is published ("on Thursday", "yesterday", "late
October"). A date written out with its day ("On or around 9 May 2020") is tried first, then
the date expressions tied to the event's trigger in the parse, then the rest of the sentence;
the first one that resolves wins. Common news forms are resolved by rule (weekdays are the
latest such day on or before publication, months and years take their first day at month or
year precision, early/mid/late are dropped); anything else goes to dateparser (offline, about
0.4 ms a parse), with the publication date as its base. With no date
expression the event takes the last date written out earlier in the document, else the
publication day. Ages ("Tays, 32,") are never dates.

``flag`` says how the date relates to the report: ``historical`` when the event's period ended
more than ``HISTORICAL_AFTER_DAYS`` before publication, ``future`` when the sentence puts the
event after publication ("will meet on Friday", "plans to hold talks"), else ``reported``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateparser.date import DateDataParser
    from spacy.tokens import Span, Token

# An event whose period ended more than this many days before publication is historical
# background, not news: a month is ACLED's horizon for "recent" reporting and keeps "last week"
# and "late last month" reported while "in 2014" and "in September" (for a November article)
# become historical.
HISTORICAL_AFTER_DAYS = 30
# "last week" is dated to the middle of the previous Monday-Sunday week, as ACLED dates events
# known only to the week (its time precision 2); the schema has no week precision, so it is day.
WEEK_MIDDLE = 3

DAY = "day"
MONTH = "month"
YEAR = "year"
REPORTED = "reported"
HISTORICAL = "historical"
FUTURE = "future"

# Dependencies that open a clause of its own inside the trigger's (relative, adverbial and
# complement clauses), whose dates belong to their own verbs.
_NESTED_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "csubj", "parataxis"})

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(_WEEKDAYS)

_LEAD = re.compile(
    r"^(?:on or around|on or about|around|about|on|in|since|during|by|from|until|till|at|of"
    r"|as of|the|this past|earlier|later)\s+",
)
_PART = re.compile(
    r"^(?:(?:the\s+)?(?:early|mid|late|end of|beginning of|start of|middle of|overnight)[\s-]+)"
)
_RELATIVE_DAYS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "earlier today": 0, "on the day": 0, "the day": 0, "yesterday": 1, "last night": 1,
    "yesterday morning": 1, "yesterday evening": 1, "the day before yesterday": 2,
}  # fmt: skip
_WEEKDAY = re.compile(
    rf"^(?:(?:last|this|next|past)\s+)?({_WEEKDAY_RE})(?:\s+(?:morning|afternoon|evening|night))?$"
)
_MONTH_DAY = re.compile(rf"^({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$")
_DAY_MONTH = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?$"
)
# "the night of 8-9 May", "between 3 and 5 May 2021": an event over days is dated by its
# first, as ACLED dates an event by the day it began.
_DAY_RANGE = re.compile(
    rf"^(?:between\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?$"
)
# "the night of March 5-6": the range written month first.
_MONTH_DAY_RANGE = re.compile(
    rf"^({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*\d{{1,2}}"
    rf"(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$"
)
# "on the 10th": a day of the month the report was written in.
_ORDINAL_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
# Days named by the feast that falls on them.
_HOLIDAYS = {
    "christmas day": (12, 25), "christmas eve": (12, 24), "christmas": (12, 25),
    "new year's day": (1, 1), "new year's eve": (12, 31),
}  # fmt: skip
# "9/5/2021": day first or month first, whichever reading is not after publication.
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_MONTH_YEAR = re.compile(rf"^({_MONTH_RE})\.?(?:,?\s+(?:of\s+)?(\d{{4}}|this year|last year))?$")
_YEAR = re.compile(r"^(\d{4})$")
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_FUTURE_HEADS = frozenset(
    {"plan", "intend", "promise", "vow", "threaten", "expect", "schedule", "prepare", "aim",
     "pledge", "hope", "want", "seek", "propose"}
)  # fmt: skip
# Expressions in a sentence that NER may miss; each match is tried like a DATE entity.
_EXTRA = re.compile(
    rf"\b(?:(?:on|last|this|next)\s+)?(?:{_WEEKDAY_RE})\b|\byesterday\b|\btoday\b|\btonight\b"
    r"|\blast\s+(?:week|month|year|night)\b",
    re.IGNORECASE,
)
# A date written out with its day ("9 May 2020", "June 2", "2nd of June"): the small model
# often tags only "May 2020" of "On or around 9 May 2020". Such a date is the event's, whatever
# else the sentence dates (ACLED notes open with it), and it is never an age or a count.
_MONTH_NAME = "|".join(name.capitalize() for name in sorted(_MONTHS, key=len, reverse=True))
_EXPLICIT = re.compile(
    rf"\b(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*)?"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAME})\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTH_NAME})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?"
    rf"(?:,?\s+\d{{4}})?)\b(?!-)"
)
# What the recogniser tags as a date but is a person's age: "Tays, 32," "aged 41", "a
# 32-year-old". A bare number of up to three digits is never a date on its own.
_AGE = re.compile(r"^(?:aged\s+)?\d{1,3}(?:[\s-]+years?(?:[\s-]+old)?)?$")


@dataclass(frozen=True)
class EventDate:
    """An event's date, how precise it is, how it relates to the report, and its source text."""

    date: dt.date | None
    precision: str
    flag: str
    text: str | None


def resolve_event_date(
    sent: Span, trigger: Token, published: dt.datetime, before: str = ""
) -> EventDate:
    """The date of the event ``trigger`` names, from the sentence's date expressions, else
    from the last date written out in ``before`` (the document up to the sentence), else the
    publication day."""
    day = published.date()
    future = _future_modality(trigger)
    for text in _expressions(sent, trigger, own_clause_only=future):
        resolved = resolve_expression(text, day, future)
        if resolved is not None:
            date, precision = resolved
            return EventDate(date, precision, _flag(date, precision, day, future), text)
    carried = None if future else preceding_date(before, published)
    return carried or EventDate(day, DAY, FUTURE if future else REPORTED, None)


def resolve_expression(
    text: str, published: dt.date, future: bool = False
) -> tuple[dt.date, str] | None:
    """(date, precision) of one date expression relative to ``published``; None if not a date."""
    expr = " ".join(text.lower().replace("’", "'").split()).strip(" ,.")
    expr = _LEAD.sub("", expr)
    expr = _LEAD.sub("", expr)
    if _AGE.match(expr):
        return None
    if expr in _RELATIVE_DAYS:
        return published - dt.timedelta(days=_RELATIVE_DAYS[expr]), DAY
    ruled = _by_rule(expr, published, future)
    return ruled if ruled is not None else _by_dateparser(expr, published, future)


def _by_rule(expr: str, published: dt.date, future: bool) -> tuple[dt.date, str] | None:
    # "late Monday", "early on Sunday", "overnight Friday": the part of the day is dropped.
    if m := _WEEKDAY.match(_LEAD.sub("", _PART.sub("", expr))):
        weekday = _WEEKDAYS[m.group(1)]
        if expr.startswith("last") and weekday == published.weekday():
            return published - dt.timedelta(days=7), DAY  # "last Monday", said on a Monday
        return _weekday(weekday, published, future or expr.startswith("next")), DAY
    if expr in ("last week", "the past week", "past week"):
        monday = published - dt.timedelta(days=published.weekday() + 7)
        return monday + dt.timedelta(days=WEEK_MIDDLE), DAY
    if expr in ("last month", "this month", "next month"):
        shift = {"last month": -1, "this month": 0, "next month": 1}[expr]
        return _add_months(published.replace(day=1), shift), MONTH
    if expr in ("last year", "this year", "next year"):
        shift = {"last year": -1, "this year": 0, "next year": 1}[expr]
        return dt.date(published.year + shift, 1, 1), YEAR
    if m := _YEAR.match(expr):
        year = int(m.group(1))
        return (dt.date(year, 1, 1), YEAR) if 1800 <= year <= published.year + 10 else None
    bare = _PART.sub("", expr)
    if m := _NUMERIC.match(bare):
        return _numeric(int(m.group(1)), int(m.group(2)), int(m.group(3)), published, future)
    if m := _DAY_RANGE.match(bare):
        return _day(_MONTHS[m.group(2)], int(m.group(1)), m.group(3), published, future)
    if m := _MONTH_DAY_RANGE.match(bare):
        return _day(_MONTHS[m.group(1)], int(m.group(2)), m.group(3), published, future)
    if m := _ORDINAL_DAY.match(bare):
        return _ordinal_day(int(m.group(1)), published, future)
    if expr in _HOLIDAYS:
        month, day = _HOLIDAYS[expr]
        return _day(month, day, None, published, future)
    if m := _MONTH_DAY.match(bare):
        return _day(_MONTHS[m.group(1)], int(m.group(2)), m.group(3), published, future)
    if m := _DAY_MONTH.match(bare):
        return _day(_MONTHS[m.group(2)], int(m.group(1)), m.group(3), published, future)
    if m := _MONTH_YEAR.match(bare):
        month = _MONTHS[m.group(1)]
        year_text = m.group(2)
        if year_text is None:
            year = _year_for(month, 1, published, future)
        elif year_text.isdigit():
            year = int(year_text)
        else:
            year = published.year - (year_text == "last year")
        return dt.date(year, month, 1), MONTH
    return None


def _ordinal_day(day: int, published: dt.date, future: bool) -> tuple[dt.date, str] | None:
    """ "on the 10th": that day of the report's month, or of the month before (after, for the
    future) when the day is on the other side of publication."""
    month = published.replace(day=1)
    if (day > published.day) != future and day != published.day:
        month = _add_months(month, 1 if future else -1)
    try:
        return month.replace(day=day), DAY
    except ValueError:
        return None


def _weekday(weekday: int, published: dt.date, future: bool) -> dt.date:
    """The latest such weekday on or before publication (the next one after, for the future)."""
    if future:
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _year_for(month: int, day: int, published: dt.date, future: bool) -> int:
    """The year that puts month/day last before publication (first after, for the future)."""
    candidate = (month, day)
    current = (published.month, published.day)
    if future:
        return published.year + (candidate < current)
    return published.year - (candidate > current)


def _day(
    month: int, day: int, year: str | None, published: dt.date, future: bool
) -> tuple[dt.date, str] | None:
    resolved_year = int(year) if year else _year_for(month, day, published, future)
    try:
        return dt.date(resolved_year, month, day), DAY
    except ValueError:
        return None


def _numeric(
    first: int, second: int, year: int, published: dt.date, future: bool
) -> tuple[dt.date, str] | None:
    """The reading of "9/5/2021" on the report's side of publication, the nearer one when both
    are: news in English writes the day first or the month first, by country."""
    readings = []
    for day, month in ((first, second), (second, first)):
        try:
            readings.append(dt.date(year, month, day))
        except ValueError:
            continue
    fitting = [d for d in readings if (d > published) == future] or readings
    if not fitting:
        return None
    return min(fitting, key=lambda d: abs((d - published).days)), DAY


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@functools.cache
def _date_parser(published: dt.date, future: bool) -> DateDataParser:
    from dateparser.date import DateDataParser

    base = dt.datetime.combine(published, dt.time(12))
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "future" if future else "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=["en"], settings=settings)


_PERIOD_PRECISION = {"day": DAY, "week": DAY, "month": MONTH, "year": YEAR}
# Expressions whose dateparser reading is remembered, per publication day: news repeats the
# ones no rule covers ("two days", "years", "the weekend", most of them no date at all), and
# one dateparser call costs about 2 ms, as much as parsing a sentence.
DATEPARSER_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=DATEPARSER_CACHE_SIZE)
def _by_dateparser(expr: str, published: dt.date, future: bool) -> tuple[dt.date, str] | None:
    """Whatever the rules do not cover ("three days ago", "two weeks ago", "25/10/2017")."""
    if not any(ch.isalnum() for ch in expr) or len(expr) > 40:
        return None
    data = _date_parser(published, future).get_date_data(expr)
    if data.date_obj is None:
        return None
    precision = _PERIOD_PRECISION.get(data.period or "day", DAY)
    date = data.date_obj.date()
    if precision == MONTH:
        date = date.replace(day=1)
    elif precision == YEAR:
        date = date.replace(month=1, day=1)
    return date, precision


def _period_end(date: dt.date, precision: str) -> dt.date:
    if precision == YEAR:
        return date.replace(month=12, day=31)
    if precision == MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def _flag(date: dt.date, precision: str, published: dt.date, future: bool) -> str:
    if future or date > published:
        return FUTURE
    if (published - _period_end(date, precision)).days > HISTORICAL_AFTER_DAYS:
        return HISTORICAL
    return REPORTED


def _future_modality(trigger: Token) -> bool:
    """ "will attack", "is going to attack", "plans to attack", "promised to attack"."""
    if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in trigger.children):
        return True
    head = trigger.head
    if trigger.dep_ in ("xcomp", "ccomp") and head.lemma_ in _FUTURE_HEADS:
        return True
    return trigger.dep_ == "xcomp" and head.lower_ == "going" and head.head is not head


def _own_clause(trigger: Token) -> set[int]:
    """Token indices of the trigger's clause, without the clauses nested in it: in "will send
    troops under a strategy announced in August", "in August" dates the announcing."""
    own: set[int] = set()
    stack = [trigger]
    while stack:
        token = stack.pop()
        own.add(token.i)
        stack.extend(c for c in token.children if c.dep_ not in _NESTED_CLAUSES)
    return own


def _expressions(sent: Span, trigger: Token, own_clause_only: bool = False) -> list[str]:
    """Date expressions of the sentence: dates written out with their day first, then those
    in the trigger's clause, nearest first. A future act takes only its own clause's dates:
    the others date acts already done."""
    subtree = _own_clause(trigger)
    found: list[tuple[bool, bool, int, str]] = []
    spans: list[tuple[int, int]] = []
    for m in _EXPLICIT.finditer(sent.text):
        spans.append((sent.start_char + m.start(), sent.start_char + m.end()))
    for ent in sent.ents:
        if ent.label_ == "DATE" and not any(
            a < ent.end_char and ent.start_char < b for a, b in spans
        ):
            spans.append((ent.start_char, ent.end_char))
    for m in _EXTRA.finditer(sent.text):
        start = sent.start_char + m.start()
        if not any(a <= start < b for a, b in spans):
            spans.append((start, sent.start_char + m.end()))
    for start, end in spans:
        span = sent.doc.char_span(start, end, "expand")
        if span is None:
            continue
        inside = span.root.i in subtree
        if inside or not own_clause_only:
            explicit = bool(_EXPLICIT.fullmatch(span.text))
            found.append((not explicit, not inside, abs(span.root.i - trigger.i), span.text))
    return [text for *_, text in sorted(found)]


def preceding_date(text: str, published: dt.datetime) -> EventDate | None:
    """The last date written out with its day in ``text`` (the document before a sentence):
    a sentence that dates nothing continues the report's date ("On 9 May 2020, gunmen attacked
    ... Two soldiers were killed.") rather than the publication day."""
    for m in reversed(list(_EXPLICIT.finditer(text))):
        resolved = resolve_expression(m.group(), published.date())
        if resolved is not None:
            date, precision = resolved
            return EventDate(
                date, precision, _flag(date, precision, published.date(), False), m.group()
            )
    return None
