"""The model's rule lemmatizer with its answers remembered: the same lemmas, in a tenth of the time.

spaCy's rule lemmatizer keeps a cache, but not for the words it returns early (base forms:
singular nouns, infinitives, positive adjectives, most of a text), and it walks the document
token by token in Python. Its answer depends only on a token's text, part of speech and
morphology, so this lemmatizer reads those three for the whole document in one array, looks
each combination up once, and writes the lemmas back in one array. Tokens that already have a
lemma (the attribute ruler sets pronouns' and auxiliaries') keep it, as spaCy's does.

Only a lemmatizer whose answer is known to depend on nothing else is replaced: spaCy's
``rule`` mode, not overwriting, with spaCy's own ``rule_lemmatize`` and ``is_base_form``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import Lemmatizer

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Distinct (text, part of speech, morphology) combinations remembered; cleared when full, to
# bound a long-lived worker (news repeats its words: most tokens are a look-up).
MEMO_SIZE = 200_000
_KNOWN_BASE_FORMS = (Lemmatizer.is_base_form, EnglishLemmatizer.is_base_form)


class RememberedLemmas:
    """``pipe`` is a drop-in for the lemmatizer's (what ``nlp.pipe`` calls): the same lemmas,
    looked up per combination."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self._lemmatizer = lemmatizer
        self._strings = lemmatizer.vocab.strings
        self._memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Lemmas for the tokens that have none, as the lemmatizer would set them."""
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        if len(self._memo) > MEMO_SIZE:
            self._memo.clear()
        lemmas = []
        for i, (orth, pos, morph, given) in enumerate(rows):
            lemma = given or self._memo.get((orth, pos, morph), 0)
            if lemma == 0:
                found = self._lemmatizer.lemmatize(doc[i])[0]
                lemma = self._memo[orth, pos, morph] = self._strings.add(found)
            lemmas.append(lemma)
        if lemmas:
            column = numpy.array(lemmas, dtype="uint64").reshape(-1, 1)
            doc.from_array([LEMMA], column)  # type: ignore[arg-type]  # thinc's Ints2d is an ndarray
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Each document of ``stream`` lemmatised (``batch_size`` is spaCy's, unused here)."""
        del batch_size
        for doc in stream:
            yield self(doc)


def remember_lemmas(lemmatizer: Lemmatizer) -> bool:
    """Make ``lemmatizer`` look each (text, part of speech, morphology) up once; False (and
    spaCy's lemmatizer left as it is) when its answer may depend on anything else."""
    kind = type(lemmatizer)
    if (
        lemmatizer.mode != "rule"
        or lemmatizer.overwrite
        or kind.rule_lemmatize is not Lemmatizer.rule_lemmatize
        or kind.is_base_form not in _KNOWN_BASE_FORMS
    ):
        return False
    # nlp.pipe calls a component's pipe, found on the instance; calling the component itself
    # (nlp(text)) keeps spaCy's own loop, which sets the same lemmas.
    lemmatizer.pipe = RememberedLemmas(lemmatizer).pipe  # type: ignore[method-assign]
    return True
