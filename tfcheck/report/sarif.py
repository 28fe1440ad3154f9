"""SARIF 2.1.0, as GitHub code scanning ingests it.

One run, `tfcheck`, with every rule (help, default level, tags) and one
result per finding, located by a repository-relative URI and a full region,
with a stable fingerprint that survives edits elsewhere in the file.
Suppressed findings are included with their suppression, so that code
scanning shows them as dismissed rather than fixed.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from tfcheck import __version__
from tfcheck.check.rules import RULES
from tfcheck.findings import Finding
from tfcheck.report import source_path, source_root

INFORMATION_URI = "https://github.com/tfcheck/tfcheck"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rules() -> list[dict[str, Any]]:
    rules = []
    for rule in RULES.values():
        rules.append(
            {
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc.split("\n\n", 1)[0]},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "defaultConfiguration": {"level": rule.severity.label},
                "properties": {
                    "tags": ["terraform", "iam", "ssmmessages"],
                    "precision": "high",
                    "problem.severity": rule.severity.label,
                },
            }
        )
    return rules


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    loc = finding.location
    region = {"startLine": loc.line, "startColumn": loc.column}
    if loc.end_line:
        region["endLine"] = loc.end_line
        region["endColumn"] = max(loc.end_column, 1)
    properties = {}
    if finding.address:
        properties["address"] = finding.address
    if finding.action:
        properties["action"] = finding.action
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": finding.severity.label,
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": source_path(loc.file),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"tfcheck/v1": finding.fingerprint},
        "properties": properties,
    }


def document(result) -> dict[str, Any]:
    rules = _rules()
    # Findings of other tools (Access Analyzer) bring rule ids of their own.
    extra = sorted({f.rule for f in result.findings} - {r["id"] for r in rules})
    for rule_id in extra:
        rules.append(
            {
                "id": rule_id,
                "name": "access-analyzer",
                "shortDescription": {"text": f"AWS IAM Access Analyzer: {rule_id[3:]}"},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["iam", "access-analyzer"]},
            }
        )
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(f, index) for f in result.findings]
    for suppressed in result.suppressed:
        entry = _result(suppressed.finding, index)
        entry["suppressions"] = [
            {
                "kind": "inSource" if suppressed.kind == "inline" else "external",
                "justification": suppressed.reason,
            }
        ]
        results.append(entry)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tfcheck",
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": "tfcheck/hcl/"},
                "originalUriBaseIds": {
                    "%SRCROOT%": {"uri": source_root().as_uri() + "/"}
                },
                "results": results,
            }
        ],
    }


def write(result, out: TextIO, options) -> None:
    json.dump(document(result), out, indent=2)
    out.write("\n")
