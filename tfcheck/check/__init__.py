"""Check extracted policy documents against the catalog."""

from __future__ import annotations

from tfcheck.catalog import Catalog
from tfcheck.check.base import Context
from tfcheck.check.rules import STATEMENT_CHECKS, policy_not_json, unresolved
from tfcheck.extract.model import PolicyDocument
from tfcheck.extract.policies import Gap
from tfcheck.findings import Finding

_GAP_RULES = {"unresolved": unresolved.RULE, "not-json": policy_not_json.RULE}


def check_documents(documents: list[PolicyDocument], catalog: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    for document in documents:
        context = Context(catalog, document)
        for statement in document.statements:
            for check in STATEMENT_CHECKS:
                findings.extend(check(statement, context))
    return findings


def gap_findings(gaps: list[Gap]) -> list[Finding]:
    return [
        _GAP_RULES[gap.kind].finding(gap.message, gap.location, address=gap.address)
        for gap in gaps
    ]
