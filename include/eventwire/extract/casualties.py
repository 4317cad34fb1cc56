"""Casualties: how many people a sentence says were killed and injured.

Counts come from the dependency parse, never from a window of words: a casualty word
("killed", "died", "wounded", "dead", "deaths", "death toll") names its victims (the passive
subject, the active object, the subject of "die", the noun a participle modifies), and a
victim's count is its own number ("13 were killed") or the number modifying it ("Thirteen
militants"). Coordinated victims are summed ("13 militants and two soldiers were killed" = 15),
as are the casualty words of one kind in a sentence. Numbers that count anything else (ages,
years, percentages, vehicles, money, fractions) are never read, and a victim without a stated
number ("many were killed", "a huge number of militants") gives ``None``: never a guess.
A running tally ("10,000 have been killed in the conflict") counts many events, not this one,
and is not read.

Number words and ACLED's quantity words ("dozens" = 12, "hundreds" = 100) are data
(``data/number_words.tsv``); so are the casualty words (``data/casualty_words.tsv``) and the
nouns whose numbers are not people (``data/non_victim_nouns.txt``).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.extract.actors import person_words
from eventwire.extract.lexicon import IRREGULAR_FORMS, context_words
from eventwire.extract.modality import PERIOD_NOUNS, TOLL_NOUNS, is_cumulative
from eventwire.extract.roles import is_absolute, stative_passive_subject

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
NUMBER_WORDS_FILE = DATA_DIR / "number_words.tsv"
CASUALTY_WORDS_FILE = DATA_DIR / "casualty_words.tsv"
NON_VICTIMS_FILE = DATA_DIR / "non_victim_nouns.txt"

# Entity labels whose numbers are never head counts ("in 2014", "85%", "$5 million", "third").
NON_COUNT_ENTITIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"})
# A casualty figure above this is a misread (a year, a sum of money) rather than a count;
# ACLED's largest single-event tolls are in the low thousands.
MAX_PLAUSIBLE_COUNT = 100_000
# How many clause levels above a count a verb of claiming is looked for.
CLAIM_LEVELS = 2

KILL = "kill"
INJURE = "injure"
# The role of "life": a casualty word only as what an act cost (``_LIFE_VERBS``).
LIFE = "life"
_LOSE = "lose"
_INCLUDE = "include"
_HALF = "half"
_LOSS = "loss"
_PARTITIVE_PRONOUNS = frozenset({"them", "whom", "those", "these"})
# "The dead included 12 soldiers", "the victims were two guards": verbs naming the dead.
_NAMING_VERBS = frozenset({_INCLUDE, "be"})
# "The army said it lost six soldiers": the written forms of "lose", whose objects die.
_LOSE_FORMS = frozenset({"lose", "loses", "lost", "losing"})
_LIFE_VERBS = frozenset({_LOSE, "claim", "take", "cost"})
_VICTIM_DEPS = ("nsubjpass", "dobj", "nsubj")
# How a number hangs on the noun it counts; "both" is a determiner.
_COUNT_DEPS = frozenset({"nummod", "quantmod", "amod", "compound", "det", "predet"})
_VERBS = frozenset({"VERB", "AUX"})
_NUMBER_LINKS = frozenset({"of", "and", "-"})
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
RELATIVE_PRONOUNS = frozenset({"who", "whom", "that", "which"})
# Words that join the two ends of a range ("10-15", "two or three", "between 10 and 15"):
# ACLED records the lower bound.
_RANGE_LINKS = frozenset({"-", "–", "to", "or", "and"})
_HYPHENS = frozenset({"-", "–"})
_TOPIC_PREPOSITIONS = frozenset({"against", "over", "about", "into", "for"})
_PROTESTING_VERBS = frozenset({"protest", "denounce", "condemn", "decry"})
# "were reported killed", "are feared dead": the casualty word completes a reporting verb.
_REPORTED_DEPS = frozenset({"oprd", "xcomp", "acomp"})
_REPORTING_VERBS = frozenset(
    {"report", "fear", "believe", "confirm", "presume", "know", "say", "think", "understand"}
)
_BESIDES = frozenset({"other", "further", "additional", "more"})
# "rose from 58 to 89": a change of figure, whose later figure stands.
_CHANGE_OPENER = "from"
# A toll so qualified was replaced by the sentence's newer figure.
_EARLIER = frozenset({"early", "earlier", "previous", "initial", "preliminary", "prior", "old"})
# A person named or referred to alone is one victim ("Tays, 32, was shot dead", "killed him").
_ONE_PERSON_PRONOUNS = frozenset({"him", "her", "he", "she", "himself", "herself"})
_SELF_PRONOUNS = frozenset({"himself", "herself"})
# "No one was killed", "nobody was hurt": a toll of 0.
_NOBODY = frozenset({"nobody", "none", "noone"})
# Nouns of the dead and hurt that "no" makes a toll of 0.
TOLL = "toll"
_NUMBER = "number"
_FATALLY = frozenset({"fatally", "mortally"})
# Verbs whose subject is the one who died ("three soldiers died", "two succumbed").
_DYING = frozenset({"die", "perish", "succumb"})
# "a similar attack", "a separate ambush": the event a sentence compares its own with.
_OTHER_EVENT_WORDS = frozenset({"similar", "separate", "previous", "earlier"})
_PLURAL_PRONOUNS = frozenset({"them", "they"})
_OBJECT_FIRST = ("dobj", "nsubjpass", "nsubj")
_SUBJECT_FIRST = ("nsubjpass", "nsubj", "dobj")
_WHOLE_NOUNS = frozenset({"total"})
# "killing its driver", "shot his wife", "killed my brother", "the bomber also died": one person,
# the one the owner had.
_OWNER_DETERMINERS = frozenset(
    {"a", "an", "its", "his", "her", "their", "the", "my", "our", "your"}
)
# A DATE entity made only of these and numbers is a count the recogniser misread
# ("between 10 and 15 people were killed").
_RANGE_WORDS = frozenset({"between", "and", "to", "or", "-", "–", "at", "least", "about", "some"})
# A number in such an entity above this is a year, not a head count.
_MAX_RANGE_VALUE = 999
# Particles the parser may read as adverbs ("mowed down 11 people": "down" an advmod).
_ADVERB_PARTICLES = frozenset({"down", "up", "off", "out", "away"})
# A total and at least two counts that add up to it are one toll and its breakdown; a total
# and one equal count may be two sides that lost as many ("five soldiers and five rebels").
MIN_BREAKDOWN_COUNTS = 3
# A number set beside a name ("Tays, 32,") up to this is the person's age.
_MAX_AGE = 110


@dataclass(frozen=True)
class Casualties:
    """People killed and injured as the sentence states them; ``None`` where it states none."""

    fatalities: int | None
    injured: int | None
    text: str | None


@dataclass(frozen=True)
class _Count:
    value: int
    number_ids: frozenset[int]
    phrase: tuple[int, int]
    # A toll is the whole count ("bringing the death toll to 14"): it replaces the sentence's
    # other counts instead of adding to them.
    is_toll: bool = False
    # A bomber who "blew himself up" is the toll only where the sentence gives no other: a
    # toll stated beside it ("killing at least 55") is the reporters' count of the dead.
    is_bomber: bool = False
    # Some of the dead ("a child was among the dead") count only where nothing else does.
    is_part: bool = False
    # A side's claim ("the group claimed to have killed 30 soldiers") counts only where no
    # other account of the dead is given ("but the army said 12 died").
    is_claimed: bool = False


@functools.cache
def _number_words() -> dict[str, tuple[int, str]]:
    with NUMBER_WORDS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return {row["word"]: (int(row["value"]), row["kind"]) for row in rows}


@functools.cache
def _casualty_words() -> dict[str, tuple[str, str]]:
    """lemma or word -> (part of speech role, KILL or INJURE)."""
    with CASUALTY_WORDS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        out = {}
        for row in rows:
            pos, _, kind = row["role"].partition("_")
            out[row["lemma"]] = (pos, KILL if kind == "kill" else INJURE)
        return out


@functools.cache
def casualty_word_forms() -> frozenset[str]:
    """Written forms of the casualty words ("died", "deaths", "fatalities"), for a cheap test
    on raw text of whether a sentence can state a toll at all."""
    forms = set()
    for entry in _casualty_words():
        word = entry.split()[0]  # a phrasal verb's verb: "gunned" of "gun down"
        forms.update({word, word + "s", word + "d", word + "ed", word + word[-1] + "ed"})
        forms.update({word + "ing", word[:-1] + "ing", word + word[-1] + "ing"})
        forms.update(IRREGULAR_FORMS.get(word, ()))  # "slain", "burnt"
        if word.endswith("ie"):
            forms.add(word[:-2] + "ying")  # "dying"
        if word.endswith("y"):
            forms.update({word[:-1] + "ies", word[:-1] + "ied"})  # "buried"
        if word.endswith("fe"):
            forms.add(word[:-2] + "ves")
    return frozenset(forms | _LOSE_FORMS)


@functools.cache
def _non_victims() -> frozenset[str]:
    lines = NON_VICTIMS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def parse_number(words: list[str]) -> int | None:
    """The value of a run of number words and digits ("two hundred", "tens of thousands");
    a range ("10-15", "two or three") is its lower bound, ACLED's rule."""
    lower = _range_start(words)
    if lower is not None:
        return parse_number(lower)
    if words and words[0].lower() == _HALF:
        whole = parse_number(words[1:])  # "half a dozen"
        return whole // 2 if whole is not None else None
    table = _number_words()
    total = current = 0
    seen = False
    for raw in words:
        word = raw.lower()
        if word in _NUMBER_LINKS:
            continue
        if _DIGITS.match(word):
            current += int(float(word.replace(",", "")))
        elif word in table:
            value, kind = table[word]
            if kind == "unit":
                current += value
            elif kind == "scale":
                current = max(current, 1) * value
                if value >= 1000:
                    total, current = total + current, 0
            else:
                current = value if current == 0 and total == 0 else max(current, total) * value
                total = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _is_whole(word: str) -> bool:
    """A digit string or a number word that stands alone ("15", "three"), not a scale."""
    found = _number_words().get(word.lower())
    return bool(_DIGITS.match(word)) or (found is not None and found[1] == "unit")


