"""The README shows real output and documents every rule."""

from __future__ import annotations

import re
from pathlib import Path

from tfcheck.check.rules import RULES
from tfcheck.cli import main

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_shows_the_real_output_of_the_example(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    try:
        main(["examples/"])
    except SystemExit as exit_info:
        assert exit_info.code == 1
    out = capsys.readouterr().out
    shown = re.search(r"```text\n(.*?)```", README, re.S).group(1)
    assert out == shown


def test_readme_lists_every_rule():
    for rule in RULES.values():
        assert f"| {rule.id} | {rule.name} |" in README


def test_ci_runs_the_readme_test_command():
    command = re.findall(r"```sh\n(.*?)\n```", README, re.S)[1]
    assert command in (ROOT / ".ci" / "run").read_text()


def test_every_statement_rule_documents_a_failing_and_a_passing_example():
    from tfcheck.check.rules import MODULES

    for module in MODULES:
        judges = hasattr(module, "check") or hasattr(module, "check_document")
        if judges and module.RULE.name != "unresolved":
            doc = module.RULE.doc
            assert "Fail" in doc and "Pass" in doc, module.RULE.name
        if "TFC110" <= module.RULE.id < "TFC900":
            assert "https://docs.aws.amazon.com/" in module.RULE.doc, module.RULE.name
