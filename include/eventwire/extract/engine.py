"""The extraction engine: documents in, coded event mentions out.

Per document: split into sentences on raw text, drop junk lines and every sentence the trigger
prefilter rules out, parse the rest in batches with ``nlp.pipe``, then per parsed sentence:
match triggers, read modality, find actor and recipient, recode to CAMEO/PLOVER/ACLED, and add
place, date and casualties. One mention per (event type, actor, recipient) and sentence.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from eventwire import schema
from eventwire.config import Settings
from eventwire.extract import acled, actors, assembly, cameo, lexicon, modality, recoding, tabari
from eventwire.extract.actors import Actor, ActorDictionary
from eventwire.extract.casualties import RELATIVE_PRONOUNS, TOLL, TOLL_NOUNS
from eventwire.extract.lexicon import Lexicon, Trigger
from eventwire.extract.roles import (
    Roles,
    is_passive,
    is_pronoun,
    noun_roles,
    phrase,
    received_from,
    verb_of_verbless_sentence,
    verb_roles,
)
from eventwire.extract.sentences import Sentence, split_sentences
from eventwire.extract.version import extractor_version

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Pipe
    from spacy.tokens import Doc, Span, Token

    from eventwire.extract.casualties import Casualties
    from eventwire.extract.dates import EventDate
    from eventwire.extract.places import Gazetteer, NameSpan, Place

# A sentence that names no place takes the last town named in this many sentences before it.
# Four covers the seed article's follow-ups to "clashes ... invading Qaim" (a quote split over
# two sentences, a casualty sentence, then the air strike "earlier on the day"); document
# assembly joins sentences over the same window.
CARRY_BACK_SENTENCES = assembly.WINDOW_SENTENCES
# Texts per nlp.pipe batch: measured on the gold sets, larger batches gain nothing on 2 cores.
PIPE_BATCH_SIZE = 256
# Confidence: a base for a lexicon match, raised by each thing the parse confirms. Ordinal
# weights set by hand so that a fully specified event (actor, recipient, specific pattern,
# reported as done) scores 0.9; not calibrated against a labelled set yet.
CONFIDENCE_BASE = 0.5
CONFIDENCE_ACTOR = 0.15
CONFIDENCE_RECIPIENT = 0.1
CONFIDENCE_SPECIFIC = 0.1
CONFIDENCE_INDIRECT = -0.1
# A candidate kept only because the parse's structure removed every other reading.
CONFIDENCE_STRUCTURAL = -0.15
# A mention that states its toll says more of its event than one beside it that states none:
# of two readings of a sentence it is the one to read first.
CONFIDENCE_TOLL = 0.05
# Components run only on sentences that hold an event (the entity recogniser has its own
# token vectors, so it can run after the parse).
LATE_COMPONENTS = ("entity_ruler", "ner")
# PLOVER types that carry casualty counts (riots are PROTEST and can kill).
CASUALTY_TYPES = frozenset({"ASSAULT", "PROTEST"})
# Ground seized or retaken (CAMEO 192) is a battle: "recaptured the town, killing 30 rebels"
# states that battle's dead.
TAKEN_BY_FORCE = frozenset({"192"})
# Words for the hold on ground that is taken: "seized control of the town".
GROUND_NOUNS = frozenset({"control", "territory"})
# CAMEO roots of cooperation (03-08), whose negation or refusal is a REJECT.
COOPERATIVE_ROOTS = frozenset(range(3, 9))
VIOLENT_ROOTS = frozenset({18, 19, 20})
# Spans a conflict is said to have lasted ("entered its sixth month").
DURATION_NOUNS = frozenset({"day", "week", "month", "year"})
# The verb that reports an act done to its object by naming the act after "to".
SUBJECTING = "subject"
# Destroying property (CAMEO 1712): no political act when a fire or a flood does it.
DESTRUCTION_CODE = "1712"
# What explodes by accident: "a gas explosion", "a boiler blast", "a tanker explosion".
ACCIDENTAL_BLAST_SOURCES = frozenset({"gas", "boiler", "cylinder", "fuel", "tanker", "pipeline"})
# Verbs of accidents, whose clause's casualties are no political violence ("a bus plunged into
# a ravine, killing 23"); not "crash", "collapse" or "sink": drones crash into homes, and
# buildings collapse and ships sink after strikes.
# Prepositions whose object is the event a casualty verb's dead died in.
CIRCUMSTANCE_PREPOSITIONS = frozenset({"in", "during", "by", "after", "following"})
# A match's score beside a verb sport shares with war ("beat Liverpool 2-1").
SCORE = re.compile(
    r"(?<!on )(?<!between )\b\d{1,2}\s?[-–]\s?\d{1,2}\b(?![-–/.]\d)"
    rf"(?!\s*(?:{'|'.join(m for m in calendar.month_name if m)}))"
)
# Nouns whose "of" names the event behind what they follow ("as a result of the attack").
OUTCOME_NOUNS = frozenset({"result", "consequence", "aftermath", "wake"})
# Verbs that make a gathering for them a demonstration ("gathered ... to protest").
PROTEST_VERBS = frozenset(
    {"protest", "denounce", "condemn", "decry", "contest", "oppose", "reject", "challenge"}
)
AGREE_LEMMA = "agree"
AGREEMENT = "Agreement"
ACCIDENT_VERBS = frozenset({"plunge", "derail", "capsize", "overturn", "collide"})
# CAMEO 04: consult (meet, visit, negotiate).
CONSULT_ROOT = 4
# Roots of things given (assurances, aid): "X received them from Y" makes Y the actor.
GIVING_ROOTS = frozenset({3, 7})
MOBILIZE_ROOT = 15
PROTEST_ROOT = 14
# Roots whose event nouns report an event wherever their frame does not say otherwise
# (protest, force, coercion, violence); nouns of diplomacy need a verb that carries them.
OPEN_NOUN_ROOTS = frozenset({14, 15, 17, 18, 19, 20})
# Where an event noun stands when it reports its event by itself: the subject ("riots are
# continuing", "a grenade was thrown into the crowd"), or a headline's head ("Clashes in Aden").
OPEN_FRAME_DEPS = frozenset({"nsubj", "nsubjpass", "ROOT"})
DURING = "during"
# How far up from an event noun its governing verb is looked for ("fired rockets at ...").
OPEN_FRAME_LEVELS = 3
# "the death toll from the bombing", "the toll of the attack", "the toll in the clashes".
TOLL_PREPOSITIONS = frozenset({"from", "of", "in"})
FINITE_TAGS = ("VBD", "VBZ", "VBP")
ACCUSE_ROOT = 11
# Roots from which CAMEO codes conflict (investigate, demand, accuse ... force).
HOSTILE_FROM_ROOT = 9
CLAIM_CODE = "112"
# Objects looked at after an accusation verb for a verbal act ("condemned ... allegations").
SPEECH_OBJECT_WINDOW = 3


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    published: dt.datetime | None = None
    url: str | None = None
    title: str | None = None
    source_name: str | None = None
    ingested_at: dt.datetime | None = None


@dataclass(frozen=True)
class _Candidate:
    token: Token
    trigger: Trigger
    predicate: Token
    open_frame: bool = False


@dataclass(frozen=True)
class _Coded:
    code: str
    trigger: Trigger
    token: Token
    predicate: Token
    mood: modality.Modality
    roles: Roles
    structural: bool = False


@dataclass(frozen=True)
class _Mention:
    """One event of a sentence coded for one actor and recipient: what its record says."""

    document: Document
    sentence: Sentence
    event: _Coded
    code: str
    plover: cameo.PloverCode
    mode: str | None
    acled_kind: acled.AcledType
    actor: Actor | None
    recipient: Actor | None
    place: Place | None
    date: EventDate | None
    casualties: Casualties | None


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def mention_id(
    article_id: str, sentence_index: int, plover_type: str, actor: str | None, recipient: str | None
) -> str:
    key = "\x1f".join([article_id, str(sentence_index), plover_type, actor or "", recipient or ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class _SentenceContext:
    countries: Counter[str]
    places: _DocumentPlaces
    mentions: list


class _DocumentPlaces:
    """Place mentions of a document by sentence: from the parse where a sentence was parsed,
    else from the raw-text scan of the whole document (the one ``article_countries`` read),
    resolved only when first needed."""

    def __init__(
        self,
        sentences: list[Sentence],
        text: str,
        spans: list[NameSpan],
        gazetteer: Gazetteer,
    ) -> None:
        self._sentences = sentences
        self._text = text
        self._spans = spans
        self._gazetteer = gazetteer
        self._mentions: list[tuple[int, int, Place]] | None = None
        self._parsed: dict[int, list[Place]] = {}

    def note(self, sentence: Sentence, places: list[Place]) -> None:
        """Places the parse found in a sentence (it sees more than the raw-text search)."""
        self._parsed[sentence.index] = places

    def _of(self, sentence: Sentence) -> list[Place]:
        if sentence.index in self._parsed:
            return self._parsed[sentence.index]
        if self._mentions is None:
            self._mentions = self._gazetteer.find_mentions(self._text, self._spans)
        return [p for a, _, p in self._mentions if sentence.start <= a < sentence.end]

    def carried(self, sentence: Sentence) -> Place | None:
        from eventwire.extract.places import PRECISION_REGION

        start = max(0, sentence.index - CARRY_BACK_SENTENCES)
        for earlier in reversed(self._sentences[start : sentence.index]):
            if earlier.junk:
                continue
            towns = [p for p in self._of(earlier) if p.geo_precision < PRECISION_REGION]
            if towns:
                return towns[-1]
        return None


def _with_place_entities(sdoc: Doc, mentions: list) -> Doc:
    """Preset the gazetteer's places as GPE entities, so that the ruler and the recogniser
    label around them (the small model reads Qaim as a PERSON)."""
    from spacy.util import filter_spans

    spans = [
        sdoc.char_span(m.start, m.end, label="GPE", alignment_mode="expand")
        for m in mentions
        if m.tied  # a big town's name in passing may be a person's: the recogniser decides
    ]
    sdoc.ents = filter_spans([s for s in spans if s is not None])
    return sdoc


def _pairs(
    actor_list: list[Actor], recipient_list: list[Actor]
) -> list[tuple[Actor | None, Actor | None]]:
    """Every actor with every recipient; an actor is never its own recipient."""
    pairs: list[tuple[Actor | None, Actor | None]] = []
    for actor in actor_list or (None,):
        targets = [r for r in recipient_list if actor is None or r.code != actor.code]
        pairs.extend((actor, r) for r in targets or (None,))
    return pairs


def _forms(token: Token) -> set[str]:
    """Lemma candidates of a verb: the model's lemma and the word stripped of its ending
    (the small model lemmatises some verbs wrongly: "staged" -> "stag")."""
    word = token.lower_
    forms = {token.lemma_.lower(), word}
    for ending in ("ed", "d", "s", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            forms.add(word[: -len(ending)])
    return forms


def _existential(token: Token) -> bool:
    """ "There were ten soldiers killed": a participle on the subject of an existential."""
    noun = token.head
    return noun.dep_ in ("attr", "nsubj") and any(c.dep_ == "expl" for c in noun.head.children)


def _headline_count(token: Token) -> bool:
    """ "Five killed in Mali attack", "12 soldiers killed in ambush", "At least 9 killed in
    attack, officials say": a headline without a finite verb (or one a speech verb reports),
    whose participle on the count or the counted noun is what it reports."""
    count = token.head
    if count.dep_ == "ROOT":
        return count.pos_ == "NUM" or (count.pos_ == "NOUN" and token.tag_ == "VBN")
    counted = count.pos_ == "NUM" or any(c.dep_ == "nummod" for c in count.children)
    reporter = count.head
    return (
        counted
        and count.dep_ == "nsubj"
        and reporter.dep_ == "ROOT"
        and bool(_forms(reporter) & lexicon.context_words().speech)
    )


def _under_noun(token: Token) -> bool:
    """A clause that modifies a noun ("an appeal for deploying troops", "an offer to host");
    a clause under a statement noun ("a declaration demanding...") is its content instead."""
    head = token.head
    if head.lemma_.lower() in lexicon.context_words().speech_noun:
        return False
    if verb_of_verbless_sentence(token):
        return False
    if token.dep_ == "pcomp" and head.dep_ == "prep":
        return head.head.pos_ in ("NOUN", "PROPN")
    return token.dep_ in ("acl", "relcl") or (
        token.dep_ == "xcomp" and head.pos_ in ("NOUN", "PROPN")
    )


def _is_alleged(token: Token) -> bool:
    """The act someone is accused of ("accused Rwanda of making...", "charged with
    smuggling") is an allegation, not a reported event."""
    head = token.head
    if token.dep_ not in ("pcomp", "pobj") or head.lower_ not in ("of", "with", "for"):
        return False
    governor = head.head
    if governor.dep_ == "dobj":
        governor = governor.head  # "accused gang members of killing": "of" hung on the object
    return bool(_forms(governor) & lexicon.context_words().alleging)


def _is_modifier_clause(token: Token) -> bool:
    """Participles used as adjectives and clauses modifying nouns describe; they report nothing
    ("the besieged town", "refugees fleeing the war", "whom they had taken hostage")."""
    if _is_alleged(token):
        return True
    if token.dep_ == "acl" and (_existential(token) or _headline_count(token)):
        return False
    if token.dep_ in ("amod", "compound", "nmod") and token.pos_ != "NOUN":
        return True
    if token.dep_ in ("amod", "compound") and token.tag_ in ("VBN", "VBG"):
        return True
    if _purpose_of_noun(token):
        return True
    return _under_noun(token)


def _names_a_date(token: Token) -> bool:
    """ "On 9 March", "March 2021": a month name, not a march. A capitalised noun beside a
    number, or a proper noun inside a sentence, is a date or a name, not an event noun."""
    if not token.is_title:
        return False
    doc = token.doc
    beside = [doc[i] for i in (token.i - 1, token.i + 1) if 0 <= i < len(doc)]
    return any(t.like_num for t in beside) or (token.i > 0 and token.pos_ == "PROPN")


def _looks_back(noun: Token) -> bool:
    """ "since the peace accord", "since the 2014 invasion": an earlier event, not a report."""
    return noun.dep_ == "pobj" and noun.head.lower_ == "since"


def _toll_of(noun: Token) -> Token | None:
    """ "the death toll from Monday's bombing has climbed to 84", "bringing the toll of the
    attack to 21": a toll counts the dead of an event that happened, so the event noun it is
    of stands in the toll's frame, wherever the toll stands."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in TOLL_PREPOSITIONS:
        return None
    if prep.head.lemma_ == TOLL:
        return prep.head
    # "bringing the death toll from the bombing to 21": the phrase hangs on the toll's verb.
    objects = [c for c in prep.head.children if c.dep_ == "dobj" and c.lemma_ == TOLL]
    return objects[0] if objects else None


def _clause(predicate: Token) -> Token:
    """The clause an act is told in: for a participle tacked on a clause ("a fire broke out,
    killing nine"), that clause's verb."""
    return predicate.head if predicate.dep_ in ("advcl", "xcomp", "conj") else predicate


def _named_by(token: Token, words: frozenset[str]) -> bool:
    """ "a gas explosion", "a shark attack": an event noun whose modifier says what did it."""
    return any(c.dep_ in ("compound", "amod") and c.lemma_.lower() in words for c in token.children)


def _doers(event: _Coded) -> tuple[Token, ...]:
    """The words naming who did an act: its actors and its clause's subjects, for a participle
    tacked on a clause the subjects of that clause."""
    clause = _clause(event.predicate)
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    if clause.dep_ == "relcl" and any(s.lower_ in RELATIVE_PRONOUNS for s in subjects):
        subjects.append(clause.head)  # "landslides that killed 12 people"
    return tuple(t for head in (*event.roles.actors, *subjects) for t in head.subtree)


def _circumstance(predicate: Token) -> list[Token]:
    """What an act happened in or by, as its own phrase says: "killed in a car accident"."""
    return [
        g
        for p in predicate.children
        if p.dep_ in ("prep", "agent") and p.lower_ in CIRCUMSTANCE_PREPOSITIONS
        for g in p.children
        if g.dep_ == "pobj"
    ]


def _is_finite_clause(token: Token) -> bool:
    """A verb with its own tense is a clause of its own, whatever the parse attached it to."""
    return token.pos_ == "VERB" and token.tag_ in FINITE_TAGS


def _purpose_of_noun(token: Token) -> bool:
    """ "a meeting aimed at establishing ties": what a noun's participle says it is for."""
    if token.dep_ != "pcomp":
        return False
    participle = token.head.head
    intent = lexicon.context_words().intent
    return participle.dep_ in ("acl", "relcl") and participle.lemma_.lower() in intent


def _is_side_clause(token: Token) -> bool:
    """A purpose clause or a participle tacked onto the main clause ("..., urging X to sign")."""
    if token.dep_ != "advcl":
        return False
    purpose = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    participle = token.tag_ == "VBG" and not any(c.dep_ == "mark" for c in token.children)
    return purpose or participle


def _names_a_thing_that_hit(phrase: Token) -> bool:
    """ "a mortar round landed", "a drone strike killed six": a subject phrase an event noun
    modifies stands for the event, unless it names people ("riot police broke up a march")."""
    return (
        phrase.dep_ in ("nsubj", "nsubjpass")
        and phrase.pos_ == "NOUN"
        and actors.sector_of_word(phrase.text) is None
    )


def _lasting(noun: Token) -> bool:
    """ "as fighting between the army and the RSF entered its sixth month": how long a conflict
    has lasted, not an event of the day. The parser may make a gerund subject a clause of its
    own ("as fighting ... entered its second year")."""
    gerund_subject = noun.tag_ == "VBG" and noun.dep_ == "advcl" and noun.i < noun.head.i
    return (noun.dep_ == "nsubj" or gerund_subject) and any(
        c.dep_ in ("dobj", "npadvmod") and c.lemma_.lower() in DURATION_NOUNS
        for c in noun.head.children
    )


def _named_side_events(kept: list[_Coded], main: list[_Coded]) -> list[_Coded]:
    """ "The sides met in Jeddah, agreeing to a truce": a side clause whose pattern names an
    ACLED sub-event says more than a main clause whose patterns name none."""
    if any(e.trigger.acled_sub for e in main):
        return []
    return [e for e in kept if e not in main and e.trigger.acled_sub]


def _next_start(token: Token) -> int | None:
    """Character offset, in its sentence, of the word after ``token``."""
    doc = token.doc
    return doc[token.i + 1].idx if token.i + 1 < len(doc) else None


def _with_left_names(tokens: list[Token]) -> list[Token]:
    """Capitalised words right before a phrase that the parse left out ("Many IS militants")."""
    if not tokens:
        return tokens
    doc = tokens[0].doc
    first = tokens[0].i
    extra = []
    while (
        first > 0
        and doc[first - 1].is_upper
        and doc[first - 1].is_alpha
        and len(doc[first - 1]) > 1
    ):
        first -= 1
        extra.append(doc[first])
    return sorted([*extra, *tokens], key=lambda t: t.i)


_WORD = re.compile(r"[a-z]+")

# The synthetic trigger of "X said Y must <act>" (see Extractor._obligations).
OBLIGATION = Trigger("(must)", lexicon.VERB, "must", "100", None, None)


# Prepositions whose event noun is the circumstance of the verb it hangs on.
_CIRCUMSTANCE_PREPOSITIONS = frozenset({"in", "during", "amid"})


def _agreed_to(event: _Coded) -> bool:
    """ "The two sides agreed to extend the ceasefire": agreeing to an agreement is one."""
    governor = event.mood.governor
    return (
        governor is not None
        and governor.lemma_.lower() == AGREE_LEMMA
        and event.trigger.acled_sub == AGREEMENT
        and not event.mood.negated
    )


def _root(code: str) -> int:
    return int(code[:2])


def _absorbed(verb: _Candidate, licensed: set[tuple[int, int | None]]) -> bool:
    """A verb that licenses an event noun reports that event ("carried out a raid", "fired on
    a protest", "killed in an attack"), unless the noun only says during what the verb's act
    of another kind happened ("carried off 80 villagers in a raid")."""
    i = verb.token.i
    return (i, None) in licensed or (i, _trigger_root(verb.trigger)) in licensed


def _trigger_root(trigger: Trigger) -> int | None:
    return _root(trigger.cameo) if trigger.cameo else None


def _during(noun: Token) -> bool:
    """ "in a raid", "during a protest": the event noun is the circumstance of its verb."""
    return noun.dep_ == "pobj" and noun.head.lower_ in _CIRCUMSTANCE_PREPOSITIONS


# --- the engine ---------------------------------------------------------------------------


class Extractor:
    """Codes events in documents; heavy resources load on first use and are shared per process.

    ``prefilter=False`` parses every non-junk sentence, not only those the trigger prefilter
    lets through: the benchmark's baseline, which shows what the prefilter saves.
    """

    def __init__(self, settings: Settings, prefilter: bool = True) -> None:
        self.settings = settings
        self.prefilter = prefilter
        self.lexicon = (
            Lexicon.load()
            if settings.dictionaries is None
            else tabari.extended_lexicon(settings.dictionaries)
        )
        self.actors = ActorDictionary.load(settings)
        self.version = extractor_version(settings)
        words = self._context = lexicon.context_words()
        # Verbs that govern acts that have not happened (asked for, planned, threatened,
        # refused, allowed): an event noun under them is no event report.
        self._not_done = (
            words.request | words.intent | words.threat | words.refuse | words.permit | words.modal
        )
        self._nlp: Language | None = None
        self._gazetteer: Gazetteer | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from eventwire.extract.nlp import load_pipeline

            self._nlp = load_pipeline(self.settings)
        return self._nlp

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from eventwire.extract.places import Gazetteer

            self._gazetteer = Gazetteer.load(self.settings)
        return self._gazetteer

    def candidate_sentences(self, document: Document) -> tuple[list[Sentence], list[Sentence]]:
        """All sentences of a document, and those worth parsing (not junk, a trigger present
        unless the prefilter is off)."""
        sentences = split_sentences(document.text or "")
        keep = [
            s
            for s in sentences
            if not s.junk
            and (
                not self.prefilter
                or self.lexicon.may_contain_trigger(s.text)
                or self._may_state_toll(s)
            )
        ]
        return sentences, keep

    def _may_state_toll(self, sentence: Sentence) -> bool:
        """ "Three people died.": a sentence with no act that may state the toll of one."""
        from eventwire.extract.casualties import casualty_word_forms

        return not casualty_word_forms().isdisjoint(_WORD.findall(sentence.text.lower()))

    def extract(self, documents: Iterable[Document], batch_size: int = 64) -> Iterator[dict]:
        """Mentions of every document, in input order, one dict per mention."""
        iterator = iter(documents)
        while chunk := list(itertools.islice(iterator, batch_size)):
            yield from self._extract_chunk(chunk)

    def _extract_chunk(self, documents: list[Document]) -> Iterator[dict]:
        """Parse a chunk's candidate sentences in one ``nlp.pipe``, code them, then run the
        entity recogniser only on the sentences that hold an event (dates and casualty
        counts need entities; nothing else does)."""
        from eventwire.extract.casualties import count_casualties, may_count
        from eventwire.extract.places import article_countries, sentence_places

        plans = [(doc, *self.candidate_sentences(doc)) for doc in documents]
        texts = [(s.text, (i, s)) for i, (_, _, keep) in enumerate(plans) for s in keep]
        parsed: dict[int, list[tuple[Sentence, Doc]]] = {}
        for sdoc, (i, sentence) in self.nlp.pipe(
            texts, as_tuples=True, batch_size=PIPE_BATCH_SIZE, disable=list(LATE_COMPONENTS)
        ):
            parsed.setdefault(i, []).append((sentence, sdoc))
        pending: list[tuple[int, Sentence, Doc, list[_Coded], _SentenceContext]] = []
        for i, (document, sentences, _) in enumerate(plans):
            if i not in parsed:
                continue
            spans = self.gazetteer.name_spans(document.text)
            countries = article_countries(self.gazetteer, document.text, spans)
            places = _DocumentPlaces(sentences, document.text, spans, self.gazetteer)
            for sentence, sdoc in parsed[i]:
                mentions = sentence_places(sdoc[:], self.gazetteer, countries)
                places.note(sentence, [m.place for m in mentions])
                coded = self._coded_events(sdoc)
                # A toll sentence goes to the recogniser only if it can state a toll at all.
                if coded or (self._may_state_toll(sentence) and may_count(sdoc[:])):
                    context = _SentenceContext(countries, places, mentions)
                    pending.append((i, sentence, sdoc, coded, context))
        docs = [_with_place_entities(item[2], item[4].mentions) for item in pending]
        for name in LATE_COMPONENTS:
            pipe = cast("Pipe", self.nlp.get_pipe(name))
            docs = list(pipe.pipe(docs, batch_size=PIPE_BATCH_SIZE))
        records: dict[int, list[dict]] = {}
        tolls: dict[int, list[assembly.Toll]] = {}
        for (i, sentence, _, coded, context), sdoc in zip(pending, docs, strict=True):
            if coded:
                found = self._code_sentence(plans[i][0], sentence, sdoc, coded, context)
                records.setdefault(i, []).extend(found)
                continue
            stated = count_casualties(sdoc[:])
            if stated.fatalities is None and stated.injured is None:
                continue
            if assembly.opens_another_event(sentence.text) or self._names_uncoded_violence(sdoc):
                continue  # "Separately, two soldiers died": another event's dead
            toll = assembly.Toll(
                sentence.index,
                stated.fatalities,
                stated.injured,
                stated.text,
                acled.cues_in(sentence.text),
                assembly.adds_victims(sentence.text, stated.text),
                assembly.states_a_claim(sentence.text),
            )
            tolls.setdefault(i, []).append(toll)
        for i in sorted(records):
            yield from assembly.assemble(records[i], tolls.get(i, []))

    # -- per sentence

    def _code_sentence(
        self,
        document: Document,
        sentence: Sentence,
        sdoc: Doc,
        coded: list[_Coded],
        context: _SentenceContext,
    ) -> Iterator[dict]:
        from eventwire.extract.casualties import count_casualties
        from eventwire.extract.dates import resolve_event_date

        sent = sdoc[:]
        countries, places, mentions = context.countries, context.places, context.mentions
        casualties = count_casualties(sent)
        cues = acled.cues_in(sentence.text)
        published = _utc(document.published)
        emitted: dict[tuple, dict] = {}
        for event in coded:
            pc = cameo.to_plover(event.code)
            if pc is None:
                continue
            actor_list = self._resolve(event.roles.actors)
            recipient_list = self._resolve(event.roles.recipients) or self._resolve(
                event.roles.fallback_recipients
            )
            # Coordinated recipients are one target ("killed 13 militants and two soldiers"):
            # one mention, coded with the first, so casualty counts are not repeated.
            recipient_list = recipient_list[:1]
            if not actor_list and _root(event.code) == MOBILIZE_ROOT and is_passive(event.token):
                # "Police were deployed": the deployed force is the actor, not a target.
                actor_list, recipient_list = recipient_list, []
            place = self._place(sent, event, countries, places, sentence, mentions)
            date = (
                resolve_event_date(
                    sent, event.predicate, published, document.text[: sentence.start]
                )
                if published
                else None
            )
            for actor, recipient in _pairs(actor_list, recipient_list):
                if self._gathering_without_protesters(event, actor):
                    continue
                code = event.code
                done = event.mood.kind == modality.DONE
                mode = (
                    event.trigger.mode if done and code == event.trigger.cameo else None
                ) or pc.mode
                recoded = recoding.by_actor(code, pc.plover_type, actor, recipient)
                if recoded is not None:
                    code, mode = recoded
                plover = cameo.to_plover(code) or pc
                if mode not in schema.PLOVER_MODES:
                    mode = None
                override = (
                    event.trigger.acled_sub
                    if (done and code == event.trigger.cameo) or _agreed_to(event)
                    else None
                )
                # A negated act ("did not attack") killed nobody.
                carries_toll = plover.plover_type in CASUALTY_TYPES or code in TAKEN_BY_FORCE
                toll = casualties if carries_toll and not event.mood.negated else None
                acled_kind = acled.acled_type(
                    plover.plover_type,
                    code,
                    actor.sector if actor else None,
                    recipient.sector if recipient else None,
                    override,
                    cues,
                    bool(toll and toll.fatalities),
                )
                key = (
                    plover.plover_type,
                    actor.code if actor else None,
                    recipient.code if recipient else None,
                )
                mention = _Mention(
                    document=document, sentence=sentence, event=event, code=code, plover=plover,
                    mode=mode, acled_kind=acled_kind, actor=actor, recipient=recipient,
                    place=place, date=date, casualties=toll,
                )  # fmt: skip
                record = self._record(mention)
                previous = emitted.get(key)
                if previous is None or record["confidence"] > previous["confidence"]:
                    emitted[key] = record
        roled = [r for key, r in emitted.items() if key[1] is not None or key[2] is not None]
        for key, record in emitted.items():
            # An event with neither actor nor recipient adds nothing when the same type is
            # coded with roles in the sentence ("the killed and injured were taken..."),
            # unless its sub-event type is more specific ("were killed in a bomb blast"),
            # which document assembly then gives the event.
            same_type = [r for r in roled if r["plover_type"] == key[0]]
            roleless = key[1] is None and key[2] is None
            if roleless and same_type and not assembly.more_specific(record, same_type):
                continue
            yield record

    def _coded_events(self, sdoc: Doc) -> list[_Coded]:
        candidates = []
        for token in sdoc:
            trigger = self.lexicon.match(token)
            if trigger is None:
                continue
            if _lasting(token) or (
                trigger.pos == lexicon.NOUN and (_names_a_date(token) or _looks_back(token))
            ):
                continue
            open_frame = False
            if trigger.pos == lexicon.NOUN:
                predicate = self._licence(token)
                if predicate is None:
                    predicate = self._open_licence(token, trigger)
                    open_frame = predicate is not None
                if predicate is None:
                    continue
            else:
                predicate = token
            candidates.append(_Candidate(token, trigger, predicate, open_frame))
        absorbed = {
            (c.predicate.i, _trigger_root(c.trigger) if _during(c.token) else None)
            for c in candidates
            if c.trigger.pos == lexicon.NOUN and not c.open_frame
        }
        out: list[_Coded] = []
        governors: set[int] = set()
        set_aside: list[_Candidate] = []
        for c in candidates:
            if c.trigger.pos == lexicon.VERB and _absorbed(c, absorbed):
                continue
            if _is_modifier_clause(c.predicate) and not self._tells_of_event(c.predicate):
                if _is_finite_clause(c.predicate) and not _is_alleged(c.predicate):
                    set_aside.append(c)
                continue
            coded = self._code_candidate(c)
            if coded is None or (c.open_frame and coded.mood.kind != modality.DONE):
                # An event noun under a promise, a threat or a request is no report of it.
                continue
            if coded.mood.governor is not None:
                governors.add(coded.mood.governor.i)
            out.append(coded)
        out.extend(self._obligations(sdoc, {c.predicate.i for c in candidates}))
        kept = [e for e in out if e.token.i not in governors or e.mood.governor is not None]
        main = [e for e in kept if not _is_side_clause(e.predicate)] or kept
        main += _named_side_events(kept, main)
        if not main and set_aside:
            main = self._structural_fallback(set_aside)
        main = [e for e in main if not self._not_political(sdoc, e)]
        return main + self._claims(main)

    def _not_political(self, sdoc: Doc, event: _Coded) -> bool:
        """Violence done by an earthquake or a fire, or a "beat" or "attack" in a match report
        (a verb sport shares with war, in a sentence with a word of sport), is no political
        event."""
        if _root(event.code) not in VIOLENT_ROOTS | {18} and not event.code.startswith(
            DESTRUCTION_CODE
        ):
            return False
        words = self._context
        sporting = event.trigger.lemma in words.sporting_verb
        if sporting and (
            any(t.lemma_.lower() in words.sports for t in sdoc) or SCORE.search(sdoc.text)
        ):
            return True  # "beat Liverpool 2-1"
        natural = words.natural
        if _named_by(event.token, natural | ACCIDENTAL_BLAST_SOURCES) or (
            _clause(event.predicate).lemma_ in ACCIDENT_VERBS
        ):
            return True  # "a gas explosion", "a shark attack", "a bus plunged ..., killing 23"
        # A noun does it ("a fire", "the earthquake"), not a verb ("a rocket fired from Gaza").
        doers = (*_doers(event), *_circumstance(event.predicate))
        return any(t.lemma_.lower() in natural and t.pos_ in ("NOUN", "PROPN") for t in doers)

    def _code_candidate(self, c: _Candidate, structural: bool = False) -> _Coded | None:
        """The coding of one candidate under its modality, or None when it reports no event."""
        mood = modality.modality_of(c.predicate)
        if mood.kind in (modality.HYPOTHETICAL, modality.BACKGROUND):
            return None
        original = c.trigger.cameo or ""
        negated_cooperation = mood.negated and mood.kind in (modality.DONE, modality.INTENT)
        code: str | None
        if negated_cooperation and _root(original) in COOPERATIVE_ROOTS:
            # "did not agree", "will not accept": a refusal, not a negated cooperation.
            code, mood = (
                recoding.refuse(original),
                modality.Modality(modality.REFUSE, False, mood.governor),
            )
        else:
            code = self._recode(original, mood)
        if not code or self._uncodable(c, mood, code):
            return None
        roles = self._roles(c, mood)
        predicate = mood.governor or c.predicate
        return _Coded(code, c.trigger, c.token, predicate, mood, roles, structural)

    def _deadly_clause(self, noun: Token) -> Token | None:
        """ "investigating a shooting that left three dead": an event noun whose relative
        clause states its casualties happened, whatever governs the noun."""
        casualty = self._context.casualty
        for clause in noun.children:
            if clause.dep_ != "relcl" or not _is_finite_clause(clause):
                continue
            states = {c.lower_ for c in clause.children if c.dep_ in ("oprd", "acomp", "amod")}
            if (_forms(clause) | states) & casualty:
                return clause
        return None

    def _tells_of_event(self, clause: Token) -> bool:
        """ "condemned the bombing that killed 12", "the raid, in which gunmen killed 11": a
        relative clause on an event noun of violence says what that event did, so it reports
        the event whatever the main clause does with it. So does an allegation of counted
        deaths ("accused the militia of killing 30 villagers"): who killed is alleged, the
        dead are not."""
        if _is_alleged(clause):
            return self._counted_deaths(clause)
        if (
            clause.dep_ == "acl"
            and clause.head.dep_ == "pobj"
            and clause.head.head.lower_ == "among"
        ):
            # "two soldiers were among the 14 people killed in the ambush": the dead they are
            # said to be among were killed in it.
            return bool(_forms(clause) & self._context.casualty)
        if clause.dep_ == "acl" and _forms(clause) & self._context.casualty:
            # "the number of people killed in the bombing": the dead were killed in it.
            return any(
                self._violent_noun(noun)
                for prep in clause.children
                if prep.dep_ == "prep" and prep.lower_ in CIRCUMSTANCE_PREPOSITIONS
                for noun in prep.children
                if noun.dep_ == "pobj"
            )
        if clause.dep_ != "relcl" or not _is_finite_clause(clause):
            return False
        noun = clause.head
        # "the raid near Beni, in which ...": the parser may hang the clause on the place.
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep":
            noun = noun.head.head
        return any(self._violent_noun(n) for n in {clause.head, noun})

    def _names_uncoded_violence(self, sdoc: Doc) -> bool:
        """ "after clashes in May left 70 dead": a sentence that coded no event yet tells of
        a violent event it reports (a noun its verb carries) states that event's dead, an
        event the sentence's frame set aside, not the dead of the article's event."""
        return any(self._violent_noun(token) and self._licence(token) is not None for token in sdoc)

    def _counted_deaths(self, verb: Token) -> bool:
        if not _forms(verb) & self._context.casualty:
            return False
        return any(
            c.dep_ == "dobj" and any(n.dep_ == "nummod" for n in c.children) for c in verb.children
        )

    def _violent_noun(self, noun: Token) -> bool:
        trigger = self.lexicon.match(noun)
        return (
            trigger is not None
            and trigger.pos == lexicon.NOUN
            and trigger.cameo is not None
            and _root(trigger.cameo) in VIOLENT_ROOTS
        )

    def _structural_fallback(self, set_aside: list[_Candidate]) -> list[_Coded]:
        """When only the parse's structure (no modality word) removed every candidate of a
        sentence ("thousands marched and smashed windows" with the second verb misattached),
        keep the most specific finite one, at lower confidence."""
        best = max(set_aside, key=lambda c: (c.trigger.specificity, -c.token.i))
        coded = self._code_candidate(best, structural=True)
        return [coded] if coded is not None else []

    def _open_licence(self, noun: Token, trigger: Trigger) -> Token | None:
        """An event noun of protest, force or violence that is its clause's subject reports
        its event unless its frame says otherwise: a noun nobody says happened ("no attacks
        were reported", "fears that attacks will follow"). The verb governing it (or the noun
        itself, in a headline) is its predicate, whose modality is read as for a verb."""
        if trigger.cameo is None or _root(trigger.cameo) not in OPEN_NOUN_ROOTS:
            return None
        while noun.dep_ == "conj" and noun.head.pos_ in ("NOUN", "PROPN"):
            noun = noun.head
        deadly = self._deadly_clause(noun)
        if deadly is not None:
            return deadly
        toll = _toll_of(noun)
        noun = toll or noun
        if noun.dep_ == "pobj" and noun.head.lower_ == DURING and noun.head.head.pos_ == "VERB":
            # "was hit by a canister during a demonstration": what happens during an event
            # says the event took place.
            return noun.head.head
        if noun.dep_ not in OPEN_FRAME_DEPS and toll is None:
            # An object ("opposed the deployment", "blamed X for the bombing", "after five
            # days of fighting") is talked about, not reported; light verbs carry objects.
            return None
        words = self._context
        if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
            return None
        verb = noun.head
        for _ in range(OPEN_FRAME_LEVELS):
            if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                break
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX"):
            return noun
        if _forms(verb) & (words.non_occurrence | self._not_done):
            return None
        return verb

    def _gathering_without_protesters(self, event: _Coded, actor: Actor | None) -> bool:
        """ "Protesters gathered outside parliament" is a demonstration; "leaders gathered in
        Paris" is not: a verb of gathering codes a protest only with demonstrators."""
        gathering = event.trigger.lemma in self._context.gather
        if not gathering or event.trigger.pos != lexicon.VERB or event.trigger.specificity > 1:
            return False  # "gathered peacefully" says it was a demonstration by itself
        if self._gathered_to_demand(event.token):
            return False  # "relatives gathered outside the court to demand their release"
        return actor is None or actor.sector not in acled.PROTESTER_SECTORS

    def _gathered_to_demand(self, verb: Token) -> bool:
        words = self._context
        return any(
            c.dep_ in ("advcl", "xcomp") and (_forms(c) & (words.request | PROTEST_VERBS))
            for c in verb.children
        )

    def _obligations(self, sdoc: Doc, coded: set[int]) -> list[_Coded]:
        """ "Russia said Sudan must return the helicopter": a demand by the speaker on the
        one who must act, whatever the act (CAMEO 100); acts the lexicon codes are handled
        by their own modality instead."""
        out = []
        for verb in sdoc:
            if verb.i in coded or verb.dep_ != "ccomp" or verb.pos_ not in ("VERB", "AUX"):
                continue
            auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
            if not auxes & self._context.obligation:
                continue
            mood = modality.modality_of(verb)
            if (
                mood.kind != modality.REQUEST
                or mood.governor is None
                or mood.governor.i != verb.head.i
            ):
                continue
            speaker = verb_roles(verb.head).actors
            subject = tuple(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
            roles = Roles(speaker, subject)
            out.append(_Coded(OBLIGATION.cameo or "", OBLIGATION, verb, verb.head, mood, roles))
        return out

    def _uncodable(self, c: _Candidate, mood: modality.Modality, code: str) -> bool:
        """Codings the conventions leave out: a hoped-for act nobody is named to do ("would be
        indicted"), and complaints about words ("condemned the allegations")."""
        hostile = _root(code) >= HOSTILE_FROM_ROOT
        if mood.kind == modality.INTENT and hostile and is_passive(c.predicate):
            return not verb_roles(c.predicate).actors
        if _root(code) == ACCUSE_ROOT and c.trigger.pos == lexicon.VERB:
            speech = self._context.speech_noun
            said = [t for t in c.token.subtree if t.i > c.token.i and t.dep_ in ("dobj", "pobj")]
            return any(t.lemma_.lower() in speech for t in said[:SPEECH_OBJECT_WINDOW])
        return False

    def _claims(self, coded: list[_Coded]) -> list[_Coded]:
        """ "X claimed that Y attacked Z": X accuses Y (CAMEO 112), besides the attack itself."""
        out = []
        claim = self._context.claim
        speech = self._context.speech
        for event in coded:
            head = event.predicate.head
            if event.predicate.dep_ != "ccomp" or _root(event.code) not in VIOLENT_ROOTS:
                continue
            claimer = verb_roles(head).actors
            # "Israel said a mortar was fired at it": a state speaking of violence done to it
            # or by others accuses; a "source" or "police" only reports.
            said = _forms(head) & speech and self._is_state(claimer)
            if not _forms(head) & claim and not said:
                continue
            if self._same_country(claimer, event.roles.actors):
                continue  # "a US drone strike ..., the White House said": its own act
            mood = modality.Modality(modality.DONE, False)
            roles = Roles(claimer, event.roles.actors)
            out.append(_Coded(CLAIM_CODE, event.trigger, head, head, mood, roles))
        return out

    def _same_country(self, one: tuple[Token, ...], other: tuple[Token, ...]) -> bool:
        ours = {a.country for a in self._resolve(one)} - {None}
        theirs = {a.country for a in self._resolve(other)} - {None}
        return bool(ours) and ours == theirs

    def _is_state(self, heads: tuple[Token, ...]) -> bool:
        """A speaker that is a country, its government, or an organisation (no sector word)."""
        found = self._resolve(heads)
        return bool(found) and all(
            (a.country and a.sector in (None, "GOV")) or a.sector in ("HRI", "IGO") for a in found
        )

    def _arranged_meeting(self, code: str, mood: modality.Modality) -> bool:
        """ "Obama is scheduled to attend a summit": a meeting already arranged is coded as
        the meeting (CAMEO's coders do), unlike one only wished or promised (036)."""
        governor = mood.governor
        return (
            _root(code) == CONSULT_ROOT
            and governor is not None
            and governor.lemma_.lower() in self._context.arranged
        )

    def _recode(self, code: str, mood: modality.Modality) -> str | None:
        if not code:
            return None
        if mood.kind == modality.INTENT:
            return code if self._arranged_meeting(code, mood) else recoding.intent(code)
        if mood.kind == modality.THREAT:
            return recoding.threat(code)
        if mood.kind == modality.REQUEST and mood.governor is not None:
            return recoding.request(code, mood.governor.lemma_.lower())
        if mood.kind == modality.REFUSE:
            return recoding.refuse(code)
        return code

    def _roles(self, c: _Candidate, mood: modality.Modality) -> Roles:
        if c.trigger.pos == lexicon.NOUN:
            carrier = c.predicate if c.predicate.i != c.token.i and not c.open_frame else None
            inner = noun_roles(c.token, carrier)
        else:
            inner = verb_roles(c.token)
            received = self._context.received
            if c.trigger.lemma in received and _root(c.trigger.cameo or "00") in GIVING_ROOTS:
                giver = received_from(c.token)
                inner = Roles(giver, inner.actors)
        governor = mood.governor
        if governor is None:
            return inner
        outer = verb_roles(governor)
        if mood.kind == modality.REQUEST:
            asked = outer.recipients or inner.actors
            return Roles(outer.actors, asked)
        return Roles(outer.actors or inner.actors, inner.recipients)

    def _licence(self, noun: Token) -> Token | None:
        """The verb that makes an event noun an event report, or None (a noun in passing)."""
        words = self._context
        light = words.light
        happen = words.happen | words.casualty
        casualty = words.casualty
        while noun.dep_ == "conj" and noun.head.pos_ in ("NOUN", "PROPN"):
            noun = noun.head
        if any(c.dep_ == "prep" and c.lower_ == "between" for c in noun.children):
            return noun
        head = noun.head
        if noun.dep_ == "compound" and (
            head.dep_ in ("dobj", "pobj") or _names_a_thing_that_hit(head)
        ):
            # "a mortar round", "a rocket attack": the phrase the noun names stands for it,
            # unless its head is an event noun of its own ("a drone strike"), which reports it.
            if self.lexicon.match(head) is not None:
                return None
            noun, head = head, head.head
        circumstance = False
        if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in OUTCOME_NOUNS:
            # "died as a result of the attack", "killed in the aftermath of the bombing".
            outcome = head.head
            if outcome.dep_ == "pobj" and outcome.head.dep_ == "prep":
                noun, head, circumstance = outcome, outcome.head, True
        forms = _forms(head)
        if noun.dep_ in ("dobj", "nsubjpass") and forms & light:
            return head
        if noun.dep_ in ("nsubj",) and forms & happen:
            return head
        if noun.dep_ == "attr" and any(c.dep_ == "expl" for c in head.children):
            return head
        if noun.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
            governor = head.head
            g = _forms(governor)
            # "four people are dead after a shooting", "were confirmed dead after the
            # bombing": the state the copula or the verb states.
            g |= {c.lower_ for c in governor.children if c.dep_ in ("acomp", "oprd")}
            # "a journalist was among the dead in the attack": the dead they were among.
            g |= {
                dead.lower_
                for among in governor.children
                if among.dep_ == "prep" and among.lower_ == "among"
                for dead in among.children
                if dead.dep_ == "pobj"
            }
            if (circumstance or head.lower_ in CIRCUMSTANCE_PREPOSITIONS) and (
                g & casualty or modality.states_a_toll(governor)
            ):
                return governor
            if head.dep_ == "agent" and g & happen:
                # "their house was hit by a shell": the passive's agent is the noun that hit.
                return governor
            if head.lower_ == "in" and governor.lemma_ in TOLL_NOUNS | {TOLL}:
                # "no casualties in the attack", "deaths in the clashes"
                return governor.head if governor.head.pos_ in ("VERB", "AUX") else governor
            if g & light and head.lower_ in ("in", "on"):
                return governor
            if governor.lemma_ == SUBJECTING and head.lower_ == "to":
                return governor  # "subjected women to sexual violence"
            if g & words.gather and head.lower_ in ("for", "in"):
                return governor
        return None

    def _resolve(self, heads: tuple[Token, ...]) -> list[Actor]:
        from eventwire.extract.places import PLACE_HEAD_NOUNS

        out: list[Actor] = []
        for head in heads:
            if is_pronoun(head) or head.lower_ in PLACE_HEAD_NOUNS | GROUND_NOUNS:
                # "the port of Mocimboa da Praia", "control of Kidal" are ground, not its
                # government.
                continue
            found = self.actors.resolve(_with_left_names(phrase(head)), head)
            if found is not None and all(a.code != found.code for a in out):
                out.append(found)
            for extra in self._coordinated_modifiers(head, found):
                if all(a.code != extra.code for a in out):
                    out.append(extra)
        return out

    def _coordinated_modifiers(self, head: Token, found: Actor | None) -> list[Actor]:
        """ "US and British activists": one actor per coordinated nationality."""
        if found is None:
            return []
        out = []
        for child in head.children:
            if child.dep_ not in ("amod", "nmod", "compound"):
                continue
            for conj in child.conjuncts:
                other = self.actors.resolve([conj], conj)
                if other is not None and other.country and other.country != found.country:
                    code = other.country + (found.sector or "")
                    out.append(Actor(found.text, code, other.country, found.sector, found.aircraft))
        return out

    def _place(
        self,
        sent: Span,
        event: _Coded,
        countries: Counter[str],
        places: _DocumentPlaces,
        sentence: Sentence,
        mentions: list,
    ) -> Place | None:
        """The event's place: the place of an ACLED locator ("in X (Y, Z)"), else its object
        if a place ("fled Qaim", also when the parse missed the object), else the place tied
        to it, else (when the sentence names no place as a location) the last town named
        just before. A name the entity recogniser reads as a person's is not a place, nor is a
        country named as whose ("US forces")."""
        from eventwire.extract.places import (
            PRECISION_REGION,
            REL_LOCATOR,
            REL_NATIONALITY,
            is_location,
            locate_event,
            without_people,
        )

        mentions = without_people(sent, mentions)
        located = [m.place for m in mentions if m.relation == REL_LOCATOR]
        if located:
            return located[0]
        predicate = event.predicate
        for m in mentions:
            if m.relation == REL_NATIONALITY:
                continue
            direct = m.head.dep_ == "dobj" and m.head.head.i in (predicate.i, event.token.i)
            if direct or (
                event.trigger.pos == lexicon.VERB and m.start == _next_start(event.token)
            ):
                return m.place
        if mentions:
            place = locate_event(sent, predicate, self.gazetteer, countries, mentions)
        else:
            # locate_event would search the sentence again only to fall back to this.
            main = countries.most_common(1)
            place = self.gazetteer.country(main[0][0]) if main else None
        if place is not None and place.geo_precision < PRECISION_REGION:
            return place
        if any(is_location(m) for m in mentions):
            return place
        return places.carried(sentence) or place

    def _record(self, mention: _Mention) -> dict:
        document, sentence, event = mention.document, mention.sentence, mention.event
        code, plover = mention.code, mention.plover
        actor, recipient = mention.actor, mention.recipient
        place, date, casualties = mention.place, mention.date, mention.casualties
        confidence = CONFIDENCE_BASE
        confidence += CONFIDENCE_ACTOR if actor else 0.0
        confidence += CONFIDENCE_RECIPIENT if recipient else 0.0
        confidence += CONFIDENCE_SPECIFIC if event.trigger.specificity > 1 else 0.0
        confidence += CONFIDENCE_INDIRECT if event.mood.kind != modality.DONE else 0.0
        confidence += CONFIDENCE_STRUCTURAL if event.structural else 0.0
        confidence += CONFIDENCE_TOLL if casualties and casualties.fatalities else 0.0
        rule = (
            event.trigger.rule
            if event.mood.kind == modality.DONE
            else f"{event.mood.rule}+{event.trigger.rule}"
        )
        record = {
            "event_id": None,
            "mention_id": mention_id(
                document.id,
                sentence.index,
                plover.plover_type,
                actor.code if actor else None,
                recipient.code if recipient else None,
            ),
            "article_id": document.id,
            "source_name": document.source_name,
            "url": document.url,
            "sentence_index": sentence.index,
            "sentence_text": sentence.text,
            "char_start": sentence.start,
            "char_end": sentence.end,
            "extractor_version": self.version,
            "rule": rule,
            "event_date": date.date if date else None,
            "date_precision": date.precision if date else None,
            "date_flag": date.flag if date else None,
            "published_at": _utc(document.published),
            "ingested_at": _utc(document.ingested_at),
            "plover_type": plover.plover_type,
            "plover_mode": mention.mode,
            "plover_context": plover.context,
            "cameo_code": code,
            "cameo_root": code[:2],
            "quad_class": cameo.quad_class(code),
            "goldstein": cameo.goldstein(code),
            "acled_event_type": mention.acled_kind.event_type,
            "acled_sub_event_type": mention.acled_kind.sub_event_type,
            "negated": event.mood.negated,
            "confidence": round(min(confidence, 0.95), 3),
            "location_name": place.name if place else None,
            "country": place.country if place else None,
            "admin1": place.admin1 if place else None,
            "lat": place.lat if place else None,
            "lon": place.lon if place else None,
            "geonames_id": place.geonames_id if place else None,
            "geo_precision": place.geo_precision if place else None,
            "fatalities": casualties.fatalities if casualties else None,
            "injured": casualties.injured if casualties else None,
            "fatalities_text": casualties.text if casualties else None,
        }
        for role, found in (("actor", actor), ("recipient", recipient)):
            record[f"{role}_text"] = found.text if found else None
            record[f"{role}_code"] = found.code if found else None
            record[f"{role}_country"] = found.country if found else None
            record[f"{role}_sector"] = found.sector if found else None
        return record


__all__ = ["Document", "Extractor", "actors", "extractor_version", "mention_id"]