def _range_start(words: list[str]) -> list[str] | None:
    """The words of a range's first end, or None when the run is one number. A hyphen joins
    a range only between digits ("20-25"); between words it writes one number ("thirty-one")."""
    for i in range(1, len(words) - 1):
        link, before, after = words[i].lower(), words[i - 1], words[i + 1]
        if link not in _RANGE_LINKS or not (_is_whole(before) and _is_whole(after)):
            continue
        if link in _HYPHENS and not (_DIGITS.match(before) and _DIGITS.match(after)):
            continue
        return words[:i]
    return None


def _is_number_word(token: Token) -> bool:
    word = token.lower_
    return bool(_DIGITS.match(word)) or (word in _number_words() and word not in ("a", "an"))


def _number_run(anchor: Token) -> list[Token]:
    """The contiguous number words around ``anchor`` ("two hundred", "tens of thousands")."""
    doc = anchor.doc
    start = end = anchor.i
    while True:
        if start > 0 and (_is_number_word(doc[start - 1]) or doc[start - 1].lower_ == "a"):
            start -= 1
        elif (
            start > 1 and doc[start - 1].lower_ in _NUMBER_LINKS and _is_number_word(doc[start - 2])
        ):
            start -= 2
        else:
            break
    while (
        end + 2 < len(doc)
        and doc[end + 1].lower_ in _NUMBER_LINKS
        and _is_number_word(doc[end + 2])
    ):
        end += 2
    while (
        start > 1
        and doc[start - 1].lower_ in _RANGE_LINKS
        and _is_whole(doc[start - 2].text)
        and _is_whole(doc[start].text)
        and not (start > 2 and doc[start - 3].lower_ == _CHANGE_OPENER)
    ):
        start -= 2
    while end + 1 < len(doc) and _is_number_word(doc[end + 1]):
        end += 1
    if start > 0 and doc[start - 1].lower_ == _HALF and doc[start].lower_ == "a":
        start -= 1
    return [
        t
        for t in doc[start : end + 1]
        if "-" not in t.text or _is_number_word(t) or t.text in _RANGE_LINKS
    ]


