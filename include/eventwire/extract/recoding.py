"""CAMEO recoding: what an act becomes under its modality, and by who does it to whom.

Both are tables, loaded once: ``data/cameo_recoding.tsv`` turns an act that was announced,
threatened, asked for or refused into the intent, threat, appeal, demand or rejection CAMEO
codes it as; ``data/cameo_by_actor.tsv`` turns force used by an aircraft into an air strike,
by state forces on protesters into repression, by protesters into a riot, and an armed force's
visit into a deployment. A row naming a table, situation, CAMEO code, PLOVER type or mode that
does not exist raises :class:`RecodingTableError` with its file and line, so that a typo fails
at load instead of switching a rule off.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire import schema
from eventwire.errors import DataFileError
from eventwire.extract import acled, cameo

if TYPE_CHECKING:
    from eventwire.extract.actors import Actor

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
MODALITY_FILE = DATA_DIR / "cameo_recoding.tsv"
BY_ACTOR_FILE = DATA_DIR / "cameo_by_actor.tsv"

INTENT = "intent"
THREAT = "threat"
APPEAL = "appeal"
DEMAND = "demand"
PRESSURE = "pressure"
REFUSE = "refuse"
TABLES = frozenset({INTENT, THREAT, APPEAL, DEMAND, PRESSURE, REFUSE})
# Request verbs that demand (CAMEO 10) rather than appeal (02), and the one that coerces (17).
DEMAND_VERBS = frozenset({"demand", "order", "press", "insist"})
PRESSURE_VERB = "pressure"
ANY_ACT = "*"
SAME_CODE = "="
NO_MODE = "-"
# Every CAMEO root (01 has no PLOVER reading, so the PLOVER table does not list it).
_ROOTS = frozenset(f"{root:02d}" for root in range(1, 21))


class RecodingTableError(DataFileError):
    """A recoding table row that names something unknown; carries the file and line."""


def _situation_aircraft(actor: Actor | None, recipient: Actor | None) -> bool:
    return actor is not None and actor.aircraft


def _situation_repression(actor: Actor | None, recipient: Actor | None) -> bool:
    if actor is None or recipient is None:
        return False
    return actor.sector in acled.STATE_SECTORS and recipient.sector in acled.PROTESTER_SECTORS


def _situation_riot(actor: Actor | None, recipient: Actor | None) -> bool:
    return actor is not None and actor.sector in acled.PROTESTER_SECTORS


def _situation_deployment(actor: Actor | None, recipient: Actor | None) -> bool:
    return actor is not None and actor.sector in acled.ARMED_SECTORS


# The situations cameo_by_actor.tsv may name: whether one holds for an actor and recipient.
SITUATIONS: dict[str, Callable[[Actor | None, Actor | None], bool]] = {
    "aircraft": _situation_aircraft,
    "repression": _situation_repression,
    "riot": _situation_riot,
    "deployment": _situation_deployment,
}


@dataclass(frozen=True)
class ActorRecoding:
    """One row of ``cameo_by_actor.tsv``."""

    situation: str
    codes: tuple[str, ...]
    plover_types: frozenset[str]
    code: str
    mode: str | None

    def applies(self, code: str, plover_type: str) -> bool:
        return plover_type in self.plover_types or code.startswith(self.codes)


def _rows(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != columns:
            raise RecodingTableError(path, number, f"expected {columns} tab-separated fields")
        out.append((number, fields))
    return out


def _known_act(value: str) -> bool:
    return value in _ROOTS or value in cameo.plover_table()


@functools.cache
def modality_tables(path: Path = MODALITY_FILE) -> dict[str, dict[str, str]]:
    """Table -> act (a CAMEO code's beginning, or ``ANY_ACT``) -> what the act becomes."""
    tables: dict[str, dict[str, str]] = {}
    references: list[tuple[int, str]] = []
    for number, (table, acts, becomes) in _rows(path, 3):
        if table not in TABLES:
            raise RecodingTableError(path, number, f"unknown table {table!r}")
        if becomes in TABLES:
            references.append((number, becomes))
        elif becomes != SAME_CODE and becomes not in cameo.plover_table():
            raise RecodingTableError(path, number, f"unknown CAMEO code or table {becomes!r}")
        rows = tables.setdefault(table, {})
        for act in acts.split():
            if act != ANY_ACT and not _known_act(act):
                raise RecodingTableError(path, number, f"unknown CAMEO code or root {act!r}")
            if act in rows:
                raise RecodingTableError(path, number, f"{table} recodes {act} twice")
            rows[act] = becomes
    for table in sorted(TABLES):
        if ANY_ACT not in tables.get(table, {}):
            raise RecodingTableError(path, None, f"table {table!r} has no {ANY_ACT!r} row")
    for number, table in references:
        # One step at most, so that no act is recoded round in a circle.
        if any(becomes in TABLES for becomes in tables[table].values()):
            raise RecodingTableError(path, number, f"table {table!r} refers to another table")
    return tables


@functools.cache
def actor_recodings(path: Path = BY_ACTOR_FILE) -> tuple[ActorRecoding, ...]:
    """The rows of ``cameo_by_actor.tsv``, in order: the first that holds decides."""
    out = []
    for number, (situation, acts, code, mode) in _rows(path, 4):
        if situation not in SITUATIONS:
            raise RecodingTableError(path, number, f"unknown situation {situation!r}")
        if code not in cameo.plover_table():
            raise RecodingTableError(path, number, f"unknown CAMEO code {code!r}")
        if mode != NO_MODE and mode not in schema.PLOVER_MODES:
            raise RecodingTableError(path, number, f"unknown PLOVER mode {mode!r}")
        codes: list[str] = []
        types: set[str] = set()
        for act in acts.split():
            if act in schema.PLOVER_TYPES:
                types.add(act)
            elif _known_act(act):
                codes.append(act)
            else:
                raise RecodingTableError(path, number, f"unknown CAMEO code or PLOVER type {act!r}")
        if not codes and not types:
            raise RecodingTableError(path, number, "names no act")
        kept = None if mode == NO_MODE else mode
        out.append(ActorRecoding(situation, tuple(codes), frozenset(types), code, kept))
    return tuple(out)


def _recode(table: str, code: str) -> str:
    rows = modality_tables()[table]
    becomes = next(
        (rows[code[:size]] for size in range(len(code), 1, -1) if code[:size] in rows),
        rows[ANY_ACT],
    )
    if becomes == SAME_CODE:
        return code
    return _recode(becomes, code) if becomes in TABLES else becomes


def intent(code: str) -> str:
    """The code of an act announced ("promised to withdraw"), never the act itself."""
    return _recode(INTENT, code)


def threat(code: str) -> str:
    """The code of an act threatened ("threatened to strike")."""
    return _recode(THREAT, code)


def request(code: str, governor: str) -> str:
    """The code of an act asked for, by the lemma of the verb asking: pressure coerces, a verb
    of demand demands, any other appeals."""
    if governor == PRESSURE_VERB:
        return _recode(PRESSURE, code)
    return _recode(DEMAND if governor in DEMAND_VERBS else APPEAL, code)


def refuse(code: str) -> str:
    """The code of an act refused ("refused to release", "did not agree")."""
    return _recode(REFUSE, code)


def by_actor(
    code: str, plover_type: str, actor: Actor | None, recipient: Actor | None
) -> tuple[str, str | None] | None:
    """The (CAMEO code, PLOVER mode) an act of ``code`` and ``plover_type`` becomes for this
    actor and recipient, or None when no row of ``cameo_by_actor.tsv`` holds."""
    for row in actor_recodings():
        if row.applies(code, plover_type) and SITUATIONS[row.situation](actor, recipient):
            return row.code, row.mode
    return None
