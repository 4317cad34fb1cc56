"""Trigger lexicon: verbs, phrasal forms and event nouns mapped to CAMEO codes.

The lexicon is data (``data/triggers.tsv``, see its header for the pattern forms), loaded once.
Two jobs: a cheap regular-expression *prefilter* that tells whether a raw sentence can contain a
trigger at all (sentences that cannot are never parsed), and matching of parsed tokens to the
most specific pattern. The prefilter asks of each pattern what the parse will: a form of its
word, of its verb and particle, or of its verb and object ("troops" alone is no "send troops";
news names troops in most sentences, and parsing is most of the extraction time).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.errors import DataFileError

if TYPE_CHECKING:
    from spacy.tokens import Token

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TRIGGERS_FILE = DATA_DIR / "triggers.tsv"
CONTEXT_FILE = DATA_DIR / "trigger_context.tsv"

# Irregular forms of lexicon verbs: the prefilter generates regular inflections itself.
IRREGULAR_FORMS = {
    "fight": ("fought",),
    "flee": ("fled",),
    "strike": ("struck",),
    "meet": ("met",),
    "hold": ("held",),
    "take": ("took", "taken"),
    "shoot": ("shot",),
    "beat": ("beaten",),
    "give": ("gave", "given"),
    "send": ("sent",),
    "run": ("ran",),
    "break": ("broke", "broken"),
    "overrun": ("overran",),
    "withdraw": ("withdrew", "withdrawn"),
    "pay": ("paid",),
    "lead": ("led",),
    "set": ("set",),
    "go": ("went", "gone"),
    "be": ("been", "was", "were", "is", "are"),
    "put": ("put",),
    "cut": ("cut",),
    "seek": ("sought",),
    "make": ("made",),
    "step": ("stepped",),
    "sign": ("signed",),
    "bomb": ("bombed",),
    "rally": ("rallied",),
    "free": ("freed",),
    "freeze": ("froze", "frozen"),
    "throw": ("threw", "thrown"),
    "retake": ("retook", "retaken"),
    "overtake": ("overtook", "overtaken"),
    "undertake": ("undertook", "undertaken"),
    "blow": ("blew", "blown"),
    "burn": ("burnt",),
    "hurl": ("hurled",),
    "drive": ("drove", "driven"),
    "ride": ("rode", "ridden"),
    "lay": ("laid",),
    "bring": ("brought",),
    "catch": ("caught",),
    "hang": ("hanged", "hung"),
    "steal": ("stole", "stolen"),
    "split": ("split",),
    "sell": ("sold",),
    "spread": ("spread",),
    "tear": ("tore", "torn"),
    "swear": ("swore", "sworn"),
    "leave": ("left",),
    "find": ("found",),
    "hit": ("hit",),
    "slay": ("slew", "slain"),
    "build": ("built",),
    "forgive": ("forgave", "forgiven"),
}
# Irregular form -> lemma, for tokens the model lemmatises wrongly ("retook" -> "retook").
IRREGULAR_LEMMAS = {form: lemma for lemma, forms in IRREGULAR_FORMS.items() for form in forms}
# Contractions the parse reads as "be" ("the army's on high alert"), for object patterns.
BE_CONTRACTIONS = ("'s", "’s", "'re", "’re", "'m", "’m")
_APOSTROPHES = "'’"

# Words allowed between a phrasal verb and its particle in the prefilter ("handed the town
# over"); the parse decides afterwards. Eight covers an object with an apposition ("forced
# the foreign charity, Hope Now, out"), which no object word lets through any more.
PARTICLE_GAP_WORDS = 8

# (word, lemma) pairs whose keying ``Lexicon.match`` remembers; cleared when full, to bound a
# long-lived worker.
KEYED_MEMO_SIZE = 100_000

_WORDS = re.compile(r"[\w'’]+(?:-[\w'’]+)*")

VERB = "verb"
NOUN = "noun"

_VERBAL_TAGS = ("VB",)


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry. ``cameo`` is None for a bare lemma that only its longer forms code."""

    pattern: str
    pos: str
    lemma: str
    cameo: str | None
    mode: str | None
    acled_sub: str | None
    particle: str | None = None
    obj: str | None = None
    modifiers: tuple[str, ...] = ()

    @property
    def specificity(self) -> int:
        return 1 + bool(self.particle) + bool(self.obj) + len(self.modifiers)

    @property
    def rule(self) -> str:
        return f"lexicon:{self.pattern}"


class LexiconError(DataFileError):
    """A malformed lexicon line; carries the file and line number (None: the whole file)."""