def _victim_count(victim: Token) -> tuple[int, list[Token]] | None:
    """The number of people ``victim`` stands for, with the number's tokens; None if unstated."""
    if _is_nobody(victim) or _none_of(victim):
        return 0, [victim]
    if victim.lower_ in _WHOLE_NOUNS:
        # "a total of 18 people": the people the total counts.
        counted = next((g for p in victim.children if p.lower_ == "of" for g in p.children), None)
        return _victim_count(counted) if counted is not None else None
    if victim.lower_ in _PLURAL_PRONOUNS:
        antecedent = _antecedent(victim)
        return _victim_count(antecedent) if antecedent is not None else None
    if victim.lower_ in _non_victims() or victim.lemma_ in _non_victims():
        return None
    anchor = None
    if _is_number_word(victim):
        anchor = victim
    else:
        # The number nearest the noun counts it: "killing 2 (1 soldier and 1 civilian)" reads
        # the total and the first part both as the soldier's numbers.
        counts = [c for c in victim.children if c.dep_ in _COUNT_DEPS and _is_number_word(c)]
        anchor = min(counts, key=lambda c: abs(victim.i - c.i), default=None)
    if anchor is None and _is_one_person(victim):
        return 1, [victim]
    if anchor is None:
        anchor = _counted_of(victim)
    if anchor is None:
        article = _article(victim)
        collective = _of_many(victim)
        if (
            article
            and not collective
            and victim.tag_ in ("NN", "NNP", "JJ")
            and victim.lower_ not in _casualty_words()
        ):
            # A shared article ("a husband and wife") is the first noun's number, not this one's.
            return 1, [article[0], victim] if article[0].head.i == victim.i else [victim]
        return None
    misread_range = anchor.ent_type_ == "DATE" and _is_range_entity(anchor)
    if (anchor.ent_type_ in NON_COUNT_ENTITIES and not misread_range) or _counts_something_else(
        anchor
    ):
        return None
    run = _number_run(anchor)
    value = parse_number([t.text for t in run])
    if value is None or value > MAX_PLAUSIBLE_COUNT:
        return None
    return value, run


def _article(noun: Token) -> list[Token]:
    """The article or owner of a singular noun; "a husband and wife": a bare noun coordinated
    with one shares its article."""
    own = [c for c in noun.children if c.dep_ in ("det", "poss")]
    if not own and noun.dep_ == "conj" and noun.head.tag_ == noun.tag_:
        own = [c for c in noun.head.children if c.dep_ in ("det", "poss")]
    return [c for c in own if c.lower_ in _OWNER_DETERMINERS]


def _of_many(noun: Token) -> bool:
    """ "a group of men", "the families of the victims": a noun of many people, unlike
    "the driver of a bus"."""
    return any(
        g.dep_ == "pobj"
        and (g.tag_ in ("NNS", "NNPS") or any(n.dep_ == "nummod" for n in g.children))
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
    )


def _antecedent(pronoun: Token) -> Token | None:
    """ "seized 13 gang members and burned them to death", "all five had been tortured before
    they were killed": the people "them" or "they" stands for, the object or subject of the
    verb its own clause is coordinated with or hangs on."""
    # "them" is most often the earlier verb's object, "they" its subject.
    deps = _OBJECT_FIRST if pronoun.lower_ == "them" else _SUBJECT_FIRST
    verb = pronoun.head
    while verb.dep_ in ("conj", "advcl"):
        verb = verb.head
        earlier = [c for c in verb.children if c.i < pronoun.i]
        for dep in deps:
            found = next((c for c in earlier if c.dep_ == dep), None)
            if found is not None:
                return found
    return None


