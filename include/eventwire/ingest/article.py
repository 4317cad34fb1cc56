"""Article body, title, date and author of one page.

HTML goes through trafilatura, which drops navigation, ads and comment blocks. What it cannot
drop is boilerplate written as plain paragraphs, like the seed page's tail of related headlines
glued to time stamps ("…kills 31GMT 05:13 2018 Monday ,15 January") and its site footer; a line
cutter removes those using patterns kept as data (``data/boilerplate_patterns.txt``). When a
page yields no usable body, the feed summary stands in and the row says so.

trafilatura's time and memory grow faster than linearly with the number of elements (9.6 MB of
tiny ``<p>`` took 69 s and 1.7 GB), so a page with more elements than the cap is refused before
it is parsed: counting start tags is one scan of the decoded text that stops at the cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from eventwire.config import PAGE_MAX_ELEMENTS
from eventwire.ingest.text import decode_bytes, html_to_text
from eventwire.ingest.urls import UrlError

# A pattern line counts as boilerplate only up to this many words: the seed's junk lines have at
# most 13, its shortest body paragraph 24 (calibrated on shared/seed and the sample pages).
JUNK_LINE_MAX_WORDS = 20
# In the trailing block after the first junk line, short lines without sentence-final
# punctuation are headline lists too (the seed's related headlines run 5-9 words).
TAIL_HEADLINE_MAX_WORDS = 15
# Fewer words than this is no article body (a cookie wall, a "page moved" stub); calibrated on
# the sample corpus, whose shortest real body has ~90 words.
MIN_BODY_WORDS = 40
# htmldate: prefer the original publication date and keep its time of day and offset.
DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
SENTENCE_END = re.compile(r"[.!?\"”’')\]]$")
START_TAG = re.compile(r"<[A-Za-z]")


class NoArticleText(UrlError):
    """A fetched page with no usable article body (a stub, a cookie wall, no text)."""


class PageTooComplex(NoArticleText):
    """A page with more elements than the cap: quarantined unparsed, never summarised instead."""


@dataclass
class ExtractedPage:
    title: str | None
    text: str
    published: datetime | None
    author: str | None


@cache
def _junk_patterns() -> tuple[re.Pattern[str], ...]:
    text = resources.files("eventwire.data").joinpath("boilerplate_patterns.txt").read_text("utf-8")
    return tuple(
        re.compile(line.strip(), re.IGNORECASE)
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def is_junk_line(line: str) -> bool:
    stripped = line.strip()
    if len(stripped.split()) > JUNK_LINE_MAX_WORDS:
        return False
    return any(pattern.search(stripped) for pattern in _junk_patterns())


def _headline_like(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) <= TAIL_HEADLINE_MAX_WORDS and not SENTENCE_END.search(stripped)


def cut_boilerplate(text: str) -> str:
    """Drop the trailing related-headline/footer block and boilerplate lines anywhere."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        if is_junk_line(line) and all(
            is_junk_line(rest) or _headline_like(rest) for rest in lines[index + 1 :]
        ):
            lines = lines[:index]
            break
    return "\n".join(line for line in lines if not is_junk_line(line))


def extract_page(
    content: bytes,
    url: str,
    media_type: str = "text/html",
    charset: str | None = None,
    max_elements: int = PAGE_MAX_ELEMENTS,
) -> ExtractedPage:
    """The article of a fetched page; raises ``NoArticleText`` when there is no usable body
    and ``PageTooComplex`` when the page has more than ``max_elements`` elements."""
    text = decode_bytes(content, charset)
    if media_type == "text/plain":
        body = cut_boilerplate(text)
        return _checked(url, ExtractedPage(None, body, None, None))
    if _more_elements_than(text, max_elements):
        raise PageTooComplex(url, f"more than {max_elements} HTML elements")
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            text,
            url=url if url.startswith("http") else None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            deduplicate=False,
            date_extraction_params=DATE_PARAMS,
        )
    except (ValueError, TypeError, LookupError, RecursionError) as error:
        raise NoArticleText(url, f"HTML extraction failed ({type(error).__name__})") from error
    assert not isinstance(document, dict)  # as_dict is off: a Document or None
    if document is None or not document.text:
        raise NoArticleText(url, "no article body found in the page")
    title = html_to_text(document.title) if document.title else None
    body = cut_boilerplate(_without_title(document.text, title))
    page = ExtractedPage(title or None, body, _page_date(document.date), document.author or None)
    return _checked(url, page)


def _more_elements_than(text: str, limit: int) -> bool:
    return any(count >= limit for count, _ in enumerate(START_TAG.finditer(text)))


def _without_title(body: str, title: str | None) -> str:
    """trafilatura repeats an in-article ``<h1>`` as the first body line; the title has it."""
    first, _, rest = body.partition("\n")
    if title and first.strip() == title.strip():
        return rest
    return body


def _checked(url: str, page: ExtractedPage) -> ExtractedPage:
    words = len(page.text.split())
    if words < MIN_BODY_WORDS:
        raise NoArticleText(url, f"article body too short ({words} words)")
    return page


def _page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for form in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(value, form)
        except ValueError:
            continue
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None
