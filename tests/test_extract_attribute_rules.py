"""The indexed attribute ruler finds exactly the matches spaCy's Matcher finds, in its order."""

from __future__ import annotations

import pytest
from spacy.pipeline import AttributeRuler

from eventwire.config import Settings
from eventwire.extract.attribute_rules import IndexedRules, index_attribute_ruler

# Sentences that meet every kind of rule the model has: tag-map rules, pronoun and auxiliary
# words, IN and NOT_IN lists, dependency tests, regular expressions and two-word rules.
SENTENCES = [
    "Gunmen killed 13 soldiers near Mosul on Tuesday, officials said.",
    "I ain't gonna sign it, y'all know nothin' about it.",
    "Let's go, c'mon, we gotta leave before they'd shut the border.",
    "There were ten people killed, and there is no sign that it was over.",
    "She said that he had not been seen since the clashes that followed.",
    "Those who did this will be punished; these are crimes.",
    "Protesters   gathered \n\n outside parliament .",
    "It's his and hers, not ours or theirs; you did it yourselves.",
    "",
    "a",
]


@pytest.fixture(scope="module")
def parsed():
    """The sentences parsed by the model up to, not including, its attribute ruler."""
    import spacy

    nlp = spacy.load(Settings().spacy_model)
    docs = list(nlp.pipe(SENTENCES, disable=["attribute_ruler", "lemmatizer", "ner"]))
    return nlp.get_pipe("attribute_ruler"), docs


def test_indexed_matches_equal_the_matchers(parsed) -> None:
    ruler, docs = parsed
    indexed = IndexedRules(ruler)
    for doc in docs:
        assert indexed.match(doc) == AttributeRuler.match(ruler, doc), doc.text


def test_indexed_annotations_equal_the_rulers(parsed) -> None:
    ruler, docs = parsed
    expected = [AttributeRuler.__call__(ruler, doc.copy()) for doc in docs]
    assert index_attribute_ruler(ruler)
    annotated = [ruler(doc.copy()) for doc in docs]
    for one, other in zip(expected, annotated, strict=True):
        assert [(t.pos_, t.tag_, t.dep_, str(t.morph), t.lemma_) for t in one] == [
            (t.pos_, t.tag_, t.dep_, str(t.morph), t.lemma_) for t in other
        ]


def test_an_unread_pattern_keeps_the_matcher(parsed) -> None:
    ruler, _ = parsed
    other = AttributeRuler(ruler.vocab)
    other.add([[{"LOWER": "be", "OP": "+"}]], {"POS": "AUX"})
    assert not index_attribute_ruler(other)
    assert "match" not in vars(other)