def _none_of(noun: Token) -> bool:
    """ "no casualties", "no deaths were reported": a toll of 0; "no other deaths" adds none
    to those counted, it is no toll."""
    return (
        noun.lemma_ in TOLL_NOUNS
        and any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
        and not any(c.lower_ in _BESIDES for c in noun.children)
    )


def _is_nobody(victim: Token) -> bool:
    """ "No one was killed", "nobody was hurt", "none of the passengers died": a toll of 0,
    not the "one" it is written with."""
    if victim.lower_ in _NOBODY:
        return True
    return victim.lower_ == "one" and any(
        c.dep_ == "det" and c.lower_ == "no" for c in victim.children
    )


def _counted_of(victim: Token) -> Token | None:
    """ "a family of five": a group whose size is the bare number after "of"."""
    for prep in victim.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            found = [c for c in prep.children if c.dep_ == "pobj" and _is_number_word(c)]
            if found:
                return found[0]
    return None


def _is_one_person(victim: Token) -> bool:
    """A person's name ("Tays", "Luis Medellin") or "him", "she" stands for one victim. The
    small model often misses a rare name, but a name with an age or a description beside it
    ("Tays, 32, a shepherd") is a person's."""
    if victim.lower_ in _ONE_PERSON_PRONOUNS or _headline_person(victim):
        return True
    if victim.tag_ != "NNP":
        return False
    return (
        victim.ent_type_ == "PERSON"
        or any(_describes_person(c) for c in victim.children)
        or _listed_with_people(victim)
    )


def _listed_with_people(name: Token) -> bool:
    """ "killed Musa Bello, Ali Sani and Ibrahim Garba": a name in a list of people's names is
    a person's, whatever the recogniser made of it alone."""
    listed = [c for c in name.children if c.dep_ == "conj"]
    if name.dep_ == "conj":
        listed.append(name.head)
    return any(t.tag_ == "NNP" and t.ent_type_ == "PERSON" for t in listed)


def _headline_person(victim: Token) -> bool:
    """ "Soldier killed, two wounded": a headline drops the article of its one victim."""
    return (
        victim.dep_ == "nsubj"
        and victim.tag_ in ("NN", "NNP")
        and victim.lemma_.lower() in person_words()
        and not any(c.dep_ in ("det", "poss", "nummod") for c in victim.children)
        and is_absolute(victim.head)
    )


def _describes_person(appositive: Token) -> bool:
    """ ", 32," or ", a shepherd,": an age or one noun set beside a name."""
    if appositive.dep_ != "appos":
        return False
    if appositive.like_num:
        value = parse_number([appositive.text])
        return value is not None and value <= _MAX_AGE
    return appositive.tag_ == "NN" and any(
        c.dep_ == "det" and c.lower_ in ("a", "an") for c in appositive.children
    )


def _is_range_entity(number: Token) -> bool:
    """ "Between 10 and 15" read as a DATE: only numbers and range words, none a year."""
    entity = next((e for e in number.doc.ents if e.start <= number.i < e.end), None)
    if entity is None:
        return False
    for token in entity:
        if token.lower_ in _RANGE_WORDS:
            continue
        if not _is_number_word(token):
            return False
        value = parse_number([token.text])
        if value is None or value > _MAX_RANGE_VALUE:
            return False
    return True


def _counts_something_else(number: Token) -> bool:
    """ "85 percent", "85%", "ten vehicles", "aged 25": a number that does not count people."""
    doc = number.doc
    following = doc[number.i + 1] if number.i + 1 < len(doc) else None
    if following is not None and following.lower_ in _non_victims():
        return True
    if number.head.lower_ in _non_victims() and number.head is not number:
        return True
    return number.head.lower_ in ("aged", "age")


def _expand(victim: Token) -> list[Token]:
    """A victim and the victims coordinated with it ("13 militants and two soldiers")."""
    if victim.lower_ in RELATIVE_PRONOUNS and victim.head.dep_ == "relcl":
        victim = victim.head.head
    out = [victim, *_objects_hung_on_verb(victim)]
    for conj in victim.conjuncts:
        # "seven dead and 22 injured": a conjunct with a casualty word of its own is its own
        # count.
        if conj.i > victim.i and not _has_own_casualty_word(conj):
            out.append(conj)
    for listed in victim.children:
        # "the village head, his son and a neighbour": a list the parser took for an
        # appositive, told from one ("Ali, a shepherd") by the items coordinated with it.
        if listed.dep_ == "appos" and listed.conjuncts and not _is_partitive(listed):
            out += [listed, *listed.conjuncts]
    return out


def _is_partitive(noun: Token) -> bool:
    """ "79 people, 50 of them children": some of the people just counted, not more. The
    "of them" may hang on the noun or on its number ("18 of them women and children")."""
    counted = [noun, *(c for c in noun.children if c.dep_ == "nummod")]
    return any(
        g.lower_ in _PARTITIVE_PRONOUNS
        for n in counted
        for p in n.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for g in p.children
    )


def _objects_hung_on_verb(victim: Token) -> list[Token]:
    """ "killed a priest and his driver", "a chief and two of his sons": a second object the
    parser coordinated with the verb instead of with the first object, a noun or number after
    it with no verb of its own."""
    if victim.dep_ != "dobj":
        return []
    return [
        c
        for c in victim.head.children
        if c.dep_ == "conj"
        and c.i > victim.i
        and c.pos_ in ("NOUN", "PROPN", "NUM")
        and not _has_own_casualty_word(c)
    ]


