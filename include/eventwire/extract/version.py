"""The extractor's version: one hash over everything that decides how text is coded.

Every module of ``extract/``, every file under ``data/``, the spaCy pipeline's name and
installed version, and the optional dictionaries' files when configured. Nothing is listed by
hand, so a new module or data file changes the version without anyone remembering to; re-coding
history (``extractor_version`` on every mention and event) relies on that.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from eventwire.config import Settings
from eventwire.extract import dictionaries, tabari

CODE_DIR = Path(__file__).resolve().parent
DATA_DIR = CODE_DIR.parent / "data"
VERSION_PREFIX = "1.1+"
DIGEST_CHARS = 12
NOT_INSTALLED = "not-installed"


def _model_version(name: str) -> str:
    for candidate in (name, name.replace("_", "-")):
        try:
            return metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return NOT_INSTALLED


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


@functools.cache
def _version(spacy_model: str, dictionary_folder: Path | None) -> str:
    digest = hashlib.sha256()
    for path in (*_files(CODE_DIR, "*.py"), *_files(DATA_DIR, "*")):
        digest.update(str(path.relative_to(CODE_DIR.parent)).encode())
        digest.update(path.read_bytes())
    digest.update(f"{spacy_model}=={_model_version(spacy_model)}".encode())
    if dictionary_folder is not None:
        for name in (*dictionaries.ACTOR_FILES, tabari.VERB_FILE):
            path = dictionary_folder / name
            if path.is_file():
                digest.update(name.encode())
                digest.update(path.read_bytes())
    return VERSION_PREFIX + digest.hexdigest()[:DIGEST_CHARS]


def extractor_version(settings: Settings | None = None) -> str:
    """The version of the engine ``settings`` configure (the embedded default when None)."""
    settings = settings or Settings()
    return _version(settings.spacy_model, settings.dictionaries)
