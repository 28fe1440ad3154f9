"""JUnit XML: one test case per checked policy statement, failing on findings.

Findings that belong to no statement (files, roles, suppressions) get one
test case each. GitLab, Jenkins and most CI systems read this format.
"""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET


def write(result, out: TextIO, options) -> None:
    cases: dict[tuple, list] = {}
    for document in result.policy_documents:
        for statement in document.statements:
            key = (statement.origin or document.address, statement.index)
            cases.setdefault(key, [])
    loose = []
    for finding in result.findings:
        key = (finding.address, finding.statement_index)
        if finding.statement_index is not None and key in cases:
            cases[key].append(finding)
        else:
            loose.append(finding)

    suite = ET.Element("testsuite", name="tfcheck")
    for (address, index), findings in cases.items():
        case = ET.SubElement(
            suite, "testcase", classname=address, name=f"statement {index}"
        )
        _fail(case, findings)
    for finding in loose:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=finding.address or finding.location.file,
            name=f"{finding.rule} {finding.name}",
        )
        _fail(case, [finding])
    failures = sum(1 for case in suite if case.find("failure") is not None)
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    out.write(ET.tostring(suite, encoding="unicode") + "\n")


def _fail(case: ET.Element, findings: list) -> None:
    if not findings:
        return
    failure = ET.SubElement(
        case, "failure", message=findings[0].message, type=findings[0].rule
    )
    failure.text = "\n".join(
        f"{f.location}: {f.severity.label} {f.rule} {f.message}" for f in findings
    )