def _dash(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-") else value


def _parse(pattern: str, cameo: str, mode: str, acled: str) -> Trigger:
    if pattern.endswith("/n"):
        words = pattern[:-2].split()
        return Trigger(
            pattern, NOUN, words[-1], _dash(cameo), _dash(mode), _dash(acled),
            modifiers=tuple(words[:-1]),
        )  # fmt: skip
    words = pattern.split()
    obj = next((w[1:] for w in words if w.startswith("+")), None)
    plain = [w for w in words[1:] if not w.startswith("+")]
    return Trigger(
        pattern, VERB, words[0], _dash(cameo), _dash(mode), _dash(acled),
        particle=" ".join(plain) or None, obj=obj,
    )  # fmt: skip


class Lexicon:
    """Triggers indexed by lemma, with the prefilter built from them."""

    def __init__(self, triggers: list[Trigger]) -> None:
        self.triggers = triggers
        self._by_key: dict[tuple[str, str], list[Trigger]] = {}
        for trigger in triggers:
            self._by_key.setdefault((trigger.pos, trigger.lemma), []).append(trigger)
        for found in self._by_key.values():
            found.sort(key=lambda t: -t.specificity)
        self._words = frozenset(self._prefilter_words())
        self._particles = self._phrasal_particles()
        self._objects = self._object_verbs()
        self._verb_lemmas = frozenset(lemma for pos, lemma in self._by_key if pos == VERB)
        self._noun_lemmas = frozenset(lemma for pos, lemma in self._by_key if pos == NOUN)
        # (word, lemma) -> whether any pattern is keyed by a lemma candidate of the word.
        self._keyed: dict[tuple[str, str], bool] = {}

    @classmethod
    @functools.cache
    def load(cls, path: Path = TRIGGERS_FILE) -> Lexicon:
        triggers = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                raise LexiconError(path, number, f"expected 4 tab-separated fields: {line!r}")
            triggers.append(_parse(*fields))
        return cls(triggers)

    def _prefilter_words(self) -> set[str]:
        """Inflected word forms a sentence must contain for some pattern to match."""
        words = set()
        for t in self.triggers:
            if t.cameo is None or t.obj or t.particle:
                continue
            words.update(_verb_forms(t.lemma))
        # "X said Y must <act>" is coded whatever the act (engine.Extractor._obligations).
        words.update(context_words().obligation)
        return words

    def _phrasal_particles(self) -> dict[str, frozenset[str]]:
        """Verb form -> particles of its phrasal patterns ("forces" alone is no "force out")."""
        out: dict[str, set[str]] = {}
        for t in self.triggers:
            if t.cameo is None or t.obj or not t.particle:
                continue
            for form in _verb_forms(t.lemma):
                out.setdefault(form, set()).add(t.particle.split()[0])
        return {form: frozenset(particles) for form, particles in out.items()}

    def _object_verbs(self) -> dict[str, frozenset[str]]:
        """Object form -> forms of the verbs whose patterns take it ("talks" -> held, holds...)."""
        out: dict[str, set[str]] = {}
        for t in self.triggers:
            if t.cameo is None or not t.obj:
                continue
            verbs = _verb_forms(t.lemma) | (set(BE_CONTRACTIONS) if t.lemma == "be" else set())
            for form in _inflections(t.obj):
                out.setdefault(form, set()).update(verbs)
        return {form: frozenset(verbs) for form, verbs in out.items()}

    def may_contain_trigger(self, text: str) -> bool:
        """Cheap test on raw text: False means no pattern can match this sentence."""
        words = _WORDS.findall(text.lower())
        if not self._words.isdisjoint(words):
            return True
        hyphenated = [part for word in words if "-" in word for part in word.split("-")]
        if not self._words.isdisjoint(hyphenated):
            return True
        forms = {*words, *hyphenated, *_contractions(words)}
        for form in forms & self._objects.keys():
            if not self._objects[form].isdisjoint(forms):
                return True
        for i, word in enumerate(words):
            particles = self._particles.get(word)
            if particles and not particles.isdisjoint(words[i + 1 : i + 2 + PARTICLE_GAP_WORDS]):
                return True
        return False

    def match(self, token: Token) -> Trigger | None:
        """The most specific coding pattern this token heads, if any."""
        if not self._may_be_keyed(token):
            return None
        if token.tag_.startswith(_VERBAL_TAGS) or token.pos_ == "VERB":
            lemma = next(
                (c for c in _lemma_candidates(token) if (VERB, c) in self._by_key),
                token.lemma_.lower(),
            )
            for trigger in self._by_key.get((VERB, lemma), ()):
                if _verb_fits(trigger, token):
                    return trigger if trigger.cameo else None
        if token.pos_ in ("NOUN", "PROPN"):
            for trigger in self._nouns(token):
                if _noun_fits(trigger, token):
                    return trigger if trigger.cameo else None
        return None

    def _may_be_keyed(self, token: Token) -> bool:
        """Whether a verb or noun pattern is keyed by a lemma ``match`` would try for this
        token: most words of a sentence are none, and the answer depends only on the word and
        its lemma, so it is looked up once per pair (``match`` runs on every parsed token)."""
        key = (token.lower_, token.lemma_)
        keyed = self._keyed.get(key)
        if keyed is None:
            if len(self._keyed) > KEYED_MEMO_SIZE:
                self._keyed.clear()
            keyed = self._keyed[key] = not self._verb_lemmas.isdisjoint(
                _lemma_candidates(token)
            ) or not self._noun_lemmas.isdisjoint((token.lemma_.lower(), token.lower_))
        return keyed

    def _nouns(self, token: Token) -> list[Trigger]:
        lemma = token.lemma_.lower()
        found = self._by_key.get((NOUN, lemma)) or self._by_key.get((NOUN, token.lower_), [])
        return found


# Endings stripped from a verb form to find its lemma when the model's lemma is wrong
# ("raped" -> "rap"): the model's lemma first, then the form less each ending, then with "e".
_VERB_ENDINGS = ("ed", "d", "s", "ing")


def _lemma_candidates(token: Token) -> list[str]:
    word = token.lower_
    out = [token.lemma_.lower()]
    if word in IRREGULAR_LEMMAS:
        out.append(IRREGULAR_LEMMAS[word])
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            out.extend((stem, stem + "e"))
    return out


def _verb_forms(lemma: str) -> set[str]:
    return _inflections(lemma) | set(IRREGULAR_FORMS.get(lemma, ()))


def _contractions(words: list[str]) -> list[str]:
    """The clitic of each contracted word ("army's" -> "'s"), which the parse splits off."""
    out = []
    for word in words:
        cut = min((word.find(a, 1) for a in _APOSTROPHES if a in word[1:]), default=-1)
        if cut > 0:
            out.append(word[cut:])
    return out


def _inflections(word: str) -> set[str]:
    """Regular English forms of a verb or noun lemma ("seize" -> seizes, seized, seizing;
    "stab" -> stabbed; "rally" -> rallies, rallied), for the prefilter."""
    word = word.lower()
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms.update({word[:-1] + "ies", word[:-1] + "ied"})
    if (
        len(word) > 2
        and word[-1] not in "aeiouwxy"
        and word[-2] in "aeiou"
        and word[-3] not in "aeiou"
    ):
        forms.update({word + word[-1] + "ed", word + word[-1] + "ing"})
    return forms


# Prepositions that say where an act happened or what it came from, not what it was done to:
# "left three dead in Cape Town" is no leaving of a town, and "recovered from the bomb attack"
# no recovering of a bomb.
_WHERE_PREPOSITIONS = frozenset({"in", "at", "near", "inside", "outside", "from"})
# Where a phrasal pattern's second word stands: "gun down", "hack to", "burn (them) alive".
PARTICLE_DEPS = frozenset({"prt", "prep", "advmod", "oprd", "acomp"})


def _lemma_is(token: Token, word: str) -> bool:
    """The token is this word or its plural: the small model lemmatises some plurals wrongly
    ("bases" as "basis")."""
    return token.lemma_.lower() == word or token.lower_ in _plurals(word)


@functools.cache
def _plurals(word: str) -> frozenset[str]:
    forms = {word, word + "s", word + "es"}
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    return frozenset(forms)


def _verb_fits(trigger: Trigger, token: Token) -> bool:
    children = list(token.children)
    # Every phrase opened by the particle: "shut their shops in Srinagar in protest".
    particles: list[Token] = []
    if trigger.particle:
        first = trigger.particle.split()[0]
        particles = [c for c in children if c.lower_ == first and c.dep_ in PARTICLE_DEPS]
        if trigger.obj:
            # "sprayed a market with bullets": the parser may hang the phrase on the object.
            particles += [
                p
                for c in children
                if c.dep_ == "dobj"
                for p in c.children
                if p.dep_ == "prep" and p.lower_ == first
            ]
        if not particles:
            nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
            if nxt is None or nxt.lower_ != first:
                return False
            particles = [nxt]
    if trigger.obj:
        # "broke up a march": the small parser may take an object noun for an adverb.
        objects = [
            c for c in children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "npadvmod")
        ]
        # "agreed to a ceasefire": the object of a preposition also names what is acted on.
        preps = particles or [
            c for c in children if c.dep_ == "prep" and c.lower_ not in _WHERE_PREPOSITIONS
        ]
        objects += [g for p in preps for g in p.children if g.dep_ == "pobj"]
        if not any(_object_fits(o, trigger.obj) for o in objects):
            return False
    return True


