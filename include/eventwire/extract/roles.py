"""Actor and recipient of an event from the dependency parse.

Active clauses: the subject acts on the direct object ("Rebels attacked the convoy"). Passive
clauses: the ``by`` agent acts on the passive subject ("the camp was attacked by militiamen").
A verb without its own subject borrows the one of the verb it is coordinated with or
subordinated to ("agreed to lift", "arrested and jailed"), and a relative clause's subject is the
noun it modifies. Event nouns take their actor from a possessive, a nationality adjective or a
``by`` phrase ("Israeli shelling", "air strikes by coalition jets"), their recipient from
``against``/``on``; "clashes between X and Y" gives X and Y.

Coordination convention: every coordinated actor ("Jordan and Britain agreed") is its own actor,
so the engine emits one mention per actor; coordinated recipients are one target, coded with
the first that names an actor (so a casualty count is not repeated per victim group).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.extract.actors import person_words
from eventwire.extract.lexicon import context_words

if TYPE_CHECKING:
    from spacy.tokens import Token

RECIPIENT_PREPS = frozenset(
    {"against", "on", "at", "with", "to", "into", "upon", "toward", "towards"}
)
# Clause parts that are no part of a noun phrase naming an actor.
_PHRASE_CUT = frozenset(
    {
        "relcl",
        "acl",
        "advcl",
        "ccomp",
        "conj",
        "cc",
        "punct",
        "prep",
        "det",
        "nummod",
        "quantmod",
        "predet",
    }
)
# Preposition children that still belong to the actor ("Prime Minister of Iraq", "an officer
# from Iraqi army").
_PHRASE_PREPS = frozenset({"of", "from"})
_SUBJECTS = ("nsubj", "csubj")
_PASSIVE_SUBJECTS = ("nsubjpass", "csubjpass")
_BORROW_FROM = ("xcomp", "conj", "advcl", "acomp")
_PRONOUN_POS = ("PRON",)


@dataclass(frozen=True)
class Roles:
    """Heads of actor and recipient phrases; ``fallback_recipients`` are tried when none of
    ``recipients`` names an actor ("fired tear gas at demonstrators")."""

    actors: tuple[Token, ...]
    recipients: tuple[Token, ...]
    fallback_recipients: tuple[Token, ...] = ()


def _expand(head: Token | None) -> tuple[Token, ...]:
    """A noun and the nouns coordinated with it."""
    if head is None:
        return ()
    found = [head, *head.conjuncts]
    for child in head.children:
        # "The US, Russia, and Switzerland met": the parse often makes a list of names an
        # apposition; a proper-noun apposition is then one more coordinated actor.
        if child.dep_ == "appos" and child.pos_ == "PROPN" and head.pos_ == "PROPN":
            found.extend([child, *child.conjuncts])
    return tuple(sorted({t.i: t for t in found}.values(), key=lambda t: t.i))


def phrase(head: Token) -> list[Token]:
    """Tokens of the noun phrase ``head`` names, without clauses, coordination or places."""
    out = [head]
    for child in head.children:
        if child.dep_ in _PHRASE_CUT and not (
            child.dep_ == "prep" and child.lower_ in _PHRASE_PREPS
        ):
            continue
        out.extend(phrase(child) if child.dep_ != "prep" else [child, *_prep_phrase(child)])
    return sorted(out, key=lambda t: t.i)


def _prep_phrase(prep: Token) -> list[Token]:
    out = []
    for child in prep.children:
        if child.dep_ == "pobj":
            out.extend(phrase(child))
    return out


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in (*_PASSIVE_SUBJECTS, "auxpass") for c in verb.children)


# Pronouns that, as the subject of a reported clause, stand for its speaker.
_REPORTED_SELF = frozenset({"he", "she", "it", "they", "we"})
_PLURAL_PRONOUNS = frozenset({"they", "we"})
_TIME_ENTITIES = frozenset({"DATE", "TIME"})
_CALENDAR_NAMES = frozenset(
    name.lower() for name in (*calendar.month_name, *calendar.day_name) if name
)
# Verbs of throwing and firing, and the prepositions naming what they aim at.
_AIMING_VERBS = frozenset({"fire", "shoot", "throw", "hurl", "lob", "launch", "spray", "pelt"})
_AIM_PREPS = frozenset({"at", "on", "into", "toward", "towards"})
# Verbs that always take an object in the active voice.
_OBJECT_VERBS = frozenset({"kill", "injure", "wound", "shoot", "behead", "abduct", "kidnap"})
# Verbs whose subject is who died or was hurt, never who acted.
_VICTIM_VERBS = frozenset({"die", "perish", "succumb", "suffer"})
# "Four people are dead after a shooting": the subject of these states is a victim too.
_VICTIM_STATES = frozenset({"dead", "injured", "wounded", "missing"})


def _child(token: Token, deps: tuple[str, ...]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            pobj = _child(child, ("pobj",))
            if pobj is not None:
                return pobj
    return None


def _names_a_time(noun: Token) -> bool:
    """ "on 16 November", "on Monday": the entity recogniser may not run on every sentence."""
    return noun.ent_type_ in _TIME_ENTITIES or noun.lower_ in _CALENDAR_NAMES


def _prep_object(token: Token, preps: frozenset[str]) -> Token | None:
    """The object of the first of ``preps`` on ``token`` that names no time ("on 16 November"
    is when, not whom)."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            pobj = _child(child, ("pobj",))
            if pobj is not None and not _names_a_time(pobj):
                return pobj
    return None


