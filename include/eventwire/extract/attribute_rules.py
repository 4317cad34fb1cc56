"""The model's attribute ruler, matched through an index: the same matches, a fraction of the time.

spaCy's ``attribute_ruler`` (tag to part of speech, pronoun and auxiliary lemmas and morphology)
finds its matches with a ``Matcher``, which tries every one of its ~180 rules at every token:
on the benchmark corpus that was a sixth of extraction time, more than the dependency parser.
Its rules are single words or fixed word pairs tested on a few token attributes, so this module
indexes them by the value their first word requires (a tag, a lower-case form or a dependency
label) and tests only the rules a token can start. The attributes are written by spaCy's own
``set_token_attrs``, on the tokens the ruler's ``set_annotations`` picks, from a match list
equal to the ``Matcher``'s, in the same order (later rules win).

Only rule shapes whose meaning is plain are indexed (equality, ``IN``, ``NOT_IN``, ``REGEX``
on the attributes below); a model whose ruler has anything else keeps spaCy's ``Matcher``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.strings import get_string_id
from spacy.tokens._retokenize import set_token_attrs

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc

# Token attributes the ruler's patterns may test, as columns of ``Doc.to_array``, most
# selective first: a first word's requirement on the earliest column is its index key (a
# pronoun's rule is filed under its word, not under PRP beside thirty others).
COLUMNS = {"LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}
_EQUAL, _IN, _NOT_IN, _REGEX = "==", "IN", "NOT_IN", "REGEX"
# Distinct (word, tag, label, space) combinations whose starting rules are remembered: news
# repeats its words, so most tokens are a look-up; cleared when full, to bound a worker.
MEMO_SIZE = 100_000

# One test: (column, operator, operand); a word's spec is all its tests; a rule is filed as
# (its number, one spec per word) once per alternative; a token is its row of column values.
_Test = tuple[int, str, object]
_Spec = tuple[_Test, ...]
_Rule = tuple[int, tuple[_Spec, ...]]
_Row = tuple[int, ...]
_Match = tuple[int, int, int, int]


class UnsupportedPattern(ValueError):
    """A ruler pattern this index does not read; the caller keeps spaCy's ``Matcher``."""


def _test(column: int, attr: str, value: object) -> _Test:
    """A token test with the ``Matcher``'s semantics: strings compare as string ids (as
    ``get_string_id`` makes them, reserved symbols included), flags as 0 or 1."""
    if attr == "IS_SPACE":
        if not isinstance(value, bool):
            raise UnsupportedPattern(f"IS_SPACE must be a bool: {value!r}")
        return column, _EQUAL, int(value)
    if isinstance(value, str):
        return column, _EQUAL, get_string_id(value)
    if not isinstance(value, dict) or len(value) != 1:
        raise UnsupportedPattern(f"{attr}: {value!r}")
    ((operator, operand),) = value.items()
    if operator in (_IN, _NOT_IN) and all(isinstance(v, str) for v in operand):
        return column, operator, frozenset(get_string_id(v) for v in operand)
    if operator == _REGEX and isinstance(operand, str):
        return column, _REGEX, re.compile(operand)
    raise UnsupportedPattern(f"{attr}: {value!r}")


def _spec(token: dict) -> _Spec:
    tests = []
    for attr, value in token.items():
        if attr not in COLUMNS:
            raise UnsupportedPattern(f"attribute {attr!r}")
        tests.append(_test(list(COLUMNS).index(attr), attr, value))
    return tuple(tests)


