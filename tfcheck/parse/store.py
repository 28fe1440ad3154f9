"""Results as bytes: for worker processes and for the `--cache-dir` cache.

A result can hold parse trees (the files kept for suppressions). python-hcl2
builds its token classes at run time (`StringToken["NAME"]`), which pickle
cannot name, so tokens are pickled by their grammar name and rebuilt from it.
An entry that cannot be read is a miss. What an entry is keyed by is up to
the caller (tfcheck.groups).

The cache directory must be writable only by you: its entries are pickles,
and reading a pickle can run code.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import stat
import tempfile
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)


def _token(name: str, default: Any, static: bool, *args: Any) -> Any:
    from hcl2.rules.tokens import StaticStringToken, StringToken

    cls = StaticStringToken[(name, default)] if static else StringToken[name]
    return cls.__new__(cls, *args)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        from hcl2.rules.tokens import StaticStringToken, StringToken

        cls = type(obj)
        if not isinstance(obj, StringToken) or cls.__module__ != "abc":
            return NotImplemented
        _, args, *rest = obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        static = issubclass(cls, StaticStringToken)
        default = getattr(cls, "_default_value", None)
        return (_token, (cls.lark_name(), default, static, *args[1:]), *rest)


def dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    return pickle.loads(data)


def unsafe(directory: Path) -> str | None:
    """Why `directory` must not hold the cache, or None when it may.

    Another user who can write there could plant an entry, and loading an
    entry unpickles it. A directory that does not exist yet is created
    private (0700) on the first write.
    """
    try:
        info = directory.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot use it: {exc.strerror}"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a directory"
    if not hasattr(os, "geteuid"):
        return None  # Windows: access is by ACL, not by these bits
    if info.st_uid != os.geteuid():
        return "it belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others can write to it; run chmod go-w {directory}"
    return None


def get(directory: Path, entry: str) -> Any | None:
    path = directory / entry[:2] / entry
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return loads(data)
    except Exception:  # noqa: BLE001 - a damaged entry is only a miss
        LOG.debug("cache entry %s cannot be read; parsing again", path)
        return None


def put(directory: Path, entry: str, data: bytes) -> None:
    folder = directory / entry[:2]
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        # Write then rename, so a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, folder / entry)
    except OSError as exc:
        LOG.debug("cannot write cache entry in %s: %s", folder, exc)