def _has_own_casualty_word(noun: Token) -> bool:
    return any(c.dep_ in ("amod", "acl") and _role(c) is not None for c in noun.children)


def _lives_lost(life: Token) -> bool:
    """ "lost their lives", "claimed 23 lives", "took the lives of seven": lives lost, not
    saved or sentenced ("life imprisonment")."""
    if life.dep_ == "pobj" and life.head.lower_ == "of":
        return life.head.head.lemma_ == _LOSS  # "with the loss of five lives"
    return life.dep_ in ("dobj", "nsubjpass") and life.head.lemma_ in _LIFE_VERBS


def _victims(pred: Token, pos: str) -> list[Token]:
    """Who a casualty word says was hit, per how that word names its victims."""
    if pos == LIFE:
        if pred.head.lemma_ == _LOSE:
            return [v for c in pred.head.children if c.dep_ == "nsubj" for v in _expand(c)]
        counted = _of_whom(pred) or _whose(pred)
        return [counted] if counted is not None else [pred]
    named = _named_as_dead(pred)
    if named is not None:
        return [v for c in named.children if c.dep_ in ("dobj", "attr") for v in _expand(c)]
    among = _among_the_dead(pred)
    if among is not None:
        if _victim_count(among) is not None:
            return [among]  # "a journalist was among the 26 dead": the whole toll
        # "Twenty soldiers were among the dead", "two women were among those killed": the
        # clause's subject is counted (ACLED's lower bound when the whole toll is not given).
        return [v for c in among.head.head.children if c.dep_ == "nsubj" for v in _expand(c)]
    if pos == "noun":
        if is_tally(pred):
            return _toll_numbers(pred)
        counted = _of_whom(pred)
        if counted is not None:
            return [counted]
        listed = _listed_number(pred)
        if listed is not None and listed.dep_ == "nummod" and listed.head.pos_ == "NOUN":
            return _expand(listed.head)  # "Fatalities: 17 soldiers and 8 militants"
        if listed is not None:
            return [listed]
        if pred.dep_ == "compound" and pred.head.lemma_ == TOLL:
            return []
        return [pred]
    modifier = pred.dep_ in ("amod", "acl") and pred.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON")
    if modifier and not any(c.dep_ == "dobj" for c in pred.children):
        # "the 12 people killed": the noun the participle modifies; one with an object of
        # its own ("a strike on a hotel in X killed 12 people", misattached) is a verb.
        return _state_of_list(pred, _phrase_head(pred.head)) or _expand(_phrase_head(pred.head))
    if pred.dep_ in _REPORTED_DEPS and pred.head.lemma_ in _REPORTING_VERBS:
        # "49 soldiers were reported killed": the victims are the reporting verb's subject.
        pred = pred.head
    stative = stative_passive_subject(pred)
    if stative is not None:
        return _expand(stative)
    deps = [c for c in pred.children if c.dep_ in _VICTIM_DEPS]
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in pred.children)
    # "Seven people died ..., among them two children": who died is the subject of a verb of
    # dying, whatever else the parser made its object.
    active = ("nsubj", "dobj") if pred.lemma_ in _DYING else ("dobj", "nsubj")
    for dep in ("nsubjpass",) if passive else active:
        found = [c for c in deps if c.dep_ == dep]
        dying = pred.lemma_ in _DYING or is_absolute(pred)
        if dep == "nsubj" and not dying and pos == "verb":
            continue
        if found:
            return _expand(found[0]) + _likewise(pred)
    ranged = _range_object(pred)
    if ranged is not None:
        return [ranged]
    if pos == "adj":
        return _adjective_victims(pred)
    if pred.dep_ == "conj" and not deps and (pred.lemma_ in _DYING or _shares_passive(pred)):
        return _borrowed_subjects(pred)
    if pred.dep_ == "conj" and not deps:
        return _victims(pred.head, pos) if _is_shared_subject(pred) else _number_before(pred)
    return _number_before(pred)


def _is_claimed(pred: Token) -> bool:
    """ "claimed to have killed 30", "claimed it had killed 30": a count under a verb of
    claiming."""
    verb = pred
    for _ in range(CLAIM_LEVELS):
        if verb.dep_ not in ("xcomp", "ccomp") or verb.head.i == verb.i:
            return False
        verb = verb.head
        if verb.lemma_.lower() in context_words().claim:
            return True
    return False


def _likewise(pred: Token) -> list[Token]:
    """ "Two soldiers were killed, as were three attackers": the subject of an elliptical "as
    were" clause shares the casualty."""
    return [
        v
        for clause in pred.children
        if clause.dep_ == "advcl"
        and clause.lemma_ == "be"
        and any(m.dep_ == "mark" and m.lower_ == "as" for m in clause.children)
        for s in clause.children
        if s.dep_ == "nsubj"
        for v in _expand(s)
    ]


def _the_dead(pred: Token) -> Token:
    """ "those killed" stands where "the dead" does: the phrase naming the dead."""
    return pred.head if pred.dep_ == "acl" and pred.head.lower_ == "those" else pred


