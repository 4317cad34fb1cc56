"""Sentences of a document with their character offsets, before any parsing.

Splitting happens on raw text so that the trigger prefilter can drop most sentences before
spaCy sees them; ``text[start:end]`` is always the sentence. Lines that are scraped-page junk
(related headlines glued to a "GMT hh:mm yyyy Weekday ,dd Month" stamp, a headline glued to
footer text, copyright and comment-box lines) are marked ``junk`` so the engine never codes them,
even when the ingest cleaner missed them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words before a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "st", "jr",
        "sr", "no", "gov", "sen", "rep", "prof", "inc", "co", "corp", "ltd", "vs", "u.s",
        "u.n", "u.k", "e.g", "i.e", "jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec",
        "brig", "adm", "cmdr", "rev", "mt", "ft", "approx", "dept", "est", "fig", "al",
    }
)  # fmt: skip

# A related-headline stamp as scraped news sites print it ("GMT 05:31 2018 Tuesday ,16 January").
GMT_STAMP = re.compile(r"GMT\s?\d{1,2}:\d{2}\s+\d{4}\s+[A-Z][a-z]+\s*,\s*\d{1,2}\s+[A-Z][a-z]+")
# Two words glued by a scraper ("desertMaintained"): a long lower-case run, then a capital.
GLUED_WORDS = re.compile(r"[a-z]{4,}[A-Z][a-z]{3,}")
BOILERPLATE = re.compile(
    r"all rights reserved|maintained and developed by|©|send your comments|your comment as a"
    r"|subscribe to our newsletter|cookie policy|follow us on",
    re.IGNORECASE,
)

# A label that opens a page's list of other stories or a caption ("Related: ...", "Read
# more: ...", "Photo: ..."): that sentence and the rest of its line are no report.
LABELLED_JUNK = re.compile(
    r"(?:related(?: articles| stories| news| headlines| coverage)?|read more|read also"
    r"|also read|see also|more stories|more on this|photo|picture|watch|listen|recommended"
    r"|trending|most read)\s*:",
    re.IGNORECASE,
)
# A wire dateline opening a line ("KAMPALA - ", "MAIDUGURI, Nigeria - ", "LYON: "): its own
# piece, so that the place it names is not read as part of the first sentence's subject.
DATELINE = re.compile(
    r"^[A-Z][A-Z'.-]+(?:\s[A-Z][A-Z'.-]+)*(?:,\s[A-Z][\w .]+?)?(?:\s\([^)]*\))?\s*[-–—:]\s+(?=\S)"
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"(\S+)$")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    junk: bool


def _is_junk_line(line: str, after_junk: bool) -> bool:
    if GMT_STAMP.search(line) or BOILERPLATE.search(line):
        return True
    return after_junk and GLUED_WORDS.search(line) is not None


def _pieces(line: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in one line; a dateline is a piece of its own."""
    out = []
    dateline = DATELINE.match(line)
    start = dateline.end() if dateline else 0
    if dateline:
        out.append((0, start))
    for m in _BOUNDARY.finditer(line):
        before = _LAST_WORD.search(line[start : m.start()])
        word = before.group(1).lower().strip('"“(') if before else ""
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        out.append((start, m.end()))
        start = m.end()
    out.append((start, len(line)))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order, stripped, with offsets into ``text``. Junk is judged
    by line, and within a line of several sentences by sentence: a page flattened to one line
    keeps its story when only its tail is a stamp or a list of related headlines, and after
    a label such as "Related:" or "Read more:" the rest of the line is that list."""
    sentences: list[Sentence] = []
    offset = 0
    after_junk = False
    for line in text.splitlines(keepends=True):
        pieces = [(a, b) for a, b in _pieces(line) if line[a:b].strip()]
        junk = _is_junk_line(line, after_junk)
        glued_after_junk = after_junk
        if line.strip():
            after_junk = junk
        labelled = False
        for a, b in pieces:
            piece = line[a:b]
            stripped = piece.strip()
            labelled = labelled or LABELLED_JUNK.match(stripped) is not None
            piece_junk = labelled or (
                _is_junk_line(stripped, glued_after_junk) if len(pieces) > 1 else junk
            )
            start = offset + a + (len(piece) - len(piece.lstrip()))
            end = start + len(stripped)
            sentences.append(Sentence(len(sentences), start, end, stripped, piece_junk))
        offset += len(line)
    return sentences
