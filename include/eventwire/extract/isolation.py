"""One bad document never stops the others: caps on what reaches the parser, failures per document.

Two guards sit between the callers (``parallel``, the ``extract`` command, the pipeline's
``extract_batch``) and the engine, without changing how the engine codes a good document:

* A sentence longer than ``MAX_SENTENCE_CHARS`` is not parsed. It is replaced in the text by
  ``PLACEHOLDER`` padded with spaces to the same length, so every other sentence keeps its
  characters, offsets and index, and the placeholder never passes the trigger prefilter.
  spaCy refuses a text over its ``max_length`` (1,000,000 characters) with a ``ValueError``
  that used to end the whole run, and a text just under it needs about 10 GB to parse.
* A chunk of documents is coded in one call (the engine batches its parses); if that call
  raises, each document of the chunk is coded on its own, so only the documents that fail
  alone are lost, each reported as :class:`NotCoded` with its id and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from eventwire.extract.engine import Document, Extractor
from eventwire.extract.sentences import split_sentences

# The longest sentence in the samples and gold sets is 313 characters; a 10,000-character
# run-on parses in 0.9 s on one core here. 5,000 keeps every real sentence seen and bounds one
# sentence's parse to about half a second.
MAX_SENTENCE_CHARS = 5_000
# A reason is a line for a person: the exception's message is cut, not its type.
MAX_REASON_CHARS = 500
# A sentence of its own to the splitter (it starts like one, ends with a full stop and is not
# an initial or abbreviation), so the sentences around it split exactly as before.
PLACEHOLDER = "0."
SENTENCE_TOO_LONG = "sentence_too_long"
EXTRACTION_FAILED = "extraction_failed"


@dataclass(frozen=True)
class NotCoded:
    """Part or all of a document the engine did not code, and why (for quarantine or stderr)."""

    doc_id: str
    reason: str
    whole_document: bool  # False: only some sentences were skipped, the rest was coded


Report = Callable[[NotCoded], None]


def capped(document: Document) -> tuple[Document, list[NotCoded]]:
    """``document`` with every over-long sentence blanked, and a note for each one."""
    text = document.text or ""
    if len(text) <= MAX_SENTENCE_CHARS:
        return document, []  # no sentence can be longer than its text: the engine splits it
    long = [s for s in split_sentences(text) if len(s.text) > MAX_SENTENCE_CHARS]
    if not long:
        return document, []
    pieces, position = [], 0
    for sentence in long:
        length = sentence.end - sentence.start
        pieces += [text[position : sentence.start], PLACEHOLDER.ljust(length)]
        position = sentence.end
    pieces.append(text[position:])
    notes = [
        NotCoded(
            document.id,
            f"{SENTENCE_TOO_LONG}: sentence {s.index} has {len(s.text):,} characters "
            f"(cap {MAX_SENTENCE_CHARS:,}); not parsed",
            whole_document=False,
        )
        for s in long
    ]
    return replace(document, text="".join(pieces)), notes


def code_chunk(
    extractor: Extractor, documents: list[Document]
) -> tuple[list[dict], list[NotCoded]]:
    """Mentions of ``documents`` in input order, and what was not coded; never raises for
    one document's sake."""
    notes: list[NotCoded] = []
    guarded = []
    for document in documents:
        checked, skipped = capped(document)
        guarded.append(checked)
        notes += skipped
    outcome = _attempt(extractor, guarded)
    if isinstance(outcome, list):
        return outcome, notes
    # The chunk failed as a whole: code each document alone to find the ones that fail.
    outcomes = [_attempt(extractor, [d]) for d in guarded] if len(guarded) > 1 else [outcome]
    mentions: list[dict] = []
    for document, result in zip(guarded, outcomes, strict=True):
        if isinstance(result, list):
            mentions += result
        else:
            notes.append(NotCoded(document.id, failure_reason(result), whole_document=True))
    return mentions, notes


def _attempt(extractor: Extractor, documents: list[Document]) -> list[dict] | Exception:
    try:
        return list(extractor.extract(documents, batch_size=max(1, len(documents))))
    except Exception as error:  # any failure is narrowed to its documents
        return error


def failure_reason(error: BaseException) -> str:
    message = " ".join(str(error).split())
    reason = f"{EXTRACTION_FAILED}: {type(error).__name__}: {message}"
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"