def _among_the_dead(pred: Token) -> Token | None:
    """ "were among the dead", "among those killed": the dead some are said to be among."""
    among = _the_dead(pred)
    if among.dep_ == "pobj" and among.head.lower_ == "among" and among.head.head.pos_ in _VERBS:
        return among
    return None


def _named_as_dead(pred: Token) -> Token | None:
    """ "The dead included 12 soldiers", "those killed were two guards": the verb whose
    objects name the dead."""
    subject = _the_dead(pred)
    if subject.dep_ == "nsubj" and subject.head.lemma_ in _NAMING_VERBS:
        return subject.head
    return None


def _is_part_of_toll(pred: Token, victim: Token) -> bool:
    """ "a child was among the dead", "the dead included a child": some of the dead, whom a
    toll beside them includes."""
    among = _among_the_dead(pred)
    named = _named_as_dead(pred)
    return (among is not None and victim.i != among.i) or (
        named is not None and named.lemma_ == _INCLUDE
    )


def _state_of_list(adj: Token, noun: Token) -> list[Token]:
    """ "left three soldiers and six militants dead": a state written after a list, which
    the parser hangs on the last item, is the state of every item without one of its own."""
    if adj.dep_ != "amod" or adj.i < noun.i or noun.dep_ != "conj":
        return []
    first = noun
    while first.dep_ == "conj":
        first = first.head
    return [n for n in (first, *first.conjuncts) if n.i == noun.i or not _has_own_casualty_word(n)]


def _range_object(verb: Token) -> Token | None:
    """ "killed between 50 and 79 people": an object the parser read as a "between" phrase."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "between":
            for obj in prep.children:
                if obj.dep_ == "pobj" and any(_is_range(c) for c in obj.children):
                    return obj
    return None


def _is_range(number: Token) -> bool:
    return _is_number_word(number) and any(_is_number_word(c) for c in number.conjuncts)


def _borrowed_subjects(verb: Token) -> list[Token]:
    """ "was run over by a truck and died", "was abducted and later found dead": a second verb
    with no subject of its own speaks of the first verb's."""
    return [v for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass") for v in _expand(c)]


def _phrase_head(noun: Token) -> Token:
    """ "shot dead social leader Luis Medellin": the head of the phrase a word modifies inside,
    which holds the phrase's number or name."""
    while noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head
    return noun


def _of_whom(noun: Token) -> Token | None:
    """ "the bodies of four soldiers": the people the casualty noun is of, when counted."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj" and _victim_count(obj) is not None:
                    return obj
    return None


def _whose(noun: Token) -> Token | None:
    """ "claimed six soldiers' lives": the counted people a casualty noun belongs to."""
    owners = [c for c in noun.children if c.dep_ == "poss" and _victim_count(c) is not None]
    return owners[0] if owners else None


def _listed_number(noun: Token) -> Token | None:
    """ "Fatalities: 4", the closing line of an event report."""
    doc = noun.doc
    if noun.i + 2 < len(doc) and doc[noun.i + 1].text == ":" and _is_number_word(doc[noun.i + 2]):
        return doc[noun.i + 2]
    return None


def _shares_passive(pred: Token) -> bool:
    """ "were caught in crossfire and killed": a bare participle joined to a passive verb is
    passive too, and its victims are that verb's subject."""
    return (
        pred.tag_ == "VBN"
        and not any(c.dep_ in ("aux", "auxpass") for c in pred.children)
        and any(c.dep_ == "nsubjpass" for c in pred.head.children)
    )


def _is_shared_subject(pred: Token) -> bool:
    """ "were killed and wounded": the second verb shares the first's victims."""
    return pred.i == pred.head.i + 2 and pred.doc[pred.i - 1].lower_ in ("and", "or")


def _adjective_victims(adj: Token) -> list[Token]:
    """ "13 dead", "were found dead", "left three wounded"."""
    if any(_is_number_word(c) for c in adj.children if c.dep_ in ("nummod", "quantmod")):
        return [adj]
    before = adj.doc[adj.i - 1] if adj.i > 0 else None
    if before is not None and _is_number_word(before) and before.dep_ in ("pobj", "dobj"):
        return [before]  # "spoke of ten dead": the number is the people the state is of
    verb = adj.head
    for dep in ("dobj", "nsubjpass", "nsubj"):
        for child in verb.children:
            if child.dep_ == dep and child.i != adj.i:
                return _expand(child)
    if verb.dep_ == "conj":
        return _borrowed_subjects(verb)
    return _number_before(adj)


def _number_before(pred: Token) -> list[Token]:
    """ "three wounded" parsed loosely: the number right before the casualty word."""
    if pred.i > 0 and _is_number_word(pred.doc[pred.i - 1]):
        return [pred.doc[pred.i - 1]]
    return _object_taken_by_speaker(pred)


def _object_taken_by_speaker(pred: Token) -> list[Token]:
    """ "An air strike killed at least 18 people, including ..., the agency said": a reported
    verb whose object the parser made a second subject of the reporting verb."""
    reporter = pred.head
    if pred.dep_ != "ccomp" or reporter.lemma_.lower() not in context_words().speech:
        return []
    subjects = [c for c in reporter.children if c.dep_ == "nsubj" and c.i > pred.i]
    if len(subjects) < 2 or _victim_count(subjects[0]) is None:
        return []
    return _expand(subjects[0])


def _toll_numbers(toll: Token) -> list[Token]:
    """ "the death toll rose to 13", "the toll is 13", "a toll of 13"."""
    verb = toll.head if toll.dep_ in ("nsubj", "nsubjpass", "dobj") else toll
    for child in verb.children:
        # "the toll is 13", "the toll had reached 79"
        if child.dep_ in ("attr", "dobj") and _is_number_word(child):
            return [child]
    # "rose to 13", "stands at 13", "a toll of 13"; "rose from 58 to 89" takes the later one.
    found = [
        obj
        for prep in verb.subtree
        if prep.dep_ == "prep" and prep.lower_ in ("to", "at", "of", _CHANGE_OPENER)
        for obj in prep.children
        if obj.dep_ == "pobj" and _is_number_word(obj) and _is_toll_end(obj)
    ]
    return found[-1:]


def _is_toll_end(number: Token) -> bool:
    """ "rose to 79", not "rose from 50": a number after "from" is the toll only where the
    parser took "from 50 to 79" for one phrase, whose head is the later figure."""
    prep = number.head
    return prep.lower_ != _CHANGE_OPENER or (
        number.i > 0 and number.doc[number.i - 1].lower_ == "to"
    )


def _is_topic(noun: Token) -> bool:
    """ "protested against the death of Mahsa Amini", "an inquiry into the killing": a death
    that is what people speak or protest about, not a toll of the event; so is the object of
    a verb of protest ("boycotted classes to protest the killing of a colleague")."""
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _PROTESTING_VERBS:
        return True
    return noun.dep_ == "pobj" and noun.head.lower_ in _TOPIC_PREPOSITIONS


def _is_superseded(noun: Token) -> bool:
    """ "up from an earlier toll of 43", "the initial death toll": a figure the sentence's
    newer one replaces."""
    if noun.pos_ != "NOUN":
        return False
    earlier = any(c.dep_ == "amod" and c.lemma_ in _EARLIER for c in noun.children)
    return earlier or (noun.dep_ == "pobj" and noun.head.lower_ == _CHANGE_OPENER)


def _is_period_toll(noun: Token) -> bool:
    """ "bringing the week's toll to 30", "the toll since the start of the war": a tally of a
    period, not the toll of one event."""
    toll = noun if is_tally(noun) else noun.head
    if not is_tally(toll):
        return False
    # "bringing the toll since ... to": the toll's phrases may hang on its verb, and those of
    # "the number of people killed since" on what it counts.
    phrases = [*toll.children, *(toll.head.children if toll.dep_ == "dobj" else ())]
    phrases += [
        phrase
        for p in toll.children
        if p.lower_ == "of"
        for counted in p.children
        for clause in counted.children
        if clause.dep_ == "acl"
        for phrase in clause.children
    ]
    # "the week's toll": a toll owned by a period counts many events.
    return any((c.dep_ == "poss" and c.lemma_ in PERIOD_NOUNS) or _since(c) for c in phrases)


def _since(phrase: Token) -> bool:
    """ "since the start of the war", "since the offensive began"."""
    if phrase.dep_ == "prep":
        return phrase.lower_ == "since"
    return phrase.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ == "since" for c in phrase.children
    )


