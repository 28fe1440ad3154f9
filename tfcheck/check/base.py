"""What a rule is, and what a rule is given to look at."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from tfcheck.catalog import Catalog
from tfcheck.extract.model import PolicyDocument, Statement
from tfcheck.findings import Finding, Location, Severity


@dataclass(frozen=True)
class Rule:
    """A rule's identity; its module docstring is its user documentation."""

    id: str
    name: str
    severity: Severity
    summary: str
    doc: str

    def finding(
        self,
        message: str,
        location: Location,
        *,
        document: PolicyDocument | None = None,
        statement: Statement | None = None,
        address: str = "",
        action: str | None = None,
        subject: str = "",
        severity: Severity | None = None,
    ) -> Finding:
        if statement is not None and statement.origin:
            address = statement.origin
        elif document is not None:
            address = document.address
        via = ()
        if document is not None and address != document.address:
            via = (document.address,)
        return Finding(
            rule=self.id,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            location=location,
            address=address,
            sid=statement.sid_text if statement else None,
            statement_index=statement.index if statement else None,
            action=action,
            subject=subject or action or "",
            via=via,
        )


def rule(id: str, name: str, severity: Severity, summary: str, doc: str | None) -> Rule:
    """Declare a rule; `doc` is the declaring module's docstring."""
    return Rule(id, name, severity, summary, inspect.cleandoc(doc or ""))


@dataclass(frozen=True)
class Context:
    """What a statement rule may consult besides the statement itself."""

    catalog: Catalog
    document: PolicyDocument
    # Role address -> the jobs it does (ec2-instance, ecs-task, ...).
    principals: dict[str, set[str]] = field(default_factory=dict)

    def holders(self) -> list[str]:
        """The principals whose permissions this document (or a merge of it) sets."""
        return [
            c.principal
            for c in self.document.consumers
            if c.principal and c.context in ("identity", "boundary")
        ]


def quoted(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'
