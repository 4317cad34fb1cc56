"""Optional PETRARCH2 verb patterns (``CAMEO.2.0.txt``, TABARI format) as extra triggers.

Read only from the folder a user configures (``EVENTWIRE_DICTIONARIES``); nothing of the file
is copied into the project. The built-in lexicon (``data/triggers.tsv``) always comes first:
these entries add verbs and verb-object patterns it lacks, never override it.

What is read of the format (``PETRreader.read_verb_dictionary`` documents all of it):

* a block header ``---  KILL   [190]  ---`` opens a verb class with its default code
  (``[---]``: no code unless a line below gives one);
* synonym lines ``SLAY {SLAYS SLAIN}`` or ``+SHOOT_DOWN`` (a verb and its particle), each with
  an optional ``[code]`` of its own; the ``{...}`` forms are left to the parse's lemmas; a
  bare verb is taken only in the classes of protest and force (``BARE_VERB_ROOTS``);
* pattern lines ``- * HOUSES [1712]``: the verb with that single-word object or particle.
  Patterns coded ``[---]`` ("killed himself") become entries that code nothing, so that they
  silence the bare verb. Patterns with actor slots, synsets or several words are skipped.
Codes PLOVER does not code (public statements, 01) are skipped.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from eventwire.extract import cameo
from eventwire.extract.lexicon import NOUN, VERB, Lexicon, Trigger

VERB_FILE = "CAMEO.2.0.txt"
# Words a pattern's single slot word may be that make it a phrasal verb, not an object.
PARTICLES = frozenset({"up", "down", "out", "off", "in", "on", "away", "back", "over"})
NO_CODE = "---"
UNCODED_ROOT = "01"
# Roots whose verbs code on their own; a bare verb of another class ("hold", "call", "make")
# codes only through its object and particle patterns, as it is too common alone (measured:
# taking every bare verb cost 0.07 PLOVER micro-F1 and five no-event sentences on make eval).
BARE_VERB_ROOTS = ("14", "15", "16", "17", "18", "19", "20")

_HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")
_CODE = re.compile(r"\[([^\]]*)\]")
_FORMS = re.compile(r"\{[^}]*\}")
_PLAIN = re.compile(r"^[A-Z]+$")


def _code(line: str, default: str | None) -> str | None:
    found = _CODE.search(line)
    code = found.group(1).strip() if found else default
    return None if code in (None, "", NO_CODE) else code


def _usable(code: str | None) -> bool:
    return code is None or (
        code.isdigit() and not code.startswith(UNCODED_ROOT) and cameo.to_plover(code) is not None
    )


def _object_lemma(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _synonym(line: str) -> tuple[list[str], str] | None:
    """The words of a synonym line ("+SHOOT_DOWN" -> shoot, down) and the line without its
    comment and forms, or None for a line that is no single verb or phrasal verb."""
    head = _FORMS.sub("", line.split("#", 1)[0]).strip()
    words = _CODE.sub("", head).split()
    if len(words) != 1:
        return None
    parts = words[0].lstrip("+").lower().split("_")
    if not all(p.isalpha() for p in parts):
        return None
    if len(parts) == 1 or (len(parts) == 2 and parts[1] in PARTICLES):
        return parts, head
    return None


def _bare(parts: list[str], head: str, default: str | None) -> Trigger | None:
    """The verb's own trigger, where it codes on its own."""
    code = _code(head, default)
    if code is None or not _usable(code):
        return None
    if len(parts) == 2:
        pattern = f"petrarch:{parts[0]} {parts[1]}"
        return Trigger(pattern, VERB, parts[0], code, None, None, particle=parts[1])
    if not code.startswith(BARE_VERB_ROOTS):
        return None
    return Trigger(f"petrarch:{parts[0]}", VERB, parts[0], code, None, None)


def _patterns(line: str, default: str | None, verbs: list[str]) -> list[Trigger]:
    body = _CODE.sub("", line.split("#", 1)[0].lstrip("-")).split()
    if len(body) != 2 or body[0] != "*" or not _PLAIN.match(body[1]):
        return []
    code = _code(line, default) if _CODE.search(line.split("#", 1)[0]) else default
    if not _usable(code):
        return []
    slot = body[1].lower()
    out = []
    for verb in verbs:
        if slot in PARTICLES:
            pattern = f"petrarch:{verb} {slot}"
            out.append(Trigger(pattern, VERB, verb, code, None, None, particle=slot))
        else:
            obj = _object_lemma(slot)
            pattern = f"petrarch:{verb} +{obj}"
            out.append(Trigger(pattern, VERB, verb, code, None, None, obj=obj))
    return out


@functools.cache
def load(folder: Path) -> tuple[Trigger, ...]:
    """Triggers from ``folder/CAMEO.2.0.txt``; none when the file is absent."""
    path = folder / VERB_FILE
    if not path.is_file():
        return ()
    triggers: list[Trigger] = []
    default: str | None = None
    verbs: list[str] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            default, verbs = _code(line, None), []
            continue
        if line.startswith("-"):
            triggers.extend(_patterns(line, default, verbs))
            continue
        synonym = _synonym(line)
        if synonym is None:
            continue
        parts, head = synonym
        verbs.append(parts[0])
        bare = _bare(parts, head, default)
        if bare is not None:
            triggers.append(bare)
    return tuple(t for t in triggers if t.pos in (VERB, NOUN))


@functools.cache
def extended_lexicon(folder: Path) -> Lexicon:
    """The built-in lexicon with the folder's verb patterns after it (built-in entries win
    among equally specific patterns of one verb)."""
    return Lexicon([*Lexicon.load().triggers, *load(folder)])