def _of_another_event(pred: Token) -> bool:
    """ "12 soldiers died in a similar ambush on Monday", "a week after a similar attack killed
    20": deaths the sentence gives for an event it compares with its own."""
    clause = pred if pred.pos_ in _VERBS else pred.head
    nouns = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    nouns += [
        g for c in clause.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"
    ]
    return any(
        c.dep_ == "amod" and c.lemma_ in _OTHER_EVENT_WORDS for n in nouns for c in n.children
    )


def _people_lost(verb: Token) -> bool:
    """ "lost two soldiers", "lost five of their fighters": the people a side lost died."""
    if verb.lemma_ != _LOSE:
        return False
    people = person_words()
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        named = [g for p in obj.children if p.lower_ == "of" for g in p.children] or [obj]
        if any(n.lemma_.lower() in people or n.lower_ in people for n in named):
            return True
    return False


def _blew_self_up(verb: Token) -> bool:
    """ "a suicide bomber blew himself up": the bomber died, and ACLED counts attackers."""
    return _phrasal_lemma(verb) == "blow up" and any(
        c.dep_ == "dobj" and c.lower_ in _SELF_PRONOUNS for c in verb.children
    )


def _fatally(token: Token) -> bool:
    """ "was fatally shot", "mortally wounded": an act said to have killed."""
    return any(c.dep_ == "advmod" and c.lower_ in _FATALLY for c in token.children)


def _to_death(token: Token) -> bool:
    """ "beat him to death", "were burned to death": any act done to death kills."""
    return any(
        c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ == "death" for g in c.children)
        for c in token.children
    )


def _phrasal_lemma(verb: Token) -> str:
    """ "gunned down" -> "gun down", "burned them alive" -> "burn alive": a verb with its
    particle or its object's state, which may mean another act."""
    particles = [
        c.lower_
        for c in verb.children
        if c.dep_ in ("prt", "oprd") or (c.i == verb.i + 1 and c.lower_ in _ADVERB_PARTICLES)
    ]
    return f"{verb.lemma_} {particles[0]}" if particles else verb.lemma_


