"""Modality: whether a trigger reports an act that happened, and if not, what it reports.

- Negation ("did not attack", "never agreed") sets ``negated``.
- A trigger under an intent word ("promised to withdraw", "plans to attack", "will meet") is an
  intent, a threat word ("threatened to strike") a threat, a request word ("urged X to talk") a
  request, a refusal word ("refused to release") a refusal; the engine recodes these (an intent
  to cooperate is AGREE, to use force is THREATEN; refusals are REJECT) and never codes the
  embedded act as done. "managed to shell" is done.
- A hypothetical ("could attack", "if they attack", "will not allow them to attack") is dropped.
- A perfect-tense tally over a period ("more than 10,000 people have been killed in the
  conflict since 2014", "the insurgency has killed 20,000 so far") sums many acts: it is
  background, as ACLED codes discrete events only.

Word lists are data (``data/trigger_context.tsv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.extract.lexicon import IRREGULAR_LEMMAS, context_words

if TYPE_CHECKING:
    from spacy.tokens import Token

DONE = "done"
INTENT = "intent"
THREAT = "threat"
REQUEST = "request"
REFUSE = "refuse"
HYPOTHETICAL = "hypothetical"
BACKGROUND = "background"

_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "until", "before", "lest", "once"})
# Subordinate clauses that give the background of the reported event, not a new event.
_WITHOUT = "without"
# Nouns that state a toll ("six deaths were recorded").
TOLL_NOUNS = frozenset({"death", "fatality", "casualty"})
_BACKGROUND_MARKS = frozenset({"after", "since", "because", "although", "though"})
# Spans of time longer than a day ("the week's toll", "after an attack last month").
PERIOD_NOUNS = frozenset({"week", "month", "year", "decade"})
# Request words that may govern a "that" clause ("demanded that Hamas renounce...");
# "told the agency that..." reports speech instead.
_REPORTING_REQUESTS = frozenset({"tell"})
_NEGATORS = frozenset({"not", "n't", "never", "no"})
# How many clause levels up a governing word is looked for ("vowed to continue to attack").
MAX_GOVERNOR_LEVELS = 2
# Nouns of a whole conflict: what one has killed "so far" is its tally, not one event's toll.
# A "since" of the last few days: the fighting of one event goes on ("since Friday").
_DAYS_OF_ONE_EVENT = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday",
     "dawn", "morning", "weekend"}
)  # fmt: skip
_WHOLE_CONFLICTS = frozenset({"war", "conflict", "insurgency", "crisis", "rebellion"})
# Nouns whose clause says what someone holds happened ("reports that ..."), and verbs besides
# the denial class that deny what such a noun holds ("rejected claims that ...").
_CONTENT_NOUNS = frozenset(
    {"report", "claim", "allegation", "accusation", "rumour", "rumor", "suggestion"}
)
_DISMISSING = frozenset({"reject", "dismiss"})
_WISH_WORDS = frozenset({"want", "wish", "expect", "hope"})
# Prepositions and marks that open a period reaching up to now ("since 2014", "throughout").
_PERIOD_OPENERS = frozenset({"since", "throughout"})
# Prepositions whose object can name a protracted conflict ("in the war", "during the crisis").
_PERIOD_PREPOSITIONS = frozenset({"in", "during", "throughout", "over"})
# Spans that reach up to the time of writing ("this year", "the past three months").
_RECENT_SPANS = frozenset({"year", "years", "month", "months", "week", "weeks"})
# How deep a period phrase is looked for under the predicate ("killed in the conflict between
# Ukrainian forces and separatists since April 2014": "since" hangs off "separatists").
MAX_PERIOD_DEPTH = 4


@dataclass(frozen=True)
class Modality:
    kind: str
    negated: bool
    governor: Token | None = None

    @property
    def rule(self) -> str:
        if self.governor is None:
            return self.kind
        return f"{self.kind}:{self.governor.lemma_.lower()}"


def _negated(token: Token) -> bool:
    """ "did not attack", "never fought", and "without fighting": done under "without" is
    not done."""
    if token.dep_ in ("pcomp", "pobj") and token.head.lower_ == _WITHOUT:
        return True
    return any(
        c.dep_ == "neg" or (c.lower_ in _NEGATORS and c.dep_ in ("advmod", "det"))
        for c in token.children
    )


def _aux_lemmas(token: Token) -> set[str]:
    return {c.lemma_.lower() for c in token.children if c.dep_ in ("aux", "auxpass")} | {
        c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")
    }


def _lemma(token: Token) -> str:
    """The token's lemma, mended for irregular forms the model leaves as they are ("sworn")."""
    return IRREGULAR_LEMMAS.get(token.lower_, token.lemma_.lower())


def _governor_class(token: Token) -> str | None:
    lemma = _lemma(token)
    words = context_words()
    governors = (
        (THREAT, words.threat), (REFUSE, words.refuse), (REQUEST, words.request),
        (INTENT, words.intent),
    )  # fmt: skip
    for kind, lemmas in governors:
        if lemma in lemmas:
            return kind
    return None


