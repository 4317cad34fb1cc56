"""One commit for many files: how a recode replaces a whole day at once.

Re-coding a day rewrites files in many folders (the day's mentions, quarantine and manifests,
the events its mentions name wherever they live, deletion lists, its ``recodes/`` row), one
interval after another, each step reading what the last one wrote. Each file being replaced
atomically is not enough: a crash between two of them would leave the day part old, part new.
A transaction gathers the files and switches them over with one atomic put, on disk and on S3
alike (S3 has no rename, but a PUT is visible whole or not at all):

1. ``begin`` gives a view of the data root (``Transaction``) in which writes go to
   ``_transactions/<name>/<path>`` and removals are only remembered. Its reads see its own
   writes over the data root, so each step sees the last; nothing outside it sees any of them.
2. ``commit`` writes ``_transactions/<name>.json``, listing the files written and removed, in
   one put: the commit point. From then on readers honour the record (``reading``):
   ``parquet.list_files`` names the transaction's copy instead of a replaced file and leaves
   removed files out, and ``manifest.read_manifests`` reads through it.
3. Each written file is copied into place (atomically), the removed files are deleted, then the
   record and the transaction's folder.

A crash before 2 leaves the data root as it was plus a folder without a record (garbage the next
``begin`` deletes). A crash during 3 leaves the record, so readers still see the whole change,
and ``finish``, which every writer calls before writing, completes step 3. Readers that list a
folder themselves (pandas on ``events/``) see step 3 half done for as long as it lasts, as they
see a compaction's files before its marker lists them.

One writer at a time (the 1-slot publish pool): ``begin`` applies every committed record and
deletes every other folder under ``_transactions/``. Paths under a transaction's ``direct``
folders (hand-offs between tasks, corrupt files moved aside) are written at once, outside it.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from functools import cached_property

from eventwire.fs import DataRoot

TRANSACTIONS = "_transactions"
RECORD_SUFFIX = ".json"


@dataclass(frozen=True, eq=False)
class Transaction(DataRoot):
    """The data root as one transaction sees it; its writes and removals are its own."""

    name: str = ""
    direct: tuple[str, ...] = ()
    # Paths as the filesystem names them: a file's place -> where its new content is.
    written: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @cached_property
    def plain(self) -> DataRoot:
        """The data root itself, where the transaction's own files are written."""
        return DataRoot(self.url, self.s3)

    @cached_property
    def fs(self) -> _Overlay:
        return _Overlay(self)

    def is_direct(self, path: str) -> bool:
        return any(path.startswith(self.path(folder) + "/") for folder in self.direct)

    def put_atomic(self, data: bytes, *parts: str) -> str:
        target = self.path(*parts)
        if self.is_direct(target):
            return self.plain.put_atomic(data, *parts)
        relative = posixpath.relpath(target, self.base)
        self.written[target] = self.plain.put_atomic(data, TRANSACTIONS, self.name, relative)
        self.removed.discard(target)
        return target

    def located(self, path: str) -> str:
        """Where a reader outside finds ``path``'s content: the transaction reads its own files
        through ``fs``, so its paths stay the files' places (its writers write to them)."""
        return path


@dataclass(frozen=True, eq=False)
class _Committed(Transaction):
    """What readers see while committed records are being applied (``reading``)."""

    def put_atomic(self, data: bytes, *parts: str) -> str:
        raise PermissionError(f"{self.path(*parts)}: a reader's view of {self.url} is read-only")

    def located(self, path: str) -> str:
        return self.written.get(path, path)


