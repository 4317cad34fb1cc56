"""The remembering lemmatizer sets exactly the lemmas spaCy's rule lemmatizer sets."""

from __future__ import annotations

import pytest
from spacy.pipeline import Lemmatizer

from eventwire.config import Settings
from eventwire.extract.lemmas import RememberedLemmas, remember_lemmas

# Base forms (which spaCy's lemmatizer does not cache), inflected and irregular forms, words
# the attribute ruler lemmatises itself, the same words twice, spaces and an empty text.
SENTENCES = [
    "Gunmen killed 13 soldiers and wounded dozens near Mosul on Tuesday, officials said.",
    "The militants were fleeing; troops retook the town and seized their weapons.",
    "She has been arrested, they'd said, but he wasn't charged with the bombings.",
    "Protesters   gathered \n\n outside parliament; protesters gathered again.",
    "Better, best, worse: the U.S.-led coalition's strikes hit Raqqa's outskirts.",
    "",
    "a",
]


@pytest.fixture(scope="module")
def model():
    import spacy

    return spacy.load(Settings().spacy_model)


def test_remembered_lemmas_equal_spacys(model) -> None:
    lemmatizer = model.get_pipe("lemmatizer")
    docs = list(model.pipe(SENTENCES * 2, disable=["lemmatizer", "ner"]))
    expected = [[t.lemma_ for t in Lemmatizer.__call__(lemmatizer, d.copy())] for d in docs]
    remembered = RememberedLemmas(lemmatizer).pipe(docs)
    assert [[t.lemma_ for t in doc] for doc in remembered] == expected


def test_the_configured_models_lemmatizer_remembers(model) -> None:
    assert remember_lemmas(model.get_pipe("lemmatizer"))
    docs = model.pipe(SENTENCES)
    assert [t.lemma_ for t in next(iter(docs))][:5] == ["gunman", "kill", "13", "soldier", "and"]


def test_a_lemmatizer_in_another_mode_is_left_alone(model) -> None:
    lookup = Lemmatizer(model.vocab, model=None, mode="lookup")
    assert not remember_lemmas(lookup)
    assert "pipe" not in vars(lookup)
