"""The data root as a filesystem: a local folder or ``s3://bucket/prefix``.

Every module that touches the data root goes through ``DataRoot`` so that local disk and object
storage behave the same: paths are always POSIX strings relative to the root, and writes that
must appear atomically use ``put_atomic`` (temporary name then rename locally; one PUT on S3,
where an object is only visible once complete).
"""

from __future__ import annotations

import os
import posixpath
import uuid
from dataclasses import dataclass, field
from functools import cached_property

import fsspec

from eventwire.config import S3Options

TEMPORARY_PREFIX = "."
S3_SCHEME = "s3://"


@dataclass(frozen=True)
class DataRoot:
    url: str
    s3: S3Options = field(default_factory=S3Options)

    @cached_property
    def is_remote(self) -> bool:
        return self.url.startswith(S3_SCHEME)

    @cached_property
    def fs(self) -> fsspec.AbstractFileSystem:
        if self.is_remote:
            return fsspec.filesystem("s3", **self.s3.storage_options())
        return fsspec.filesystem("file", auto_mkdir=True)

    @cached_property
    def base(self) -> str:
        """The root as the filesystem names it (no scheme on S3, absolute on disk)."""
        if self.is_remote:
            return self.url.removeprefix(S3_SCHEME).rstrip("/")
        return posixpath.abspath(self.url)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.base, *parts)

    def uri(self, path: str) -> str:
        """The full URI of ``path`` as the filesystem names it (from ``path()`` or a listing),
        for tools outside fsspec: DuckDB, manifests, messages to users."""
        return (S3_SCHEME if self.is_remote else "") + path

    def path_of(self, uri: str) -> str:
        """The filesystem's name for a URI that ``uri`` gave, e.g. one a manifest lists."""
        return uri.removeprefix(S3_SCHEME)

    def exists(self, *parts: str) -> bool:
        return self.fs.exists(self.path(*parts))

    def read_bytes(self, *parts: str) -> bytes:
        return self.fs.cat_file(self.path(*parts))

    def put_atomic(self, data: bytes, *parts: str) -> str:
        """Write ``data`` so readers see either the old object or the whole new one."""
        target = self.path(*parts)
        if self.is_remote:
            self.fs.pipe_file(target, data)
            return target
        folder, name = posixpath.split(target)
        self.fs.makedirs(folder, exist_ok=True)
        temporary = posixpath.join(folder, f"{TEMPORARY_PREFIX}{name}.{uuid.uuid4().hex}.tmp")
        with self.fs.open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            _fsync(handle)
        self.fs.mv(temporary, target)
        return target


def _fsync(handle: object) -> None:
    raw = getattr(handle, "f", None) or handle
    if hasattr(raw, "fileno"):
        os.fsync(raw.fileno())