class _Overlay:
    """The filesystem calls the store makes, answered from a transaction's files over the data
    root's (any other call fails loudly rather than bypass the transaction)."""

    def __init__(self, view: Transaction) -> None:
        self.view = view
        self.under = view.plain.fs

    def invalidate_cache(self, path: str | None = None) -> None:
        self.under.invalidate_cache(path)

    def exists(self, path: str) -> bool:
        if path in self.view.written:
            return True
        if path in self.view.removed:
            return False
        inside = path.rstrip("/") + "/"
        return self.under.exists(path) or any(p.startswith(inside) for p in self.view.written)

    def find(self, path: str) -> list[str]:
        inside = path.rstrip("/") + "/"
        found = {p for p in self.under.find(path) if p not in self.view.removed}
        found.update(p for p in self.view.written if p == path or p.startswith(inside))
        return sorted(found)

    def cat_file(self, path: str) -> bytes:
        if path in self.view.removed:
            raise FileNotFoundError(path)
        return self.under.cat_file(self.view.written.get(path, path))

    def rm(self, path: str, recursive: bool = False) -> None:
        if self.view.is_direct(path):
            self.under.rm(path, recursive=recursive)
            return
        for item in self.find(path) if recursive else [path]:
            if item in self.view.written:
                self.under.rm(self.view.written.pop(item))
            if self.under.exists(item):
                self.view.removed.add(item)

    def ls(self, path: str, detail: bool = False) -> list:
        if not self.view.is_direct(path):
            raise NotImplementedError(f"{path}: a transaction lists only its direct folders")
        return self.under.ls(path, detail=detail)

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        self.under.makedirs(path, exist_ok=exist_ok)

    def mv(self, source: str, target: str) -> None:
        """Move a corrupt file aside (``parquet.load``): at once, as outside a transaction."""
        self.under.mv(self.view.written.pop(source, source), target)


def begin(root: DataRoot, name: str, direct: tuple[str, ...] = ()) -> Transaction:
    """A new transaction on ``root``, after every earlier one was finished or thrown away."""
    finish(root)
    folder = root.path(TRANSACTIONS)
    root.fs.invalidate_cache(folder)
    if root.fs.exists(folder):
        root.fs.rm(folder, recursive=True)
    return Transaction(root.url, root.s3, name=name, direct=direct)


def commit(view: Transaction) -> None:
    """Write the record (the commit point), then put every file in place (``_apply``)."""
    record = {
        "written": sorted(posixpath.relpath(path, view.base) for path in view.written),
        "removed": sorted(posixpath.relpath(path, view.base) for path in view.removed),
    }
    body = json.dumps(record, indent=1).encode()
    view.plain.put_atomic(body, TRANSACTIONS, view.name + RECORD_SUFFIX)
    _apply(view.plain, view.name, record)


def finish(root: DataRoot) -> None:
    """Complete every committed transaction a crash left half applied (writers call this
    before they write, so they never write under a record that is still to be applied)."""
    for name, record in _records(root):
        _apply(root, name, record)


def reading(root: DataRoot) -> DataRoot:
    """``root`` as a reader must see it: through the records of committed transactions that
    are not applied yet (normally none, and ``root`` itself); a transaction sees itself."""
    if isinstance(root, Transaction):
        return root
    records = _records(root)
    if not records:
        return root
    view = _Committed(root.url, root.s3)
    for name, record in records:
        for relative in record["written"]:
            view.written[root.path(relative)] = root.path(TRANSACTIONS, name, relative)
            view.removed.discard(root.path(relative))
        for relative in record["removed"]:
            view.written.pop(root.path(relative), None)
            view.removed.add(root.path(relative))
    return view


def located(view: DataRoot, path: str) -> str:
    """Where ``path``, as ``reading``'s view lists it, is read from."""
    return view.located(path) if isinstance(view, Transaction) else path


def _apply(root: DataRoot, name: str, record: dict) -> None:
    for relative in record["written"]:
        root.put_atomic(root.read_bytes(TRANSACTIONS, name, relative), relative)
    for relative in record["removed"]:
        try:
            root.fs.rm(root.path(relative))
        except FileNotFoundError:
            continue  # removed by an earlier attempt at applying the record
    root.fs.rm(root.path(TRANSACTIONS, name + RECORD_SUFFIX))
    folder = root.path(TRANSACTIONS, name)
    root.fs.invalidate_cache(folder)
    if root.fs.exists(folder):
        root.fs.rm(folder, recursive=True)


def _records(root: DataRoot) -> list[tuple[str, dict]]:
    """Committed, unapplied transactions, by name; one that finished meanwhile is left out."""
    folder = root.path(TRANSACTIONS)
    root.fs.invalidate_cache(folder)
    try:
        paths = root.fs.ls(folder, detail=False)
    except FileNotFoundError:
        return []
    records = []
    for path in sorted(paths):
        name = posixpath.basename(path.rstrip("/"))
        if not name.endswith(RECORD_SUFFIX) or name.startswith("."):
            continue
        try:
            records.append((name.removesuffix(RECORD_SUFFIX), json.loads(root.fs.cat_file(path))))
        except FileNotFoundError:
            continue
    return records
