"""Split a run into independent groups of directories, run them in parallel,
and cache each group's result.

A group is a set of directories joined by local module calls (`source =
"./x"` or `"../x"`): a module is evaluated through its callers, so caller and
callee must be checked together, and nothing else crosses a directory. The
calls are found in the text before parsing; a string that only looks like a
call can merge two groups, which costs parallelism, never correctness.

Each group's result is cached under `--cache-dir`, keyed by the tfcheck
version, the catalog, the options and the content of every file in the
group's directories; files it read elsewhere (`file()`, modules outside the
scan) are recorded with their hashes and checked on the next run. The cache
directory must be writable only by you: entries are pickles.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from tfcheck import __version__
from tfcheck.parse import prefilter, store

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from tfcheck.catalog import Catalog
    from tfcheck.discover import SourcePath
    from tfcheck.pipeline import Options, Result

LOG = logging.getLogger(__name__)

_LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.\.?/[^"\n]*)"')

# Two groups are worth a second process: forking costs about 20 ms, and each
# worker's first parse pays python-hcl2's start-up (about 0.1 s) in parallel.
_PARALLEL_FROM = 2


def run_groups(
    files: list[SourcePath], catalog: Catalog, options: Options
) -> Iterator[Result]:
    """The result of each group, in the order of the groups' first files."""
    groups = _groups(files, options.max_file_bytes)
    LOG.debug("%d files in %d groups", len(files), len(groups))
    keys: list[str | None] = [None] * len(groups)
    results: list[Result | None] = [None] * len(groups)
    if options.cache_dir is not None:
        tool = f"{__version__}\0{_catalog_digest(catalog)}"
        for index, group in enumerate(groups):
            keys[index] = _key(group, options, tool)
            results[index] = _cached(options.cache_dir, keys[index])

    todo = [i for i, found in enumerate(results) if found is None]
    if options.cache_dir is not None:
        LOG.debug("cache: %d groups hit, %d missed", len(groups) - len(todo), len(todo))
    jobs = min(options.jobs, len(todo))
    if jobs > 1 and len(todo) >= _PARALLEL_FROM:
        fresh = _in_workers([groups[i] for i in todo], catalog, options, jobs)
    else:
        fresh = None
    for position, index in enumerate(todo):
        data: bytes | None = None
        if fresh is not None:
            data = fresh[position]
            entry = store.loads(data)
        else:
            entry = _run_one((groups[index], catalog, options))
        if options.cache_dir is not None and keys[index] is not None:
            store.put(options.cache_dir, keys[index], data or store.dumps(entry))
        results[index] = entry[0]

    yield from (r for r in results if r is not None)


def _groups(files: list[SourcePath], max_bytes: int) -> list[list[SourcePath]]:
    by_directory: dict[Path, list[SourcePath]] = {}
    for source_path in files:
        directory = source_path.path.resolve().parent
        by_directory.setdefault(directory, []).append(source_path)

    # Union-find over directories joined by a local module call.
    parent = {d: d for d in by_directory}

    def find(d: Path) -> Path:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for directory, members in by_directory.items():
        for source_path in members:
            for target in _local_sources(source_path.path, max_bytes):
                try:
                    callee = (directory / target).resolve()
                except (OSError, ValueError):
                    continue  # a NUL or a loop: evaluation reports the source
                if callee in parent:
                    parent[find(callee)] = find(directory)

    grouped: dict[Path, list[SourcePath]] = {}
    for source_path in files:
        root = find(source_path.path.resolve().parent)
        grouped.setdefault(root, []).append(source_path)
    return list(grouped.values())


def _local_sources(path: Path, max_bytes: int) -> list[str]:
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return []
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return []
    return _LOCAL_SOURCE.findall(text)