def _target_of_missile(verb: Token) -> Token | None:
    """ "fired birdshot at protesters", "threw stones at police": what a thrown or fired
    object is aimed at is the recipient, not the object. The parser may hang the aim on the
    object ("birdshot at protesters")."""
    if verb.lemma_ not in _AIMING_VERBS:
        return None
    thrown = _child(verb, ("dobj",))
    if thrown is None or thrown.lemma_.lower() in person_words():
        return None
    return _prep_object(verb, _AIM_PREPS) or _prep_object(thrown, _AIM_PREPS)


def verb_of_verbless_sentence(token: Token) -> bool:
    """ "On 5 May, around 200 teachers protested in Bulawayo demanding salary increases":
    parsed with a noun or a bare "-ing" form as the sentence's root and the verb as a
    participle of it or of its subject, the verb is the sentence's own."""
    if token.dep_ != "acl" or token.tag_ not in ("VBD", "VBN"):
        return False
    root = token.sent.root
    verbless = root.pos_ in ("NOUN", "PROPN") or (
        root.tag_ == "VBG" and not any(c.dep_ == "aux" for c in root.children)
    )
    return verbless and root.i in (token.head.i, token.head.head.i)


def _subject(verb: Token) -> Token | None:
    """The verb's own subject or the one it borrows up the clause chain."""
    current = verb
    for _ in range(4):
        found = _agent(current) if is_passive(current) else _child(current, _SUBJECTS)
        if found is not None:
            return _speaker(current) if found.lower_ in _REPORTED_SELF else found
        if current.dep_ == "relcl" or verb_of_verbless_sentence(current):
            return current.head
        if current.dep_ not in _BORROW_FROM or current.head.i == current.i:
            return None
        if current.dep_ == "xcomp" and is_passive(current.head):
            # "Erbil was declared to have stepped back": the raised passive subject acts.
            return _child(current.head, _PASSIVE_SUBJECTS)
        current = current.head
    return None


def _speaker(clause: Token) -> Token | None:
    """ "Ruto said he would send troops": "he" in a reported clause is its speaker, when
    the verb the clause completes has a subject that is not a pronoun itself."""
    own = _child(clause, _SUBJECTS)
    if clause.dep_ != "ccomp" or own is None:
        return own
    speaker = _child(clause.head, _SUBJECTS)
    if speaker is None or is_pronoun(speaker):
        return own
    plural = speaker.tag_ in ("NNS", "NNPS") or speaker.lower_ == "police"
    return speaker if plural == (own.lower_ in _PLURAL_PRONOUNS) else own


def is_absolute(verb: Token) -> bool:
    """ "with two villagers killed", "Eleven herders killed in raid" (a headline), "were
    wounded, and five others killed" (a passive's auxiliary left out): a bare participle
    whose subject is who the act was done to."""
    if any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    bare = not any(c.dep_ in ("dobj", "ccomp") for c in verb.children)
    if verb.tag_ != "VBN":
        # The small model reads "Soldier killed, two wounded" as an active past; a verb that
        # always takes an object has none there only as a headline's passive.
        return (
            bare
            and _headline(verb)
            and verb.lemma_ in _OBJECT_VERBS
            and not _shares(verb)
            and any(c.dep_ == "nsubj" and _people(c) for c in verb.children)
        )
    after_with = verb.dep_ == "pcomp" and verb.head.lower_ == "with"
    gapped = bare and verb.dep_ == "conj" and (is_passive(verb.head) or is_absolute(verb.head))
    return (
        after_with
        or (bare and _headline(verb))
        or gapped
        or any(c.dep_ == "mark" and c.lower_ == "with" for c in verb.children)
    )


def _headline(verb: Token) -> bool:
    """The verb heads the sentence, or the clause a reporting verb at its root reports
    ("Three soldiers killed in blast, army says")."""
    if verb.dep_ == "ROOT":
        return True
    reporter = verb.head
    speech = context_words().speech
    return verb.dep_ == "ccomp" and reporter.dep_ == "ROOT" and reporter.lemma_ in speech


