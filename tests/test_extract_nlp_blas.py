"""The model on numpy's BLAS, one thread, annotates exactly as on thinc's default BLIS."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_info

from eventwire.config import Settings
from eventwire.extract.nlp import _load_on_numpy_blas

SENTENCES = [
    "Gunmen killed 13 soldiers and wounded dozens near Mosul on Tuesday, officials said.",
    "Iraqi troops have been on high alert in west of Mosul since Erbil stepped back.",
    "On 9 March 2021, JNIM militants clashed with Malian soldiers near Boni village.",
    "Protesters gathered outside parliament in Nairobi, and police fired tear gas.",
    "The U.S.-led coalition's jets struck Raqqa's outskirts, the Pentagon said on Friday.",
]


def _annotations(nlp) -> list[list[tuple]]:
    return [
        [(t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_) for t in doc]
        for doc in nlp.pipe(SENTENCES)
    ]


@pytest.fixture(scope="module")
def on_numpy():
    return _load_on_numpy_blas(Settings().spacy_model)


def test_layers_multiply_on_numpy(on_numpy) -> None:
    for name in ("tok2vec", "ner"):
        assert not on_numpy.get_pipe(name).model.ops.use_blis


def test_blas_runs_one_thread(on_numpy) -> None:
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


def test_annotations_equal_the_default_ops(on_numpy) -> None:
    import spacy

    assert _annotations(on_numpy) == _annotations(spacy.load(Settings().spacy_model))