def modality_of(predicate: Token) -> Modality:
    """The modality of the clause ``predicate`` heads (a verb, or the verb carrying a noun)."""
    if _shares_clause(predicate):
        # "aims to tighten sanctions and impose a blockade": the second verb is as intended
        # as the first.
        head = modality_of(predicate.head)
        return Modality(head.kind, head.negated or _negated(predicate), head.governor)
    words = context_words()
    negated = _negated(predicate)
    auxes = _aux_lemmas(predicate)
    marks = _marks(predicate)
    if marks & _CONDITIONAL_MARKS:
        return Modality(HYPOTHETICAL, negated)
    if (
        marks & _BACKGROUND_MARKS
        and not _causes_casualties(predicate, marks)
        and not _counts_its_dead(predicate, marks)
    ) or _is_toll(predicate):
        return Modality(BACKGROUND, negated)
    if auxes & words.obligation and not negated:
        governor = predicate.head
        if predicate.dep_ == "ccomp" and governor.lemma_.lower() in words.speech:
            return Modality(REQUEST, False, governor)
        return Modality(HYPOTHETICAL, negated)
    if _denied_content(predicate, words.denial):
        return Modality(DONE, True)  # "denied reports that soldiers had killed civilians"
    current = predicate
    for _ in range(MAX_GOVERNOR_LEVELS):
        if not _is_complement(current) or current.head.i == current.i:
            break
        governor = current.head
        if _lemma(governor) in words.attempt_done:
            current = governor
            continue
        if governor.lemma_.lower() in words.permit:
            return Modality(HYPOTHETICAL, negated)  # "will not allow criminals to loot"
        if governor.lemma_.lower() in words.denial and not _negated(governor):
            return Modality(DONE, True)  # "denied that it had shelled the village"
        kind = _governor_class(governor)
        if kind is None:
            break
        if current.dep_ == "ccomp":
            # A clause with its own subject under "want"/"hope" is a wish that someone else
            # act ("wants Putin to attack"), under "demand"/"urge" a demand; under any other
            # governor it is reported speech.
            lemma = governor.lemma_.lower()
            if kind == INTENT and lemma in _WISH_WORDS and _has_own_subject(current):
                kind = REQUEST
            elif kind != REQUEST or lemma in _REPORTING_REQUESTS:
                break
        outer = governor.head
        if (
            governor.dep_ in ("xcomp", "ccomp")
            and _governor_class(outer) == REQUEST
            and outer.lemma_.lower() not in _REPORTING_REQUESTS
        ):
            # "demanded that its partners refuse to recognize": the whole is the demand.
            return Modality(REQUEST, negated, outer)
        if _aux_lemmas(governor) & words.modal and not _negated(governor):
            return Modality(HYPOTHETICAL, negated)  # "might want them to leave"
        return Modality(kind, negated or _negated(governor), governor)
    if auxes & words.modal:
        return Modality(HYPOTHETICAL if not negated else DONE, negated)
    if auxes & words.future or _going_to(predicate):
        return Modality(INTENT, negated)
    return Modality(DONE, negated)


def _denied_content(predicate: Token, denial: frozenset[str]) -> bool:
    """ "denied reports that soldiers had killed", "rejected claims that its troops shelled":
    the clause says what a report held that someone denies."""
    noun = predicate.head
    verb = noun.head
    return (
        predicate.dep_ in ("acl", "ccomp")
        and noun.lemma_.lower() in _CONTENT_NOUNS
        and noun.dep_ == "dobj"
        and (verb.lemma_.lower() in denial or verb.lemma_.lower() in _DISMISSING)
        and not _negated(verb)
    )


def _is_complement(verb: Token) -> bool:
    """A clause its governor's modality reaches: a complement, or an infinitive the parse hung
    on as an adverbial clause ("have sworn to fight" parsed as advcl)."""
    if verb.dep_ in ("xcomp", "ccomp", "pcomp", "acl"):
        return True
    return verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _shares_clause(verb: Token) -> bool:
    """A verb coordinated with an earlier one, without a subject of its own."""
    return (
        verb.dep_ == "conj"
        and verb.head.pos_ in ("VERB", "AUX")
        and verb.head.i < verb.i
        and not _has_own_subject(verb)
    )


def _causes_casualties(predicate: Token, marks: set[str]) -> bool:
    """ "Two were injured after police dispersed a protest": an "after" clause under a casualty
    report names the act that caused it, part of the same event, not earlier background."""
    if marks - {"after"} or predicate.dep_ != "advcl":
        return False
    casualty = context_words().casualty
    head = predicate.head
    # "were confirmed dead after", "were reported killed after": the report completes a verb;
    # "was among the dead after": the dead a preposition names.
    completing = [c for c in head.children if c.dep_ in ("oprd", "acomp", "xcomp")]
    completing += [g for c in head.children if c.dep_ == "prep" for g in c.children]
    # "six deaths were recorded after", "confirmed 14 fatalities after": the report's toll.
    return (
        states_a_toll(head)
        or head.lemma_.lower() in casualty
        or any(c.lemma_.lower() in casualty or c.lower_ in casualty for c in completing)
    )