def _object_fits(obj: Token, word: str) -> bool:
    """The object or a word naming what it is ("military aid", "weapons and ammunition")."""
    return any(_lemma_is(t, word) for t in _object_words(obj))


def _object_words(obj: Token) -> list[Token]:
    """The object, the words before it in its phrase ("chlorine-filled canisters"), its
    conjuncts, and what a measure, container or sum of it holds: "700 kg of medicine", "a
    cache of rifles and ammunition", "a quantity of bomb-making material", "$50 million in
    aid" are acts on the medicine, the rifles, the bomb-making material, the aid."""
    words = [*(t for t in obj.subtree if t.i < obj.i), obj]
    words += [c for c in obj.children if c.dep_ == "conj"]
    for prep in obj.children:
        # "$50 million in humanitarian aid": a sum's "in" says what it is.
        holds = prep.lower_ == "of" or (prep.lower_ == "in" and obj.pos_ == "NUM")
        if prep.dep_ != "prep" or not holds:
            continue
        for held in prep.children:
            if held.dep_ == "pobj":
                words += [t for t in held.subtree if t.i <= held.i]
                words += [c for c in held.children if c.dep_ == "conj"]
    return words + _loaded_with(obj)


def _loaded_with(obj: Token) -> list[Token]:
    """ "a truck loaded with weapons", "a car packed with explosives": what it carries."""
    return [
        g
        for participle in obj.children
        if participle.dep_ == "acl" and participle.tag_ == "VBN"
        for prep in participle.children
        if prep.dep_ == "prep" and prep.lower_ == "with"
        for held in prep.children
        if held.dep_ == "pobj"
        for g in (held, *(c for c in held.children if c.dep_ == "conj"))
    ]