class IndexedRules:
    """The matches of an ``AttributeRuler``'s patterns, found through an index of their
    first words. ``match`` is a drop-in for ``AttributeRuler.match``."""

    def __init__(self, ruler: AttributeRuler) -> None:
        """Index every rule of ``ruler``; raises ``UnsupportedPattern`` for a shape not read."""
        self._strings = ruler.vocab.strings
        self._attrs = ruler.attrs
        self._indices = ruler.indices
        self._keys: list[int] = []
        self._by_value: list[dict[int, list[_Rule]]] = [{} for _ in COLUMNS]
        self._unindexed: list[_Rule] = []
        self._memo: dict[_Row, tuple[_Rule, ...]] = {}
        for rule, pattern in enumerate(ruler.patterns):
            self._keys.append(self._strings[str(rule)])
            # spaCy types a pattern's values as a union of every field's type.
            alternatives = cast("list[list[dict]]", pattern["patterns"])
            index = cast("int", pattern["index"])
            for alternative in alternatives:
                if not -len(alternative) <= index < len(alternative):
                    raise UnsupportedPattern(f"token {index} of {alternative!r}")
                self._index(rule, tuple(_spec(token) for token in alternative))

    def _index(self, rule: int, words: tuple[_Spec, ...]) -> None:
        """File a rule under each value its first word may have in the first column it
        tests for equality or membership; a token then meets the rule through one column."""
        for column, operator, operand in sorted(words[0], key=lambda test: test[0]):
            if operator == _EQUAL:
                self._by_value[column].setdefault(cast("int", operand), []).append((rule, words))
                return
            if operator == _IN:
                for value in cast("frozenset[int]", operand):
                    self._by_value[column].setdefault(value, []).append((rule, words))
                return
        self._unindexed.append((rule, words))

    def _fits(self, row: _Row, spec: _Spec) -> bool:
        for column, operator, operand in spec:
            value = row[column]
            if operator == _EQUAL:
                if value != operand:
                    return False
            elif operator == _IN:
                if value not in operand:  # type: ignore[operator]
                    return False
            elif operator == _NOT_IN:
                if value in operand:  # type: ignore[operator]
                    return False
            elif not operand.search(self._strings[value]):  # type: ignore[attr-defined]
                return False
        return True

    def _starting(self, row: _Row) -> tuple[_Rule, ...]:
        """The rules a token with these attribute values can start, each with the specs of
        the words it still needs after it."""
        candidates = [
            *(
                found
                for column, index in enumerate(self._by_value)
                for found in index.get(row[column], ())
            ),
            *self._unindexed,
        ]
        return tuple((rule, words[1:]) for rule, words in candidates if self._fits(row, words[0]))

    def match(self, doc: Doc) -> list[_Match]:
        """``(rule, match id, start, end)`` of every match, sorted as ``AttributeRuler.match``
        sorts them (rule first, so later rules win)."""
        rows = [tuple(row) for row in doc.to_array(list(COLUMNS.values())).tolist()]
        length = len(rows)
        memo = self._memo
        if len(memo) > MEMO_SIZE:
            memo.clear()
        found = set()
        for start, row in enumerate(rows):
            starting = memo.get(row)
            if starting is None:
                starting = memo[row] = self._starting(row)
            for rule, rest in starting:
                end = start + 1 + len(rest)
                if end <= length and all(
                    self._fits(rows[start + 1 + k], spec) for k, spec in enumerate(rest)
                ):
                    found.add((rule, start, end))
        return [(rule, self._keys[rule], start, end) for rule, start, end in sorted(found)]

    def annotate(self, doc: Doc, matches: list[_Match]) -> None:
        """Each match's attributes on its rule's token, in order, as
        ``AttributeRuler.set_annotations`` writes them but without a ``Span`` per match
        (every rule's token index is inside each of its patterns, checked when indexed)."""
        for rule, _, start, end in matches:
            index = self._indices[rule]
            set_token_attrs(doc[(start if index >= 0 else end) + index], self._attrs[rule])


def index_attribute_ruler(ruler: AttributeRuler) -> bool:
    """Make ``ruler`` find its matches through an index and write them without a ``Span``
    each; False (and spaCy's ``Matcher`` kept) when one of its patterns has a shape the index
    does not read."""
    try:
        indexed = IndexedRules(ruler)
    except UnsupportedPattern:
        return False
    ruler.match = indexed.match  # type: ignore[method-assign]
    ruler.set_annotations = indexed.annotate  # type: ignore[method-assign]
    return True
