"""Read files into configuration: decode, parse, keep positions."""

from __future__ import annotations

from pathlib import Path

from tfcheck.parse.config import ConfigFile, from_hcl, from_json
from tfcheck.parse.hcl import (
    DEFAULT_MAX_BYTES,
    FileProblem,
    parse_source,
    read_source,
)
from tfcheck.parse.jsontext import JsonSyntaxError, parse_json

JSON_SUFFIX = ".tf.json"


def load_file(
    path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> ConfigFile | FileProblem:
    """One configuration file in either syntax, or why it cannot be read."""
    source = read_source(path, display, max_bytes)
    if isinstance(source, FileProblem):
        return source

    if display.endswith(JSON_SUFFIX):
        if not source.text.strip():
            return FileProblem(
                source.point(0), "file is empty; nothing to check", fatal=False
            )
        try:
            root = parse_json(source.text)
        except JsonSyntaxError as exc:
            return FileProblem(
                source.point(exc.offset),
                f"cannot parse Terraform JSON: {exc}",
            )
        return ConfigFile(source, from_json(source, root), "json")

    parsed = parse_source(source)
    if isinstance(parsed, FileProblem):
        return parsed
    return ConfigFile(parsed.source, from_hcl(parsed.source, parsed.tree.body), "hcl")


Loaded = ConfigFile | FileProblem

# Below this many files to parse, starting worker processes costs more than
# it saves.
_PARALLEL_FROM = 16


def load_files(
    files: list[tuple[Path, str]],
    jobs: int = 1,
    cache_dir: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Loaded]:
    """`load_file` for each (path, display), in order; in `jobs` processes.

    The result is the same whatever `jobs` and the cache hold: workers only
    parse, and the results are put back in the order of `files`.
    """
    from tfcheck.parse import store

    results: list[Loaded | None] = [None] * len(files)
    keys: list[str | None] = [None] * len(files)
    if cache_dir is not None:
        for index, (path, display) in enumerate(files):
            try:
                if not path.is_file() or path.stat().st_size > max_bytes:
                    continue  # load_file reports it, without reading it
                content = path.read_bytes()
            except OSError:
                continue
            keys[index] = store.key(display, content)
            results[index] = store.get(cache_dir, keys[index])

    missing = [i for i, loaded in enumerate(results) if loaded is None]
    if jobs > 1 and len(missing) >= _PARALLEL_FROM:
        items = [(*files[i], max_bytes) for i in missing]
        parsed = _parse_in_workers(items, jobs)
    else:
        parsed = None
    for position, index in enumerate(missing):
        if parsed is not None:
            data = parsed[position]
            results[index] = store.loads(data)
        else:
            results[index] = load_file(*files[index], max_bytes)
            data = store.dumps(results[index]) if keys[index] else b""
        if cache_dir is not None and keys[index] is not None:
            store.put(cache_dir, keys[index], data)

    return [loaded for loaded in results if loaded is not None]


def _load_pickled(item: tuple[Path, str, int]) -> bytes:
    from tfcheck.parse import store

    return store.dumps(load_file(*item))


def _parse_in_workers(
    items: list[tuple[Path, str, int]], jobs: int
) -> list[bytes] | None:
    import concurrent.futures
    import logging

    chunk = max(1, len(items) // (jobs * 8))
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(_load_pickled, items, chunksize=chunk))
    except (OSError, concurrent.futures.process.BrokenProcessPool) as exc:
        # No processes here (a sandbox, a killed worker): parse in this one.
        logging.getLogger(__name__).debug("parsing in one process: %s", exc)
        return None
