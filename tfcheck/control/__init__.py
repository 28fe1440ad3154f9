"""Control over what is reported: severities, selection, suppressions, baselines.

Runs after checking and before reporting. Suppressed findings are kept,
with how they were suppressed, for the formats that show them (JSON,
SARIF); they never count towards the exit status.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from tfcheck.check.rules import RULES, baseline_stale, suppression_unused
from tfcheck.config import Settings
from tfcheck.control.suppressions import Suppression, parse
from tfcheck.findings import Finding, Location, Severity

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    kind: str  # "inline" or "baseline"
    reason: str
    expires: str | None = None


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names it."""


def apply(result, settings: Settings, today: dt.date | None = None) -> None:
    """Filter and suppress the findings of a run, in place."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    findings = list(result.findings)

    if settings.inline_suppressions:
        findings = _inline(findings, result, today)
    if settings.baseline:
        findings = _baseline(findings, result, Path(settings.baseline))

    findings = [_severity(f, settings.severity) for f in findings]
    findings = [f for f in findings if _selected(f, settings.select, settings.ignore)]
    result.findings = sorted(findings, key=Finding.sort_key)


def _inline(findings: list[Finding], result, today: dt.date) -> list[Finding]:
    suppressions: list[Suppression] = []
    problems: list[Finding] = []
    for source, body in result.sources.values():
        found, misused = parse(source, body, today)
        suppressions.extend(found)
        problems.extend(misused)

    kept = []
    for finding in findings:
        match = next((s for s in suppressions if s.covers(finding)), None)
        if match is None:
            kept.append(finding)
            continue
        match.used = True
        expires = match.expires.isoformat() if match.expires else None
        result.suppressed.append(Suppressed(finding, "inline", match.reason, expires))

    for suppression in suppressions:
        if not suppression.used:
            problems.append(
                suppression_unused.RULE.finding(
                    "this tfcheck:ignore hides no finding; remove it",
                    suppression.location,
                )
            )
    return kept + problems


def write_baseline(result, path: Path) -> None:
    entries = [
        {
            "fingerprint": f.fingerprint,
            "rule": f.rule,
            "file": f.location.file,
            "address": f.address or None,
            "action": f.action,
        }
        for f in result.findings
    ]
    data = {"version": BASELINE_VERSION, "findings": entries}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def read_baseline(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: baseline is not JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: baseline is not UTF-8 JSON") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: not a tfcheck baseline of version "
            f"{BASELINE_VERSION}; write it again with --write-baseline"
        )
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(
            f"{path}: 'findings' must be a list of entries with a fingerprint"
        )
    return entries


def _baseline(findings: list[Finding], result, path: Path) -> list[Finding]:
    entries = read_baseline(path)
    known = {e["fingerprint"]: e for e in entries}
    matched: set[str] = set()
    kept = []
    for finding in findings:
        if finding.fingerprint in known:
            matched.add(finding.fingerprint)
            result.suppressed.append(Suppressed(finding, "baseline", str(path)))
        else:
            kept.append(finding)
    for fingerprint, entry in known.items():
        if fingerprint not in matched:
            kept.append(
                baseline_stale.RULE.finding(
                    f"baseline entry for {entry.get('rule')} in {entry.get('file')} "
                    f"({entry.get('address') or 'file'}) matches no finding any more; "
                    "write the baseline again so that it shrinks",
                    Location(str(path), 1, 1),
                    subject=fingerprint,
                )
            )
    return kept


def _severity(finding: Finding, overrides: dict[str, str]) -> Finding:
    for key in (finding.rule, finding.name):
        for rule, level in overrides.items():
            if rule.lower() == key.lower():
                return replace(finding, severity=Severity.parse(level))
    return finding


def _selected(finding: Finding, select: list[str], ignore: list[str]) -> bool:
    def matches(patterns: list[str]) -> bool:
        return any(
            finding.rule.lower().startswith(p.lower()) or finding.name == p.lower()
            for p in patterns
        )

    if select and not matches(select):
        return False
    return not matches(ignore)


def known_rule_patterns(patterns: list[str]) -> list[str]:
    """The select/ignore patterns that match no rule id or name."""
    return [
        p
        for p in patterns
        if not any(
            r.id.lower().startswith(p.lower()) or r.name == p.lower()
            for r in RULES.values()
        )
    ]
