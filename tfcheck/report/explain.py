"""`tfcheck explain`: one principal's effective ssmmessages permissions."""

from __future__ import annotations

from typing import TextIO

from tfcheck.check.effective import Match
from tfcheck.check.roles import RoleView


def write_explanation(view: RoleView, out: TextIO) -> None:
    loc = view.holder.location
    jobs = ", ".join(sorted(view.jobs)) or "no Session Manager job"
    out.write(f"{view.address} ({loc.file}:{loc.line}): {jobs}\n")

    for title, documents in (("policies", view.identity), ("boundary", view.boundary)):
        out.write(f"{title}:\n")
        for document in documents:
            where = document.location
            out.write(f"  {document.address} ({where.file}:{where.line})\n")
        if not documents:
            out.write("  none\n")
    if view.scps:
        out.write("SCPs in the tree (their Denies are a ceiling):\n")
        for document in view.scps:
            out.write(
                f"  {document.address} ({document.location.file}:"
                f"{document.location.line})\n"
            )
    for arn, where in view.unknown_managed:
        out.write(f"  {arn} ({where.file}:{where.line}): not known to tfcheck\n")

    if not view.analysed:
        out.write(
            "not analysed, so the verdicts below are not final: "
            + "; ".join(view.not_analysed_reasons())
            + "\n"
        )

    for action, outcome in sorted(view.outcomes.items()):
        loss = view.losses.get(action)
        verdict = loss.why if loss else outcome.verdict.value
        out.write(f"{action}: {verdict}\n")
        for step in outcome.steps:
            if step.match is Match.NEVER and step.reason.startswith("not in Action"):
                continue
            where = step.location
            sid = f" {step.statement.sid_text}" if step.statement.sid_text else ""
            out.write(
                f"  {where.file}:{where.line} {step.effect}{sid}: "
                f"{step.match.value} ({step.reason})\n"
            )