def _run_one(
    item: tuple[list[SourcePath], Catalog, Options],
) -> tuple[Result, list[tuple[str, str]]]:
    """Check one group: its result and, for the cache, each file it read
    outside the group's directories with that file's digest."""
    from tfcheck.pipeline import _run_group, new_workspace

    files, catalog, options = item
    workspace = new_workspace(files, options)
    result = _run_group(files, catalog, options, workspace)
    if options.cache_dir is None:
        return result, []

    own = {f.path.resolve() for f in files}
    read = set(workspace.sources)
    for module in workspace.modules.values():
        read.update(
            Path(config.source.path).resolve()
            if Path(config.source.path).is_absolute()
            else (options.cwd / config.source.path).resolve()
            for config in module.files
        )
    outside = sorted(str(p) for p in read - own)
    return result, [(p, _digest(Path(p))) for p in outside]


def _run_pickled(item: tuple[list[SourcePath], Catalog, Options]) -> bytes:
    """`_run_one` in a worker. Results can hold python-hcl2 tokens, which only
    the store's pickler carries, so the worker pickles them itself."""
    return store.dumps(_run_one(item))


def _in_workers(
    groups: list[list[SourcePath]], catalog: Catalog, options: Options, jobs: int
) -> list[bytes] | None:
    # Imported here: a run in one process does not need it.
    import concurrent.futures

    items = [(group, catalog, options) for group in groups]
    chunk = max(1, len(items) // (jobs * 4))
    try:
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, mp_context=_context()
        ) as pool:
            return list(pool.map(_run_pickled, items, chunksize=chunk))
    except (OSError, concurrent.futures.process.BrokenProcessPool) as exc:
        # No processes here (a sandbox, a killed worker): run in this one.
        LOG.debug("checking in one process: %s", exc)
        return None


def _context() -> BaseContext:
    """Fork where there is fork: workers inherit the imported modules, which
    a fresh interpreter would spend 0.2 s importing again (Python 3.14 makes
    forkserver the default on Linux)."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _catalog_digest(catalog: Catalog) -> str:
    """The catalog's content, including services added with --catalog."""

    def canonical(value: object) -> object:
        # Sets are sorted: their order changes with Python's string hashing.
        if dataclasses.is_dataclass(value):
            return [
                (f.name, canonical(getattr(value, f.name)))
                for f in dataclasses.fields(value)
            ]
        if isinstance(value, dict):
            return sorted((str(k), canonical(v)) for k, v in value.items())
        if isinstance(value, (set, frozenset)):
            return sorted(repr(canonical(v)) for v in value)
        if isinstance(value, (list, tuple)):
            return [canonical(v) for v in value]
        return value

    return hashlib.sha256(repr(canonical(catalog)).encode()).hexdigest()


def _key(group: list[SourcePath], options: Options, tool: str) -> str | None:
    digest = hashlib.sha256()
    digest.update(tool.encode())  # the tfcheck version and the catalog
    setting = (
        options.cwd.resolve(),
        sorted(str(r.resolve()) for r in options.roots),
        options.variables,
        options.max_file_bytes,
        prefilter.ENABLED,
    )
    digest.update(repr(setting).encode())
    for source_path in group:
        digest.update(source_path.display.encode() + b"\0")

    # Every file in the group's directories: tfvars, templates and JSON count.
    for directory in sorted({f.path.resolve().parent for f in group}):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            return None
        for name in names:
            path = directory / name
            try:
                info = path.stat()
            except OSError:
                continue
            if not path.is_file():
                continue
            digest.update(name.encode() + b"\0")
            if info.st_size > options.max_file_bytes:
                digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
            else:
                digest.update(_digest(path).encode())
    return digest.hexdigest()


def _cached(directory: Path, key: str | None) -> Result | None:
    if key is None:
        return None
    entry = store.get(directory, key)
    if entry is None:
        return None
    try:
        result, outside = entry
        if all(_digest(Path(p)) == digest for p, digest in outside):
            return result
    except (TypeError, ValueError):
        pass
    LOG.debug("cache entry %s is stale", key[:12])
    return None
