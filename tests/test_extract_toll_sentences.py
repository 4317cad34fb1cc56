"""A sentence kept only for a toll skips the entity recogniser when it cannot state one."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.config import Settings
from eventwire.extract.casualties import casualty_word_forms, count_casualties, may_count
from eventwire.extract.engine import Document, Extractor


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.load(Settings().spacy_model)


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Three people died.", True),
        ("The death toll rose to 27 on Sunday.", True),
        ("Tays, 32, was shot dead.", True),
        ("Hundreds protested against the death of the student.", False),
        ("Police said nobody was hurt.", True),
        ("The deadline passed quietly.", False),
        ("Tourists still swam in the Dead Sea.", False),
    ],
)
def test_may_count(nlp, text: str, counts: bool) -> None:
    sent = next(nlp(text).sents)
    assert may_count(sent) is counts
    if not counts:
        found = count_casualties(sent)
        assert (found.fatalities, found.injured, found.text) == (None, None, None)


@pytest.mark.parametrize("form", ["slain", "buried", "dying", "wounding", "killings"])
def test_the_prefilter_knows_the_inflected_forms_of_casualty_words(form: str) -> None:
    assert form in casualty_word_forms()


def test_a_toll_sentence_that_counts_nothing_is_not_recognised(monkeypatch) -> None:
    """The engine's recogniser sees the act and the toll, not a sentence that only names a
    casualty word ("Dead Sea")."""
    extractor = Extractor(Settings())
    nlp = extractor.nlp
    seen: list[str] = []

    class Watched:
        def __init__(self, component) -> None:
            self.component = component

        def pipe(self, docs, **kwargs):
            docs = list(docs)
            seen.extend(doc.text for doc in docs)
            return self.component.pipe(docs, **kwargs)

    get_pipe = nlp.get_pipe
    monkeypatch.setattr(
        nlp, "get_pipe", lambda name: Watched(get_pipe(name)) if name == "ner" else get_pipe(name)
    )
    text = (
        "Gunmen attacked a checkpoint in Ghazni on Monday. "
        "Tourists still swam in the Dead Sea. Three soldiers died."
    )
    published = dt.datetime(2017, 11, 2, tzinfo=dt.UTC)
    mentions = list(extractor.extract([Document(id="d", text=text, published=published)]))
    assert seen == ["Gunmen attacked a checkpoint in Ghazni on Monday.", "Three soldiers died."]
    assert [m["fatalities"] for m in mentions] == [3]
