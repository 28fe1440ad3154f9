"""Check extracted policy documents against the catalog."""

from __future__ import annotations

from dataclasses import replace

from tfcheck.catalog import Catalog
from tfcheck.check.base import Context
from tfcheck.check.roles import analyse
from tfcheck.check.rules import (
    DOCUMENT_CHECKS,
    ROLE_CHECKS,
    STATEMENT_CHECKS,
    duplicate_sid,
    not_analysed,
    policy_not_json,
    unresolved,
)
from tfcheck.evaluate.modules import Gap
from tfcheck.extract.model import PolicyDocument
from tfcheck.extract.policies import Extraction
from tfcheck.findings import Finding

_GAP_RULES = {
    "unresolved": unresolved.RULE,
    "not-json": policy_not_json.RULE,
    "not-analysed": not_analysed.RULE,
    "duplicate-sid": duplicate_sid.RULE,
}


def check_documents(
    documents: list[PolicyDocument],
    catalog: Catalog,
    principals: dict[str, set[str]] | None = None,
) -> list[Finding]:
    findings: list[Finding] = []
    for document in documents:
        context = Context(catalog, document, principals or {})
        for document_check in DOCUMENT_CHECKS:
            findings.extend(document_check(document, context))
        for statement in document.statements:
            for check in STATEMENT_CHECKS:
                findings.extend(check(statement, context))
    return findings


def check_roles(extraction: Extraction, catalog: Catalog) -> tuple[list, list[Finding]]:
    """The principals' effective permissions, and the findings on them."""
    views = analyse(extraction, catalog)
    findings = [
        f for view in views for check in ROLE_CHECKS for f in check(view, views)
    ]
    return views, findings


def gap_findings(gaps: list[Gap]) -> list[Finding]:
    return [
        _GAP_RULES[gap.kind].finding(gap.message, gap.location, address=gap.address)
        for gap in gaps
    ]


def deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per place and message, however many documents reached it.

    A statement merged into other documents, or a module called twice, is
    judged each time it is reached; the finding is reported once, with the
    documents it arrived through.
    """
    kept: dict[tuple, Finding] = {}
    for finding in findings:
        key = (
            finding.rule,
            finding.location,
            finding.message,
            finding.action,
            finding.severity,
        )
        first = kept.get(key)
        if first is None:
            kept[key] = finding
        else:
            via = tuple(dict.fromkeys(first.via + finding.via))
            kept[key] = replace(first, via=via)
    return list(kept.values())
