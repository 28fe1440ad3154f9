"""The whole job: discover, parse, evaluate, extract, check, collect."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from tfcheck.catalog import Catalog
from tfcheck.check import check_documents, gap_findings
from tfcheck.check.rules import empty_file, internal_error, parse_error
from tfcheck.discover import SourcePath
from tfcheck.evaluate.expressions import Evaluator
from tfcheck.extract.policies import extract
from tfcheck.findings import Finding, Location, Severity
from tfcheck.parse.hcl import FileProblem, parse_source, read_source

LOG = logging.getLogger(__name__)

# Findings of these rules mean a file was not (fully) checked: exit status 2.
FATAL_RULES = frozenset({parse_error.RULE.id, internal_error.RULE.id})


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    statements: int = 0
    fully_evaluated: int = 0

    @property
    def fatal(self) -> bool:
        return any(f.rule in FATAL_RULES for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def exit_code(self, fail_on: Severity | None) -> int:
        """0 clean, 1 findings at or above fail_on, 2 when a file was not checked."""
        if self.fatal:
            return 2
        if fail_on is not None and any(f.severity >= fail_on for f in self.findings):
            return 1
        return 0


def run(files: list[SourcePath], catalog: Catalog) -> Result:
    result = Result(files=len(files))
    for source_path in files:
        started = time.perf_counter()
        try:
            _check_file(source_path, catalog, result)
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            LOG.debug("internal error on %s", source_path.display, exc_info=True)
            result.findings.append(
                internal_error.RULE.finding(
                    f"tfcheck failed on this file ({type(exc).__name__}: {exc}); "
                    "rerun with --debug and report it",
                    Location(source_path.display, 1, 1),
                )
            )
        LOG.debug(
            "%s: %.1f ms", source_path.display, (time.perf_counter() - started) * 1000
        )

    result.findings.sort(key=Finding.sort_key)
    return result


def _check_file(source_path: SourcePath, catalog: Catalog, result: Result) -> None:
    source = read_source(source_path.path, source_path.display)
    parsed = source if isinstance(source, FileProblem) else parse_source(source)
    if isinstance(parsed, FileProblem):
        rule = parse_error.RULE if parsed.fatal else empty_file.RULE
        result.findings.append(rule.finding(parsed.message, parsed.location))
        return

    extraction = extract(parsed, Evaluator(parsed.source))
    result.findings.extend(gap_findings(extraction.gaps))
    result.findings.extend(check_documents(extraction.documents, catalog))

    result.documents += len(extraction.documents)
    for document in extraction.documents:
        result.statements += len(document.statements)
        result.fully_evaluated += sum(
            1 for s in document.statements if not s.unknowns()
        )
