"""Find the Terraform files to check, in a stable order."""

from __future__ import annotations

import fnmatch
import logging
import os
from dataclasses import dataclass
from pathlib import Path

LOG = logging.getLogger(__name__)

SKIPPED_DIRECTORIES = frozenset({".terraform", ".terragrunt-cache", ".git"})
SUFFIXES = (".tf", ".tf.json")


class DiscoveryError(Exception):
    """A path argument that does not exist; a usage error."""


@dataclass(frozen=True)
class SourcePath:
    path: Path
    display: str  # relative to the working directory, forward slashes


def display_path(path: Path, cwd: Path) -> str:
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        relative = str(path)
    return relative.replace(os.sep, "/")


def _excluded(display: str, patterns: tuple[str, ...]) -> bool:
    name = display.rsplit("/", 1)[-1]
    return any(
        fnmatch.fnmatchcase(display, p)
        or fnmatch.fnmatchcase(name, p)
        or fnmatch.fnmatchcase(display + "/", p)
        for p in patterns
    )


def _normalise(pattern: str, cwd: Path) -> str:
    """A glob as a path relative to the working directory, forward slashes."""
    if Path(pattern).is_absolute():
        pattern = display_path(Path(pattern), cwd)
    pattern = pattern.replace(os.sep, "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern.rstrip("/") or "."


def discover(
    arguments: list[str], excludes: tuple[str, ...] = (), cwd: Path | None = None
) -> list[SourcePath]:
    """Files named on the command line, and `.tf` files under directories.

    Exclude globs apply to both, so that tools passing file names (pre-commit)
    get the same files skipped as a walk would.
    """
    cwd = cwd or Path.cwd()
    excludes = tuple(_normalise(p, cwd) for p in excludes)
    found: dict[str, SourcePath] = {}

    for argument in arguments or ["."]:
        path = Path(argument)
        if not path.is_absolute():
            path = cwd / path
        if not path.exists() and not path.is_symlink():
            raise DiscoveryError(f"{argument}: no such file or directory")

        if not path.is_dir():
            # A file named explicitly is checked whatever its suffix.
            if not _excluded(display_path(path, cwd), excludes):
                _add(found, path, cwd)
            continue

        # Symbolic links to directories inside the tree are followed, each real
        # directory once, so a link that loops back cannot hang the walk; links
        # that leave the tree are not followed (the sandbox of evaluation).
        top = os.path.realpath(path)
        seen = {top}
        for root, directories, files in os.walk(path, followlinks=True):
            root_path = Path(root)
            kept = []
            for d in sorted(directories):
                if d in SKIPPED_DIRECTORIES:
                    continue
                if _excluded(display_path(root_path / d, cwd), excludes):
                    continue
                real = os.path.realpath(root_path / d)
                if os.path.commonpath([top, real]) != top:
                    LOG.debug("%s: leaves the tree, not followed", root_path / d)
                    continue
                if real in seen:
                    LOG.debug("%s: already walked as %s", root_path / d, real)
                    continue
                seen.add(real)
                kept.append(d)
            directories[:] = kept
            for name in sorted(files):
                if not name.endswith(SUFFIXES):
                    continue
                file_path = root_path / name
                if _excluded(display_path(file_path, cwd), excludes):
                    LOG.debug("excluded %s", file_path)
                    continue
                _add(found, file_path, cwd)

    return sorted(found.values(), key=lambda s: s.display)


def _add(found: dict[str, SourcePath], path: Path, cwd: Path) -> None:
    key = os.path.normcase(os.path.abspath(path))
    found.setdefault(key, SourcePath(path, display_path(path, cwd)))
