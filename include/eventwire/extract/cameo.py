"""CAMEO codes to PLOVER 2021 type, mode and context; quad class and Goldstein weight.

The mapping is the PLOVER manual's conversion table, shipped as data with its CC BY-SA notice
(``data/cameo2plover_2021.txt``), plus ``data/cameo_extra.txt`` for the appeal codes (02) the
table leaves out. A code missing from the table takes its nearest parent's row (``0871`` ->
``087`` -> ``08``), which is how the table itself is organised.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from eventwire import schema
from eventwire.errors import DataFileError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TABLE_FILES = (DATA_DIR / "cameo2plover_2021.txt", DATA_DIR / "cameo_extra.txt")
GOLDSTEIN_FILE = DATA_DIR / "goldstein.tsv"

_ROW = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?")

# CAMEO's four quad classes by root code: verbal cooperation, material cooperation, verbal
# conflict, material conflict (CAMEO codebook, ch. 1).
_QUAD_BY_ROOT = {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 9), 2),
                 **dict.fromkeys(range(9, 14), 3), **dict.fromkeys(range(14, 21), 4)}  # fmt: skip


class CameoTableError(DataFileError):
    """A row of a mapping table that cannot be read; carries the file and line number."""


@dataclass(frozen=True)
class PloverCode:
    """PLOVER 2021 reading of one CAMEO code."""

    plover_type: str
    mode: str | None
    context: str | None


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@functools.cache
def plover_table() -> dict[str, PloverCode]:
    table: dict[str, PloverCode] = {}
    for path in TABLE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith(("#", "~")):
                continue
            m = _ROW.match(line)
            if m is None:
                raise CameoTableError(
                    path, number, f"not a 'code: TYPE, mode, context' row: {line!r}"
                )
            code, plover_type, mode, context = m.groups()
            if plover_type not in schema.PLOVER_TYPES:
                raise CameoTableError(path, number, f"unknown PLOVER type {plover_type!r}")
            mode = _clean(mode)
            context = _clean(context)
            table.setdefault(
                code,
                PloverCode(
                    plover_type,
                    mode if mode in schema.PLOVER_MODES else None,
                    context.replace(" ", "") if context else None,
                ),
            )
    return table


def _nearest(code: str, table: dict) -> object | None:
    for size in range(len(code), 1, -1):
        found = table.get(code[:size])
        if found is not None:
            return found
    return None


def to_plover(code: str) -> PloverCode | None:
    """PLOVER type, mode and context of a CAMEO code; None for codes PLOVER does not code (01)."""
    found = _nearest(code, plover_table())
    return found if isinstance(found, PloverCode) else None


def quad_class(code: str) -> int:
    return _QUAD_BY_ROOT[int(code[:2])]


@functools.cache
def _goldstein_table() -> dict[str, float]:
    table = {}
    for number, line in enumerate(GOLDSTEIN_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            code, weight = line.split("\t")
            table[code] = float(weight)
        except ValueError as err:
            raise CameoTableError(GOLDSTEIN_FILE, number, str(err)) from err
    return table


def goldstein(code: str) -> float:
    """Goldstein weight of a CAMEO code (its nearest listed parent's when not listed)."""
    found = _nearest(code, _goldstein_table())
    return found if isinstance(found, float) else 0.0
