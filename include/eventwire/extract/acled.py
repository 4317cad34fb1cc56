"""PLOVER/CAMEO coding to ACLED event type and sub-event type.

ACLED codes only violence, protest and strategic developments
(``schema.ACLED_CODED_PLOVER_TYPES``); every other event gets no ACLED type. The rules follow
ACLED's codebook definitions, per mention, from its CAMEO code, the actor's and target's
sectors and the cue words of the event's sentences (``data/acled_cues.tsv``):

* the weapon decides among the explosions/remote violence sub-types (a grenade, an IED, shells,
  an air strike, a suicide attacker, a chemical weapon), wherever in the event's sentences it
  is named;
* one-sided violence against unarmed people is an Attack (violence against civilians), fighting
  between armed forces an Armed clash;
* a demonstration is peaceful, met with intervention (dispersed, arrested, gassed), or met with
  excessive (deadly) force; demonstrators who turn violent riot, and a crowd acting on its own
  is mob violence;
* who takes territory decides between a government regaining it and a non-state actor
  overtaking it; armed forces leaving ground without a fight transfer it non-violently.
A lexicon entry may name its sub-event outright (a ceasefire is an "Agreement"), and some acts
fix it whatever the cues say (looting, arrests, suicide bombings: ``data/acled_by_code.tsv``).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from eventwire import schema
from eventwire.errors import DataFileError
from eventwire.extract.cameo import plover_table

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CUES_FILE = DATA_DIR / "acled_cues.tsv"
BY_CODE_FILE = DATA_DIR / "acled_by_code.tsv"

STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
NON_STATE_SECTORS = frozenset({"REB", "INS", "SEP", "UAF", "IMG", "CRM"})
CIVILIAN_SECTORS = frozenset({"CVL", "REF", "EDU", "MED", "HLH", "BUS", "REL", "LAB", "AGR"})
PROTESTER_SECTORS = frozenset({"OPP"})
# Forces that police a demonstration: their violence where one is under way is repression.
FORCE_SECTORS = frozenset({"MIL", "COP", "SPY"})
# Targets that are people, not ground: seizing them is an arrest or an abduction.
PEOPLE_SECTORS = CIVILIAN_SECTORS | frozenset({"NGO", "HRI", "IGO", "GOV", "JUD", "LEG", "PTY"})
_ABDUCTION = "Abduction/forced disappearance"
_TERRITORY_SUBS = frozenset({"Government regains territory", "Non-state actor overtakes territory"})
# Forces that can fight back: violence between two of them is a battle.
ARMED_SECTORS = frozenset({"MIL", "COP", "SPY", "REB", "INS", "SEP", "UAF", "IMG"})

# Weapon cues, strongest first: where several are named, the first decides.
WEAPON_CUES = ("chemical", "suicide", "air", "shelling", "grenade", "explosive")
_WEAPON_SUB_EVENTS = {
    "chemical": "Chemical weapon",
    "suicide": "Suicide bomb",
    "air": "Air/drone strike",
    "shelling": "Shelling/artillery/missile attack",
    "grenade": "Grenade",
    "explosive": "Remote explosive/landmine/IED",
}

_EVENT_TYPE_OF = {
    sub: event for event, subs in schema.ACLED_SUB_EVENT_TYPES.items() for sub in subs
}

# Acts whose sub-event type holds whoever commits them and wherever.
_BY_ACT = {
    "181": "Abduction/forced disappearance",
    "184": "Abduction/forced disappearance",
    "1821": "Sexual violence",
}
# Remote-violence codes: the weapon they name when the sentences name no other.
_REMOTE_DEFAULTS = {
    "183": "Remote explosive/landmine/IED",
    "194": "Shelling/artillery/missile attack",
    "195": "Air/drone strike",
}
# Acts of small arms: a weapon named nearby belongs to another act of the same attack.
_SMALL_ARMS = "193"
# Acts that are one-sided by nature (torture, executions, assassinations, massacres).
_ONE_SIDED = ("182", "186", "20")
_VIOLENT_ROOTS = ("18", "19", "20")
_DESTRUCTION = ("1711", "1712")
_WITHDRAWAL = ("0872", "0874")
_DEPLOYMENT = "154"
# Signing or reaching a formal agreement (CAMEO 057): an Agreement when armed forces make it.
_FORMAL_AGREEMENT = "057"
_REPRESSION = "175"
_RIOT = "145"
# Force a crowd may use: an attack, a clash ("clashes broke out during the demonstration").
_CROWD_FORCE = frozenset({"190", "193"})
_PROTEST_ROOT = "14"
_BLOCKADE = "144"
_TERRITORY = "192"
_ARREST = "173"
# Blockades and occupation are CAMEO 19x but coercion, not the use of force.
_RESTRICTION = ("191", "192")
_WORDS = re.compile(r"[a-z]+")


class AcledTableError(DataFileError):
    """A row of an ACLED coding table that cannot be read; carries the file and line number."""


@dataclass(frozen=True)
class AcledType:
    event_type: str | None
    sub_event_type: str | None


NONE = AcledType(None, None)
# The lexicon's ACLED column for an act ACLED does not code ("sentenced", "charged").
NOT_CODED = "none"
# Verbs of saying: the word before one names a source ("Residents said").
_SAYING = frozenset({"said", "say", "says", "told", "tell", "reported", "recalled", "added"})
_PEOPLE_CUES = frozenset({"civilian", "mob"})
# Words after which a participle is an adjective ("the arrested men", "release of detained").
_ADJECTIVE_OPENERS = frozenset({"the", "of", "for", "their", "its", "his", "her"})


def _typed(sub: str | None) -> AcledType:
    return AcledType(_EVENT_TYPE_OF[sub], sub) if sub else NONE


@functools.cache
def _cue_table(path: Path = CUES_FILE) -> dict[str, frozenset[str]]:
    """Word or phrase -> its cues (a word may carry two: "villagers" are civilians, and a
    crowd when they act)."""
    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, cue = line.split("\t")
        out.setdefault(word.strip(), set()).add(cue.strip())
    return {word: frozenset(cues) for word, cues in out.items()}


@functools.cache
def _by_code(path: Path = BY_CODE_FILE) -> dict[str, str]:
    """CAMEO code -> the sub-event type its act has whatever the cues (longest code wins)."""
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != 2:
            raise AcledTableError(path, number, "expected CAMEO code<TAB>sub-event type")
        code, sub = fields
        if code not in plover_table():
            raise AcledTableError(path, number, f"unknown CAMEO code {code!r}")
        if sub not in _EVENT_TYPE_OF:
            raise AcledTableError(path, number, f"unknown ACLED sub-event type {sub!r}")
        if code in out:
            raise AcledTableError(path, number, f"CAMEO code {code} listed twice")
        out[code] = sub
    return out


def cues_in(text: str) -> frozenset[str]:
    """The cues named in a text, by single words and two-word phrases. People who only speak
    ("Residents said", "villagers told reporters") are sources: a word right before a verb
    of saying names no victims and no crowd (protesters who speak still protest), and a
    participle after an article or "of" describes people, it tells no intervention."""
    table = _cue_table()
    words = _WORDS.findall(text.lower())
    found = {cue for key in map(" ".join, itertools.pairwise(words)) for cue in table.get(key, ())}
    for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        cues = table.get(word, frozenset())
        if after in _SAYING:
            cues -= _PEOPLE_CUES
        if before in _ADJECTIVE_OPENERS:
            cues -= {"intervention"}  # "the release of detained activists": no arrest here
        found |= cues
    return frozenset(found)


def _longest(code: str, table: dict[str, str]) -> str | None:
    for size in range(len(code), 1, -1):
        if code[:size] in table:
            return table[code[:size]]
    return None


def acled_type(
    plover_type: str,
    cameo: str,
    actor_sector: str | None,
    recipient_sector: str | None,
    override: str | None = None,
    cues: frozenset[str] = frozenset(),
    lethal: bool = False,
) -> AcledType:
    """ACLED (event type, sub-event type) of one event; both None where ACLED would not code it.

    ``cues`` are the cue words of the event's sentences (:func:`cues_in`), ``lethal`` whether
    the event killed anyone.
    """
    if plover_type not in schema.ACLED_CODED_PLOVER_TYPES or override == NOT_CODED:
        return NONE
    if cameo.startswith(_PROTEST_ROOT):
        if actor_sector in ARMED_SECTORS and "protest" not in cues:
            return _typed("Other")  # armed men blocking a road are no demonstration
        return _demonstration(cameo, override, cues, lethal, recipient_sector)
    violent = (
        cameo.startswith(_VIOLENT_ROOTS) and not cameo.startswith(_RESTRICTION)
    ) or cameo.startswith(_DESTRUCTION)
    by_act = _longest(cameo, _BY_ACT)
    if by_act:
        return _typed(by_act)  # sexual violence and abduction, whoever commits them
    if cameo.startswith(_ARREST) and "protest" in cues:
        return _typed("Protest with intervention")  # ACLED codes the protest, not the arrests
    on_protest = (
        violent
        and actor_sector not in PROTESTER_SECTORS
        and (
            (actor_sector in FORCE_SECTORS and "protest" in cues)
            or recipient_sector in PROTESTER_SECTORS
        )
    )
    if cameo.startswith(_REPRESSION) or on_protest:
        return _repression(recipient_sector, cues, lethal)
    if violent and (
        actor_sector in PROTESTER_SECTORS or _destroyed_in_protest(cameo, actor_sector, cues)
    ):
        mob = _is_mob(cameo, cues, recipient_sector)
        return _typed("Mob violence" if mob else "Violent demonstration")
    if violent and actor_sector in CIVILIAN_SECTORS and "mob" in cues:
        mob = _is_mob(cameo, cues, recipient_sector)
        return _typed("Mob violence" if mob else "Violent demonstration")
    if cameo.startswith(_TERRITORY) and recipient_sector in PEOPLE_SECTORS:
        return _typed("Arrests" if actor_sector in STATE_SECTORS else _ABDUCTION)
    if cameo.startswith(_TERRITORY) and "unopposed" in cues:
        return _typed("Non-violent transfer of territory")
    if override or cameo.startswith(_TERRITORY):
        return _territory(cameo, actor_sector, override)
    by_code = _longest(cameo, _by_code())
    if by_code:
        return _typed(by_code)
    if violent:
        return _violence(cameo, recipient_sector, cues)
    return _strategic(cameo, actor_sector)


def _destroyed_in_protest(cameo: str, actor_sector: str | None, cues: frozenset[str]) -> bool:
    """Property set on fire where a demonstration is under way, by no known armed force; a
    police station attacked or clashes breaking out during it, by nobody named."""
    if "protest" not in cues:
        return False
    if cameo.startswith(_DESTRUCTION):
        return actor_sector not in ARMED_SECTORS | STATE_SECTORS
    return cameo in _CROWD_FORCE and actor_sector is None


def _is_mob(cameo: str, cues: frozenset[str], recipient_sector: str | None) -> bool:
    """A crowd turning on people, not a demonstration: a mob names no protest, does not stop
    at blocking roads, and does not fight the police (angry residents stoning the police after
    a killing are rioting demonstrators)."""
    return (
        "mob" in cues
        and "protest" not in cues
        and not cameo.startswith(_BLOCKADE)
        and recipient_sector not in STATE_SECTORS
    )


def _demonstration(
    cameo: str,
    override: str | None,
    cues: frozenset[str],
    lethal: bool,
    recipient_sector: str | None = None,
) -> AcledType:
    if (
        cameo.startswith(_RIOT)
        or override in ("Violent demonstration", "Mob violence")
        or "riot" in cues
    ):
        # A crowd turning on someone is mob violence, unless it is a demonstration turning
        # violent ("youths threw stones during the demonstrations").
        if override == "Mob violence" or _is_mob(cameo, cues, recipient_sector):
            return _typed("Mob violence")
        return _typed(override or "Violent demonstration")
    if lethal or "lethal" in cues:
        return _typed("Excessive force against protesters")
    if "intervention" in cues:
        return _typed("Protest with intervention")
    return _typed("Peaceful protest")


def _repression(recipient_sector: str | None, cues: frozenset[str], lethal: bool) -> AcledType:
    """Force used on people: on a demonstration, or with the tear gas and batons of crowd
    control, it is intervention or excessive force; on unarmed people otherwise, an attack."""
    if "protest" not in cues and recipient_sector not in PROTESTER_SECTORS:
        if "chemical" in cues:
            return _typed("Chemical weapon")
        if recipient_sector in CIVILIAN_SECTORS and "intervention" not in cues:
            # Tear gas, batons and water cannon are used on a crowd that gathered.
            return _typed("Attack")
    if lethal or "lethal" in cues:
        return _typed("Excessive force against protesters")
    return _typed("Protest with intervention")


def _violence(cameo: str, recipient_sector: str | None, cues: frozenset[str]) -> AcledType:
    if not cameo.startswith(_SMALL_ARMS):
        weapon = next((c for c in WEAPON_CUES if c in cues), None)
        if weapon:
            return _typed(_WEAPON_SUB_EVENTS[weapon])
    remote = _longest(cameo, _REMOTE_DEFAULTS)
    if remote:
        return _typed(remote)
    if recipient_sector in ARMED_SECTORS:
        return _typed("Armed clash")
    unarmed = recipient_sector is not None or "civilian" in cues
    if unarmed or cameo.startswith(_ONE_SIDED):
        return _typed("Attack")
    return _typed("Armed clash")


def _strategic(cameo: str, actor_sector: str | None) -> AcledType:
    """Non-violent moves of armed forces: leaving ground, deploying (a government deploys its
    forces too), signing an agreement."""
    deploying = cameo.startswith(_DEPLOYMENT)
    if deploying and actor_sector in STATE_SECTORS:
        return _typed("Change to group/activity")
    if actor_sector not in ARMED_SECTORS:
        return NONE
    if cameo.startswith(_WITHDRAWAL):
        return _typed("Non-violent transfer of territory")
    if deploying:
        return _typed("Change to group/activity")
    if cameo.startswith(_FORMAL_AGREEMENT):
        return _typed("Agreement")
    return NONE


def _territory(cameo: str, actor_sector: str | None, override: str | None) -> AcledType:
    """Who takes ground decides the battle sub-type; an unknown taker keeps the lexicon's.
    A lexicon entry naming another sub-type ("seized power" is a coup: Other) keeps it."""
    if not cameo.startswith(_TERRITORY) or (override and override not in _TERRITORY_SUBS):
        return _typed(override)
    if actor_sector in NON_STATE_SECTORS:
        return _typed("Non-state actor overtakes territory")
    if actor_sector in STATE_SECTORS:
        return _typed("Government regains territory")
    return _typed(override or "Non-state actor overtakes territory")
