"""The values every stage of the pipeline passes on: locations and findings."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How much a finding matters; the names are SARIF's levels."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}: use one of {names}") from None


@dataclass(frozen=True, order=True)
class Location:
    """A span in a file, 1-based lines and columns, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Finding:
    """One thing tfcheck has to say about one place in the input."""

    rule: str
    name: str
    severity: Severity
    message: str
    location: Location
    address: str = ""
    sid: str | None = None
    statement_index: int | None = None
    action: str | None = None
    # What the finding is about (an action, a resource, a key), for fingerprints
    # that survive edits elsewhere in the file.
    subject: str = field(default="", compare=False)
    # The merged documents a statement's finding also reached the report through.
    via: tuple[str, ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.message)

    @property
    def fingerprint(self) -> str:
        # No line numbers: a finding keeps its fingerprint when lines move.
        parts = (
            self.rule,
            self.location.file,
            self.address,
            self.sid or "",
            "" if self.statement_index is None else str(self.statement_index),
            self.action or "",
            self.subject,
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
