"""Find the Terraform files to check, in a stable order."""

from __future__ import annotations

import fnmatch
import logging
import os
from dataclasses import dataclass
from pathlib import Path

LOG = logging.getLogger(__name__)

SKIPPED_DIRECTORIES = frozenset({".terraform", ".terragrunt-cache", ".git"})
SUFFIXES = (".tf",)


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


def discover(
    arguments: list[str], excludes: tuple[str, ...] = (), cwd: Path | None = None
) -> list[SourcePath]:
    """Files named on the command line, and `.tf` files under directories."""
    cwd = cwd or Path.cwd()
    found: dict[str, SourcePath] = {}

    for argument in arguments or ["."]:
        path = Path(argument)
        if not path.is_absolute():
            path = cwd / path
        if not path.exists() and not path.is_symlink():
            raise DiscoveryError(f"{argument}: no such file or directory")

        if not path.is_dir():
            # A file named explicitly is checked whatever its suffix.
            _add(found, path, cwd)
            continue

        for root, directories, files in os.walk(path):
            root_path = Path(root)
            directories[:] = sorted(
                d
                for d in directories
                if d not in SKIPPED_DIRECTORIES
                and not _excluded(display_path(root_path / d, cwd), excludes)
            )
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
