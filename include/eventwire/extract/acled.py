"""PLOVER/CAMEO coding to ACLED event type and sub-event type.

ACLED codes only violence, protest and strategic developments
(``schema.ACLED_CODED_PLOVER_TYPES``); every other event gets no ACLED type. The rules follow
ACLED's codebook definitions: the weapon decides among remote-violence sub-types, the target
decides between battles and violence against civilians, and who takes territory decides
between a government regaining it and a non-state actor overtaking it. A lexicon entry may
name its sub-event outright (a ceasefire is an "Agreement") when the rules could not tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventwire import schema

STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
NON_STATE_SECTORS = frozenset({"REB", "INS", "SEP", "UAF", "IMG", "CRM"})
CIVILIAN_SECTORS = frozenset({"CVL", "REF", "EDU", "MED", "HLH", "BUS", "REL", "LAB", "AGR"})
PROTESTER_SECTORS = frozenset({"OPP"})

_EVENT_TYPE_OF = {
    sub: event for event, subs in schema.ACLED_SUB_EVENT_TYPES.items() for sub in subs
}

# CAMEO codes (longest prefix wins) whose weapon or act fixes the sub-event type.
_BY_CODE = {
    "2041": "Chemical weapon",
    "1831": "Suicide bomb",
    "1832": "Remote explosive/landmine/IED",
    "1833": "Remote explosive/landmine/IED",
    "183": "Remote explosive/landmine/IED",
    "195": "Air/drone strike",
    "194": "Shelling/artillery/missile attack",
    "181": "Abduction/forced disappearance",
    "184": "Abduction/forced disappearance",
    "1821": "Sexual violence",
    "1822": "Attack",
    "1823": "Attack",
    "182": "Attack",
    "185": "Attack",
    "186": "Attack",
    "20": "Attack",
    "1712": "Looting/property destruction",
    "1711": "Looting/property destruction",
    "173": "Arrests",
    "145": "Violent demonstration",
    "14": "Peaceful protest",
    "0871": "Agreement",
}


@dataclass(frozen=True)
class AcledType:
    event_type: str | None
    sub_event_type: str | None


NONE = AcledType(None, None)


def _typed(sub: str | None) -> AcledType:
    return AcledType(_EVENT_TYPE_OF[sub], sub) if sub else NONE


def _longest(code: str) -> str | None:
    for size in range(len(code), 1, -1):
        if code[:size] in _BY_CODE:
            return _BY_CODE[code[:size]]
    return None


def acled_type(
    plover_type: str,
    cameo: str,
    actor_sector: str | None,
    recipient_sector: str | None,
    override: str | None = None,
) -> AcledType:
    """ACLED (event type, sub-event type) of one event; both None where ACLED would not code it."""
    if plover_type not in schema.ACLED_CODED_PLOVER_TYPES:
        return NONE
    if override:
        return _territory(cameo, actor_sector, override)
    if cameo.startswith("175"):
        if recipient_sector in PROTESTER_SECTORS:
            return _typed("Excessive force against protesters")
        return _typed("Attack") if recipient_sector in CIVILIAN_SECTORS else NONE
    if cameo.startswith("192"):
        return _territory(cameo, actor_sector, None)
    by_code = _longest(cameo)
    if by_code:
        return _typed(by_code)
    if plover_type == "ASSAULT":
        if recipient_sector in CIVILIAN_SECTORS or recipient_sector in PROTESTER_SECTORS:
            return _typed("Attack")
        return _typed("Armed clash")
    return NONE


def _territory(cameo: str, actor_sector: str | None, override: str | None) -> AcledType:
    """Who takes ground decides the battle sub-type; an unknown taker keeps the lexicon's."""
    if not cameo.startswith("192"):
        return _typed(override)
    if actor_sector in NON_STATE_SECTORS:
        return _typed("Non-state actor overtakes territory")
    if actor_sector in STATE_SECTORS:
        return _typed("Government regains territory")
    return _typed(override)
