"""Optional PETRARCH2/Phoenix actor dictionaries read from a user-supplied folder.

The product works without them; a user who downloads the MIT-licensed dictionaries from
openeventdata/petrarch2 points ``EVENTWIRE_DICTIONARIES`` (``Settings.dictionaries``) at the
folder and gains thousands of named leaders and organisations. Nothing from them is copied into
the project. Read here: the ``Phoenix.*.actors.txt`` files, whose entries are a name line
(``BARACK_OBAMA``), alias lines (``+PRESIDENT_OBAMA_``) and code lines
(``[USAGOV >20090120]``); the code valid today (an open date range) is kept.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from eventwire import schema

ACTOR_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)
# The longest name, in words, looked up in a phrase.
MAX_NAME_WORDS = 6
# A surname alone ("Obama") stands for its person when no other entry shares it and it is
# at least this long: shorter surnames collide with common words.
MIN_SURNAME_CHARS = 4

_CODE = re.compile(r"\[([^\]]+)\]")
_WORDS = re.compile(r"[^\W_]+(?:['.][^\W_]+)*")


class DictionaryError(OSError):
    """The configured dictionary folder cannot be read; carries the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


def _name(raw: str) -> str:
    return " ".join(
        raw.strip().lstrip("+").strip("_").replace("_", " ").replace("-", " ").upper().split()
    )


def _current_code(codes: list[str]) -> str:
    """The code whose date range is open (">date" or none), else the last one listed."""
    for code in reversed(codes):
        parts = code.split()
        if len(parts) == 1 or parts[1].startswith(">"):
            return parts[0]
    return codes[-1].split()[0]


class PhoenixDictionaries:
    """Name -> actor code from the Phoenix actor files."""

    def __init__(self, codes: dict[str, str]) -> None:
        self._codes = codes

    @classmethod
    @functools.cache
    def load(cls, folder: Path) -> PhoenixDictionaries:
        if not folder.is_dir():
            raise DictionaryError(folder, "not a directory")
        codes: dict[str, str] = {}
        surnames: dict[str, set[str]] = {}
        for filename in ACTOR_FILES:
            path = folder / filename
            if path.exists():
                _read(path, codes, surnames)
        for surname, found in surnames.items():
            if len(found) == 1 and surname not in codes and len(surname) >= MIN_SURNAME_CHARS:
                codes[surname] = next(iter(found))
        return cls(codes)

    def lookup(self, text: str) -> tuple[str, str | None, str | None] | None:
        """(code, country, sector) of the longest dictionary name in ``text``."""
        words = [w.upper().strip(".") for w in _WORDS.findall(text)]
        for size in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                code = self._codes.get(" ".join(words[i : i + size]))
                if code:
                    return _split(code)
        return None


def _read(path: Path, codes: dict[str, str], surnames: dict[str, set[str]]) -> None:
    names: list[str] = []
    pending: list[str] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body = line.split("#", 1)[0]
        if not body.strip():
            continue
        found = _CODE.findall(body)
        head = _CODE.sub("", body).strip()
        if head and not head.startswith("+") and pending:
            _store(names, pending, codes, surnames)
            names, pending = [], []
        if head:
            names.append(_name(head))
        pending.extend(found)
    if pending:
        _store(names, pending, codes, surnames)


def _store(
    names: list[str], pending: list[str], codes: dict[str, str], surnames: dict[str, set[str]]
) -> None:
    code = _current_code(pending)
    for name in names:
        if name:
            codes.setdefault(name, code)
    if names and len(names[0].split()) >= 2:
        surnames.setdefault(names[0].split()[-1], set()).add(code)


def _split(code: str) -> tuple[str, str | None, str | None]:
    import pycountry

    country = code[:3] if pycountry.countries.get(alpha_3=code[:3]) else None
    rest = code[3:] if country else code
    sector = next(
        (rest[i : i + 3] for i in range(0, len(rest), 3) if rest[i : i + 3] in schema.SECTORS), None
    )
    return code, country, sector