def _noun_fits(trigger: Trigger, token: Token) -> bool:
    if not trigger.modifiers:
        return True
    before = [t for t in token.doc[max(0, token.i - len(trigger.modifiers) - 1) : token.i]]
    words = {t.lower_ for t in before} | {
        t.lemma_.lower() for t in token.children if t.dep_ in ("compound", "amod", "nmod")
    }
    return all(m in words for m in trigger.modifiers)


@dataclass(frozen=True)
class ContextWords:
    """The lemmas of each word class of ``data/trigger_context.tsv`` (its header says what
    each class does to a trigger), one field per class: a class misspelt in the file or in the
    code fails at load, instead of switching a rule off with an empty set."""

    intent: frozenset[str]
    arranged: frozenset[str]
    threat: frozenset[str]
    request: frozenset[str]
    refuse: frozenset[str]
    attempt_done: frozenset[str]
    light: frozenset[str]
    gather: frozenset[str]
    happen: frozenset[str]
    casualty: frozenset[str]
    modal: frozenset[str]
    future: frozenset[str]
    obligation: frozenset[str]
    speech: frozenset[str]
    claim: frozenset[str]
    received: frozenset[str]
    alleging: frozenset[str]
    speech_noun: frozenset[str]
    permit: frozenset[str]
    denial: frozenset[str]
    natural: frozenset[str]
    sports: frozenset[str]
    sporting_verb: frozenset[str]
    non_occurrence: frozenset[str]
    period: frozenset[str]


@functools.cache
def context_words(path: Path = CONTEXT_FILE) -> ContextWords:
    """The words that change a trigger's meaning (intent, light, ...), by class."""
    out: dict[str, set[str]] = {field.name: set() for field in dataclasses.fields(ContextWords)}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise LexiconError(path, number, f"expected lemma<TAB>class: {line!r}")
        name = fields[1].strip()
        if name not in out:
            raise LexiconError(path, number, f"unknown class {name!r}")
        out[name].add(fields[0].strip())
    missing = sorted(name for name, words in out.items() if not words)
    if missing:
        raise LexiconError(path, None, f"no words of class {', '.join(missing)}")
    return ContextWords(**{name: frozenset(words) for name, words in out.items()})
