"""Small text helpers shared by feed parsing, article extraction and deduplication."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
WORD = re.compile(r"\w+", re.UNICODE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def html_to_text(value: str) -> str:
    """Markup to one line of plain text (feed titles and summaries carry HTML)."""
    if "<" in value or "&" in value:
        value = html.unescape(TAG.sub(" ", value))
    return SPACE.sub(" ", CONTROL.sub("", value).replace("\n", " ")).strip()


def decode_bytes(content: bytes, declared: str | None = None) -> str:
    """Text of a body: the declared charset when it decodes cleanly, else UTF-8, else cp1252.

    Servers often declare UTF-8 for cp1252 bytes; a strict decode catches that and the cp1252
    fallback (which maps almost every byte) keeps curly quotes and dashes instead of U+FFFD.
    """
    for encoding in (declared, "utf-8", "cp1252"):
        if not encoding:
            continue
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return content.decode("utf-8", errors="replace")


def normalised_words(text: str) -> list[str]:
    """Case-folded, accent-stripped word tokens: the unit of text hashes and shingles."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in folded if not unicodedata.combining(char))
    return WORD.findall(stripped)


def text_hash(text: str) -> str:
    """Hash of the normalised words, so whitespace and punctuation edits do not matter."""
    return hashlib.sha256(" ".join(normalised_words(text)).encode("utf-8")).hexdigest()