def _numbers_the_dead(noun: Token) -> bool:
    """ "the number of people killed in the bombing has risen to 27", "the number of dead",
    "the number of fatalities reached nine": a toll by another name."""
    if noun.lemma_ != _NUMBER:
        return False
    casualty = context_words().casualty
    for counted in (g for p in noun.children if p.lower_ == "of" for g in p.children):
        if counted.lemma_ in casualty or counted.lower_ in casualty:
            return True
        if _casualty_words().get(counted.lemma_) == ("noun", KILL):
            return True  # "fatalities", "deaths"
        if any(c.dep_ in ("acl", "amod") and c.lemma_ in casualty for c in counted.children):
            return True
    return False


def is_tally(noun: Token) -> bool:
    """A toll: the whole count of an event's dead, which replaces its other counts."""
    return noun.lemma_ == TOLL or _numbers_the_dead(noun)


def _role(token: Token) -> tuple[str, str] | None:
    words = _casualty_words()
    if token.pos_ == "VERB" and (_to_death(token) or _fatally(token)):
        return "verb", KILL
    if token.pos_ == "VERB" and (_people_lost(token) or _blew_self_up(token)):
        return "verb", KILL
    if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod",):
        found = words.get(_phrasal_lemma(token)) or words.get(token.lemma_)
        return found if found and found[0] == "verb" else None
    if token.pos_ in ("ADJ", "VERB"):
        found = words.get(token.lower_)
        return found if found and found[0] == "adj" else None
    if token.pos_ == "NOUN" and (_none_of(token) or _numbers_the_dead(token)):
        return "noun", KILL
    if token.pos_ == "NOUN":
        found = words.get(token.lemma_)
        if found and found[0] == LIFE:
            return found if _lives_lost(token) else None
        if found and found[0] == "noun":
            return found
        found = words.get(token.lower_)
        return ("noun", found[1]) if found and found[0] == "adj" else None
    return None


def _counting_role(pred: Token) -> tuple[str, str] | None:
    """The role of a casualty word whose victims are counted: not a running tally, nor a death
    spoken or protested about, nor a toll a newer one replaces."""
    role = _role(pred)
    if role is None or is_cumulative(pred) or _is_topic(pred) or _is_superseded(pred):
        return None
    if _is_period_toll(pred) or _of_another_event(pred):
        return None
    return role


def may_count(sent: Span) -> bool:
    """Whether a parsed sentence has a casualty word whose victims are counted. Neither that
    word nor its role depends on named entities: a sentence without one states no casualties
    whatever the entity recogniser finds, so the engine need not run it there."""
    return any(_counting_role(pred) is not None for pred in sent)


def _counts(sent: Span) -> dict[str, list[_Count]]:
    out: dict[str, list[_Count]] = {KILL: [], INJURE: []}
    used: set[int] = set()
    for pred in sent:
        role = _counting_role(pred)
        if role is None:
            continue
        pos, kind = role
        for victim in _victims(pred, pos):
            counted = _victim_count(victim)
            if counted is None:
                continue
            value, run = counted
            ids = frozenset(t.i for t in run)
            if ids & used:
                continue
            used |= ids
            # Who the dead were is part of the phrase: the side that lost them ("Government
            # forces lost 29 men"), the group they were counted from ("25 of the attackers").
            losers = [c for c in pred.children if c.dep_ == "nsubj"] if _people_lost(pred) else []
            groups = [c for c in victim.children if c.dep_ == "prep" and c.lower_ == "of"]
            named = [t for c in [*losers, *groups] for t in c.subtree]
            tokens = [*run, victim, pred, *named]
            phrase = (min(t.i for t in tokens), max(t.i for t in tokens) + 1)
            out[kind].append(
                _Count(
                    value,
                    ids,
                    phrase,
                    is_tally(pred),
                    is_bomber=_blew_self_up(pred),
                    is_part=_is_part_of_toll(pred, victim),
                    is_claimed=_is_claimed(pred),
                )
            )
    return out


def _sum_of_counts(values: list[int]) -> int | None:
    """The counts of one sentence, in text order, added up, unless the first is the total the
    others break down ("killed 18 people: 11 in Gorgadji and seven in Ouro"), which then
    stands alone ("a husband, his wife and their two children" adds up to four)."""
    if not values:
        return None
    total, parts = values[0], values[1:]
    if len(parts) >= MIN_BREAKDOWN_COUNTS - 1 and sum(parts) == total:
        return total
    return sum(values)


def count_casualties(sent: Span) -> Casualties:
    """Killed and injured counts stated in a parsed sentence, with the phrase they came from."""
    counts = _counts(sent)
    phrases = []
    totals: dict[str, int | None] = {}
    for kind in (KILL, INJURE):
        found = [c for c in counts[kind] if not c.is_bomber] or counts[kind]
        found = [c for c in found if not c.is_part] or found
        found = [c for c in found if not c.is_claimed] or found
        tolls = [c.value for c in found if c.is_toll]
        ordered = sorted(found, key=lambda c: min(c.number_ids))
        totals[kind] = max(tolls) if tolls else _sum_of_counts([c.value for c in ordered])
        if found:
            start = min(c.phrase[0] for c in found)
            end = max(c.phrase[1] for c in found)
            phrases.append(sent.doc[start:end].text)
    return Casualties(
        fatalities=totals[KILL],
        injured=totals[INJURE],
        text="; ".join(phrases) if phrases else None,
    )