def _people(noun: Token) -> bool:
    """A count of people or one person: what a headline's passive can have been done to ("Two
    killed", "Five soldiers killed", "Soldier killed"), unlike "An air strike killed between
    50 and 79" or "Insurgents killed ..." with an object the parser lost."""
    one = noun.tag_ in ("NN", "NNP") and noun.lemma_.lower() in person_words()
    return noun.pos_ == "NUM" or one or any(c.dep_ == "nummod" for c in noun.children)


def _shares(verb: Token) -> bool:
    """ "Two gunmen shot and killed three villagers": coordinated verbs share one object."""
    linked = (
        [*(c for c in verb.children if c.dep_ == "conj"), verb.head]
        if verb.dep_ == "conj"
        else [c for c in verb.children if c.dep_ == "conj"]
    )
    return any(g.dep_ == "dobj" for v in linked for g in v.children)


def stative_passive_subject(verb: Token) -> Token | None:
    """ "Twenty villagers were slain": a participle the parser took for the copula's
    complement is a passive all the same, whose subject is the copula's."""
    if verb.tag_ != "VBN" or verb.dep_ != "acomp" or verb.head.lemma_ != "be":
        return None
    return _child(verb.head, ("nsubj",))


def _shared_object(verb: Token) -> Token | None:
    """ "shot and wounded a teenager": the object of the verb coordinated with this one, when
    it shares this one's subject."""
    for conj in verb.children:
        if conj.dep_ != "conj" or conj.pos_ != "VERB":
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children):
            continue
        obj = _child(conj, ("dobj",))
        if obj is not None:
            return obj
    return None


def verb_roles(verb: Token) -> Roles:
    """Actor(s) and recipient(s) of a verb trigger."""
    stative = stative_passive_subject(verb)
    if stative is not None:
        return Roles((), _expand(stative))
    if is_passive(verb):
        actor = _agent(verb) or (_subject(verb.head) if verb.dep_ in ("xcomp", "conj") else None)
        recipient = _child(verb, _PASSIVE_SUBJECTS)
    elif is_absolute(verb):
        actor, recipient = _agent(verb), _child(verb, ("nsubj",))
    else:
        actor = _subject(verb)
        recipient = (
            _target_of_missile(verb)
            or _child(verb, ("dobj", "dative"))
            or _prep_object(verb, RECIPIENT_PREPS)
            or _shared_object(verb)
        )
    between = _prep_object(verb, frozenset({"between"}))
    if between is not None and actor is None:
        pair = _expand(between)
        return Roles(pair[:1], pair[1:2])
    fallback = _prep_object(verb, RECIPIENT_PREPS)
    return Roles(_expand(actor), _expand(recipient), _expand(fallback))


def noun_roles(noun: Token, predicate: Token | None) -> Roles:
    """Actor(s) and recipient(s) of an event noun carried by ``predicate`` (may be None)."""
    between = _prep_object(noun, frozenset({"between"}))
    if between is None and predicate is not None:
        between = _prep_object(predicate, frozenset({"between"}))
    if between is not None:
        pair = _expand(between)
        return Roles(pair[:1], pair[1:2])
    actor = _prep_object(noun, frozenset({"by"})) or _child(noun, ("poss",))
    if actor is not None and is_pronoun(actor) and predicate is not None:
        # "French troops completed their withdrawal": the owner is the carrier's subject.
        actor = None
    if actor is None:
        actor = next(
            (
                c
                for c in noun.children
                if c.dep_ in ("amod", "compound", "nmod") and c.text[:1].isupper()
            ),
            None,
        )
    recipient = _prep_object(noun, frozenset({"against", "on", "at", "with", "into"}))
    if predicate is not None:
        carried = verb_roles(predicate)
        # "12 people died in the fighting": who died is a victim, not who fought.
        victims_only = predicate.lemma_.lower() in _VICTIM_VERBS or any(
            c.dep_ == "acomp" and c.lower_ in _VICTIM_STATES for c in predicate.children
        )
        if actor is None and carried.actors and carried.actors[0].i != noun.i and not victims_only:
            return Roles(carried.actors, _expand(recipient) or carried.recipients)
        if recipient is None:
            recipient = next((t for t in carried.recipients if t.i != noun.i), None)
    return Roles(_expand(actor), _expand(recipient))


def is_pronoun(token: Token) -> bool:
    return token.pos_ in _PRONOUN_POS


def received_from(verb: Token) -> tuple[Token, ...]:
    """The giver in "X received weapons from Y"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "from":
            return _expand(_child(child, ("pobj",)))
    obj = _child(verb, ("dobj",))
    if obj is not None:
        for child in obj.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                return _expand(_child(child, ("pobj",)))
    return ()