def _counts_its_dead(predicate: Token, marks: set[str]) -> bool:
    """ "traded accusations after an army raid on Monday left three men dead": an "after"
    clause that counts the dead of its own act reports that act, unless it sets it in an
    earlier period ("after an attack last month killed 20") or before the main clause's time
    ("after gunmen had killed 20")."""
    if marks != {"after"} or predicate.dep_ != "advcl":
        return False
    if "have" in _aux_lemmas(predicate) or _set_in_a_period(predicate):
        return False
    casualty = context_words().casualty
    states = {c.lower_ for c in predicate.children if c.dep_ in ("oprd", "acomp")}
    if predicate.lemma_.lower() not in casualty and not states & casualty:
        return False
    return any(
        c.dep_ in ("dobj", "nsubjpass") and any(n.dep_ == "nummod" for n in c.children)
        for c in predicate.children
    )


def _set_in_a_period(predicate: Token) -> bool:
    """ "last month", "in May", "in 2019": a time of the clause, or of its subject, longer
    than a day."""
    holders = [predicate, *(c for c in predicate.children if c.dep_ == "nsubj")]
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "npadvmod" and child.lemma_.lower() in PERIOD_NOUNS:
                return True
            if (
                child.dep_ == "prep"
                and child.lower_ == "in"
                and any(g.ent_type_ == "DATE" or g.like_num for g in child.children)
            ):
                return True
    return False


def states_a_toll(verb: Token) -> bool:
    """ "six deaths were recorded", "confirmed 14 fatalities": a toll noun is its subject or
    object."""
    return any(
        c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lemma_.lower() in TOLL_NOUNS
        for c in verb.children
    )


def _marks(predicate: Token) -> set[str]:
    """Subordinating words of the clause, also when set on the verb it continues ("after
    Erbil was declared to have stepped back", "after they arrived and attacked")."""
    marks = set()
    current = predicate
    for _ in range(MAX_GOVERNOR_LEVELS + 1):
        marks |= {c.lower_ for c in current.children if c.dep_ == "mark"}
        if current.dep_ not in ("xcomp", "conj") or current.head.i == current.i:
            break
        current = current.head
    return marks


def _has_own_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _going_to(verb: Token) -> bool:
    head = verb.head
    return (
        verb.dep_ == "xcomp"
        and head.lower_ == "going"
        and any(c.dep_ == "aux" for c in head.children)
    )


def _is_toll(predicate: Token) -> bool:
    """ "10,000 have been killed in the conflict": a casualty tally. Other perfect-tense acts
    over a period ("have been demobilised since the accord") still report what happened."""
    casualty = context_words().casualty
    return predicate.lemma_.lower() in casualty and is_cumulative(predicate)


def is_cumulative(predicate: Token) -> bool:
    """A perfect-tense act over a period up to now, or of a whole war ("the war has killed
    thousands"): a tally of many events, not one."""
    perfect = predicate.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lemma_.lower() == "have" for c in predicate.children
    )
    of_a_war = any(
        c.dep_ == "nsubj" and c.lemma_.lower() in _WHOLE_CONFLICTS for c in predicate.children
    )
    return perfect and (of_a_war or any(_opens_period(t) for t in _period_phrases(predicate)))


def _period_phrases(predicate: Token) -> list[Token]:
    """Prepositions, marks and adverbs under the predicate and its noun phrases, not inside
    other clauses (whose own tense says nothing about this act)."""
    found: list[Token] = []
    frontier = [predicate]
    for _ in range(MAX_PERIOD_DEPTH):
        following = []
        for token in frontier:
            for child in token.children:
                if child.dep_ in ("prep", "pobj", "conj", "npadvmod", "advmod", "mark"):
                    found.append(child)
                    following.append(child)
                elif child.dep_ == "advcl" and token is predicate:
                    found.extend(c for c in child.children if c.dep_ == "mark")
        frontier = following
    return found


def _opens_period(token: Token) -> bool:
    word = token.lower_
    objects = [c for c in token.children if c.dep_ == "pobj"]
    if word in _PERIOD_OPENERS and token.dep_ in ("prep", "mark"):
        # "has killed 13 since Friday": days of one event's fighting, not a tally of many.
        return not any(o.lower_ in _DAYS_OF_ONE_EVENT for o in objects)
    if word in _PERIOD_PREPOSITIONS and token.dep_ == "prep":
        periods = context_words().period
        if any(o.lemma_.lower() in periods for o in objects):
            return True
        return any(_is_recent_span(o, ("past", "last")) for o in objects)
    if word == "far" and any(c.lower_ == "so" for c in token.children):
        return True
    if word == "to" and any(o.lower_ == "date" for o in objects):
        return True
    return token.dep_ == "npadvmod" and _is_recent_span(token, ("this", "past"))


def _is_recent_span(noun: Token, openers: tuple[str, ...]) -> bool:
    """ "(over) the past three years", "(in) the last month", "this year"; not "last week",
    which names a time in the past rather than a span reaching now."""
    return noun.lower_ in _RECENT_SPANS and any(c.lower_ in openers for c in noun.children)
