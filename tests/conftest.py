from __future__ import annotations

from pathlib import Path

import pytest

from tfcheck.catalog import load_catalog
from tfcheck.discover import discover
from tfcheck.findings import Finding
from tfcheck.pipeline import Options, Result, run

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


def check_tree(path: Path, catalog=None) -> Result:
    """Run the whole pipeline on a file or directory, paths relative to it."""
    base = path if path.is_dir() else path.parent
    options = Options(cwd=base, roots=[base])
    return run(discover([str(path)], cwd=base), catalog or load_catalog(), options)


def triples(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.name, f.location.line, f.location.column) for f in findings]


def at(findings: list[Finding], name: str) -> list[tuple[str, int]]:
    """(file, line) of each finding of one rule, in output order."""
    return [(f.location.file, f.location.line) for f in findings if f.name == name]
