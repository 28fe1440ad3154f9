"""The findings as JSON, in a versioned shape (see docs/json-format.md)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from tfcheck import __version__
from tfcheck.findings import Finding, Severity

SCHEMA_VERSION = 1


def finding_data(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line or loc.line,
        "end_column": loc.end_column or loc.column,
        "address": finding.address or None,
        "via": list(finding.via),
        "statement": (
            None
            if finding.statement_index is None
            else {"sid": finding.sid, "index": finding.statement_index}
        ),
        "action": finding.action,
        "fingerprint": finding.fingerprint,
    }


def document(result, fail_on: Severity | None) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "tfcheck", "version": __version__},
        "summary": {
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "notes": result.count(Severity.NOTE),
            "suppressed": len(result.suppressed),
            "files": result.files,
            "documents": result.documents,
            "statements": result.statements,
            "fully_evaluated": result.fully_evaluated,
            "exit_code": result.exit_code(fail_on),
        },
        "findings": [finding_data(f) for f in result.findings],
        "suppressed": [
            {
                **finding_data(s.finding),
                "suppression": {
                    "kind": s.kind,
                    "reason": s.reason,
                    "expires": s.expires,
                },
            }
            for s in result.suppressed
        ],
    }


def write(result, out: TextIO, options) -> None:
    json.dump(document(result, options.fail_on), out, indent=2)
    out.write("\n")
