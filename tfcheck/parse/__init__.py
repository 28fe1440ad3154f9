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


def load_files(
    files: list[tuple[Path, str]], max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Loaded]:
    """`load_file` for each (path, display), in order."""
    return [load_file(path, display, max_bytes) for path, display in files]
