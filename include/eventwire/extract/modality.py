"""Modality: whether a trigger reports an act that happened, and if not, what it reports.

- Negation ("did not attack", "never agreed") sets ``negated``.
- A trigger under an intent word ("promised to withdraw", "plans to attack", "will meet") is an
  intent, a threat word ("threatened to strike") a threat, a request word ("urged X to talk") a
  request, a refusal word ("refused to release") a refusal; the engine recodes these (an intent
  to cooperate is AGREE, to use force is THREATEN; refusals are REJECT) and never codes the
  embedded act as done. "managed to shell" is done.
- A hypothetical ("could attack", "if they attack") is dropped.

Word lists are data (``data/trigger_context.tsv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.extract.lexicon import context_words

if TYPE_CHECKING:
    from spacy.tokens import Token

DONE = "done"
INTENT = "intent"
THREAT = "threat"
REQUEST = "request"
REFUSE = "refuse"
HYPOTHETICAL = "hypothetical"
BACKGROUND = "background"

_GOVERNOR_CLASSES = (THREAT, REFUSE, REQUEST, INTENT)
_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "until", "before", "lest", "once"})
# Subordinate clauses that give the background of the reported event, not a new event.
_BACKGROUND_MARKS = frozenset({"after", "since", "because", "although", "though"})
# Request words that may govern a "that" clause ("demanded that Hamas renounce...");
# "told the agency that..." reports speech instead.
_REPORTING_REQUESTS = frozenset({"tell"})
_NEGATORS = frozenset({"not", "n't", "never", "no"})
# How many clause levels up a governing word is looked for ("vowed to continue to attack").
MAX_GOVERNOR_LEVELS = 2
_WISH_WORDS = frozenset({"want", "wish", "expect", "hope"})


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
    return any(
        c.dep_ == "neg" or (c.lower_ in _NEGATORS and c.dep_ in ("advmod", "det"))
        for c in token.children
    )


def _aux_lemmas(token: Token) -> set[str]:
    return {c.lemma_.lower() for c in token.children if c.dep_ in ("aux", "auxpass")} | {
        c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")
    }


def _governor_class(token: Token) -> str | None:
    lemma = token.lemma_.lower()
    words = context_words()
    for kind in _GOVERNOR_CLASSES:
        if lemma in words.get(kind, ()):
            return kind
    return None


def modality_of(predicate: Token) -> Modality:
    """The modality of the clause ``predicate`` heads (a verb, or the verb carrying a noun)."""
    words = context_words()
    negated = _negated(predicate)
    auxes = _aux_lemmas(predicate)
    marks = _marks(predicate)
    if marks & _CONDITIONAL_MARKS:
        return Modality(HYPOTHETICAL, negated)
    if marks & _BACKGROUND_MARKS:
        return Modality(BACKGROUND, negated)
    if auxes & words.get("obligation", frozenset()) and not negated:
        head = predicate.head
        if predicate.dep_ == "ccomp" and head.lemma_.lower() in words.get("speech", ()):
            return Modality(REQUEST, False, head)
        return Modality(HYPOTHETICAL, negated)
    current = predicate
    for _ in range(MAX_GOVERNOR_LEVELS):
        if current.dep_ not in ("xcomp", "ccomp", "pcomp", "acl") or current.head.i == current.i:
            break
        governor = current.head
        if governor.lemma_.lower() in words.get("attempt_done", ()):
            current = governor
            continue
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
        if _aux_lemmas(governor) & words.get("modal", frozenset()) and not _negated(governor):
            return Modality(HYPOTHETICAL, negated)  # "might want them to leave"
        return Modality(kind, negated or _negated(governor), governor)
    if auxes & words.get("modal", frozenset()):
        return Modality(HYPOTHETICAL if not negated else DONE, negated)
    if auxes & words.get("future", frozenset()) or _going_to(predicate):
        return Modality(INTENT, negated)
    return Modality(DONE, negated)


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
