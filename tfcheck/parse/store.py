"""Parsed files as bytes: for worker processes and for the `--cache-dir` cache.

python-hcl2 builds its token classes at run time (`StringToken["NAME"]`),
which pickle cannot name, so tokens are pickled by their grammar name and
rebuilt from it. A cache entry is keyed by the file's content and display
path, the tfcheck version and the catalog's fingerprint; any change to one of
them is a miss, and an entry that cannot be read is a miss too.

The cache directory must be writable only by you: its entries are pickles,
and reading a pickle can run code.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from tfcheck import __version__

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


@lru_cache(maxsize=1)
def _catalog_fingerprint() -> str:
    digest = hashlib.sha256()
    folder = Path(__file__).resolve().parent.parent / "catalog"
    for path in sorted(folder.glob("*.json")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(display: str, content: bytes) -> str:
    digest = hashlib.sha256()
    for part in (__version__, _catalog_fingerprint(), display):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


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
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, folder / entry)
    except OSError as exc:
        LOG.debug("cannot write cache entry in %s: %s", folder, exc)
