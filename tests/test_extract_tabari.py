"""PETRARCH2's TABARI-format verb patterns, read from a user-supplied folder.

The fixture below is written for this test in the file's format; nothing of the real
dictionary is copied. The real file is read when ../shared/dictionaries holds it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.extract import tabari
from eventwire.extract.lexicon import Lexicon

FIXTURE = """\
# a comment line
---  TORCH   [1712]  ---
TORCH  # set on fire
IGNITE [---]
- * CANDLES                      [---]   # a vigil, no event
- * BARRACKS                     [1712]
---  CHAT   [---]  ---
CHAT {CHATS CHATTED}
- * LEADERS                      [040]
---  SHELL   [194]  ---
+BLAST_AWAY [194]
- $ * + [194]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / tabari.VERB_FILE).write_text(FIXTURE, encoding="utf-8")
    return tmp_path


def test_reads_verbs_objects_particles_and_silencing_patterns(folder) -> None:
    found = {(t.lemma, t.obj, t.particle, t.cameo) for t in tabari.load(folder)}
    assert ("torch", None, None, "1712") in found
    assert ("torch", "candle", None, None) in found  # coded [---]: silences the bare verb
    assert ("torch", "barrack", None, "1712") in found
    assert ("chat", "leader", None, "040") in found
    assert ("blast", None, "away", "194") in found
    assert not any(t.lemma == "ignite" and t.obj is None for t in tabari.load(folder))
    assert not any(t.lemma == "chat" and t.obj is None for t in tabari.load(folder))
    assert not any(t.obj in {"+", "$"} for t in tabari.load(folder))


def test_missing_file_adds_nothing(tmp_path) -> None:
    assert tabari.load(tmp_path) == ()


def test_built_in_entries_win(folder) -> None:
    extended = tabari.extended_lexicon(folder)
    built_in = Lexicon.load()
    assert len(extended.triggers) == len(built_in.triggers) + len(tabari.load(folder))
    assert extended.triggers[: len(built_in.triggers)] == built_in.triggers


def test_engine_reads_them_when_configured(folder) -> None:
    from eventwire.extract.engine import Extractor

    extractor = Extractor(dataclasses.replace(Settings(), dictionaries=folder))
    assert any(t.pattern == "petrarch:torch" for t in extractor.lexicon.triggers)


def test_real_dictionary_loads(shared_dir) -> None:
    triggers = tabari.load(shared_dir / "dictionaries")
    assert len(triggers) > 1000
    assert all(t.cameo is None or not t.cameo.startswith("01") for t in triggers)
