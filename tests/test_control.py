"""Config, inline suppressions and baselines: what users control."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import check_tree
from tfcheck.cli import main
from tfcheck.config import ConfigError, Settings, find_config, load_settings
from tfcheck.control import apply

TYPO = '    "ssmmessages:OpenDataChanel",'
BASE = """data "aws_iam_policy_document" "d" {{
  statement {{
    actions = [
{before}
{typo}
      "ssmmessages:CreateDataChanel",
      "ssmmessages:OpenControlChannel",
    ]
    resources = ["*"]
  }}
}}
"""


def checked(tmp_path, catalog, text, settings=None, today=dt.date(2026, 12, 3)):
    (tmp_path / "main.tf").write_text(text)
    result = check_tree(tmp_path, catalog)
    apply(result, settings or Settings(), today)
    return result


def names_and_lines(result):
    return [(f.name, f.location.line) for f in result.findings]


# --- inline suppressions ------------------------------------------------------


def test_same_line_hides_only_that_line(tmp_path, catalog):
    text = BASE.format(before="", typo=TYPO + " # tfcheck:ignore TFC102 -- fork")
    result = checked(tmp_path, catalog, text)
    assert names_and_lines(result) == [("unknown-action", 6)]
    assert [s.finding.location.line for s in result.suppressed] == [5]
    assert result.suppressed[0].reason == "fork"


def test_line_above_hides_the_next_line(tmp_path, catalog):
    text = BASE.format(before="    # tfcheck:ignore unknown-action -- fork", typo=TYPO)
    result = checked(tmp_path, catalog, text)
    assert names_and_lines(result) == [("unknown-action", 6)]


def test_above_a_block_hides_the_whole_block(tmp_path, catalog):
    text = "# tfcheck:ignore TFC102 -- vendored\n" + BASE.format(before="", typo=TYPO)
    result = checked(tmp_path, catalog, text)
    assert names_and_lines(result) == []
    assert len(result.suppressed) == 2


def test_ignore_file_and_other_rules_stay(tmp_path, catalog):
    text = "# tfcheck:ignore-file TFC102 -- generated\n" + BASE.format(
        before="", typo=TYPO
    ).replace('resources = ["*"]', "resources = []")
    result = checked(tmp_path, catalog, text)
    assert {n for n, _ in names_and_lines(result)} == {"resource-not-star"}


def test_above_a_module_call_hides_findings_inside_it(tmp_path, catalog):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(BASE.format(before="", typo=TYPO))
    (tmp_path / "main.tf").write_text(
        "# tfcheck:ignore all -- vendor module, tracked in SEC-1\n"
        'module "vendor" {\n  source = "./m"\n}\n'
    )
    result = check_tree(tmp_path, catalog)
    apply(result, Settings(), dt.date(2026, 12, 3))
    assert names_and_lines(result) == []
    assert {s.finding.address for s in result.suppressed} == {
        "module.vendor.data.aws_iam_policy_document.d"
    }


def test_misused_suppressions_are_findings(tmp_path, catalog):
    text = BASE.format(
        before="    # tfcheck:ignore TFC102 exp:2020-01-01 -- old\n"
        "    # tfcheck:ignore TFC999 -- typo in the rule\n"
        "    # tfcheck:ignore TFC104 -- nothing to hide here",
        typo=TYPO + " # tfcheck:ignore TFC102",
    )
    result = checked(tmp_path, catalog, text)
    found = names_and_lines(result)
    assert ("suppression-expired", 4) in found
    assert ("suppression-malformed", 5) in found
    assert ("suppression-unused", 6) in found
    assert ("suppression-without-reason", 7) in found
    # the reasonless one is honoured; the expired one hides nothing
    assert [s.finding.location.line for s in result.suppressed] == [7]


def test_ignore_file_after_a_block_is_malformed(tmp_path, catalog):
    text = BASE.format(before="", typo=TYPO) + "# tfcheck:ignore-file TFC102 -- late\n"
    result = checked(tmp_path, catalog, text)
    assert ("suppression-malformed", 12) in names_and_lines(result)
    assert len([n for n, _ in names_and_lines(result) if n == "unknown-action"]) == 2


def test_no_inline_suppressions_for_audits(tmp_path, catalog):
    text = BASE.format(before="", typo=TYPO + " # tfcheck:ignore TFC102 -- fork")
    result = checked(tmp_path, catalog, text, Settings(inline_suppressions=False))
    assert [n for n, _ in names_and_lines(result)] == ["unknown-action"] * 2
    assert result.suppressed == []


# --- baselines ----------------------------------------------------------------


def test_baseline_hides_known_findings_and_reports_stale_entries(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(BASE.format(before="", typo=TYPO))
    baseline = tmp_path / "baseline.json"
    with pytest.raises(SystemExit):
        main(["--write-baseline", str(baseline), "."])
    capsys.readouterr()
    entries = json.loads(baseline.read_text())["findings"]
    assert [e["rule"] for e in entries] == ["TFC102", "TFC102"]
    assert all("line" not in e for e in entries)

    # an edit above moves the findings; the baseline still matches them
    (tmp_path / "main.tf").write_text("\n\n" + BASE.format(before="", typo=TYPO))
    with pytest.raises(SystemExit) as exit_info:
        main(["--baseline", str(baseline), "."])
    assert exit_info.value.code == 0
    capsys.readouterr()

    # fixing one finding leaves a stale entry, said as a note
    (tmp_path / "main.tf").write_text(
        BASE.format(before="", typo=TYPO).replace("OpenDataChanel", "OpenDataChannel")
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["--baseline", str(baseline), "--format", "json", "."])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["name"] for f in findings] == ["baseline-stale"]
    assert exit_info.value.code == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[]", "b.json: not a tfcheck baseline"),
        (b"{", "b.json: baseline is not JSON"),
        (b"\xff\xfe{}", "b.json: baseline is not UTF-8 JSON"),
    ],
)
def test_a_bad_baseline_is_exit_two(tmp_path, capsys, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(BASE.format(before="", typo=TYPO))
    (tmp_path / "b.json").write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["--baseline", "b.json", "."])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


# --- config ----------------------------------------------------------------------


def test_config_discovery_walks_up_and_pyproject_counts(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_config(tmp_path / "a" / "b") is None
    (tmp_path / "pyproject.toml").write_text("[tool.tfcheck]\nfail-on = 'warning'\n")
    assert find_config(tmp_path / "a" / "b") == tmp_path / "pyproject.toml"
    (tmp_path / "a" / ".tfcheck.toml").write_text("fail-on = 'note'\n")
    assert find_config(tmp_path / "a" / "b") == tmp_path / "a" / ".tfcheck.toml"


def test_precedence_cli_over_environment_over_file_over_default(tmp_path, monkeypatch):
    monkeypatch.delenv("TFCHECK_FORMAT", raising=False)
    monkeypatch.delenv("TFCHECK_CONFIG", raising=False)
    assert load_settings({}, tmp_path).format == "auto"
    (tmp_path / ".tfcheck.toml").write_text(
        'format = "json"\nselect = ["TFC1"]\n[rules.severity]\nTFC104 = "note"\n'
    )
    settings = load_settings({}, tmp_path)
    assert (settings.format, settings.select) == ("json", ["TFC1"])
    assert settings.severity == {"TFC104": "note"}
    monkeypatch.setenv("TFCHECK_FORMAT", "sarif")
    assert load_settings({}, tmp_path).format == "sarif"
    assert load_settings({"format": "concise"}, tmp_path).format == "concise"
    assert load_settings({}, tmp_path, isolated=True).format == "sarif"  # env only


def test_config_errors_name_file_key_and_reason(tmp_path, monkeypatch):
    monkeypatch.delenv("TFCHECK_CONFIG", raising=False)
    cases = {
        'fail-on = "fatal"': "key 'fail-on': 'fatal' is not one of",
        'colour = "always"': "unknown key 'colour'",
        "exclude = 3": "key 'exclude': expected a list of strings",
        "[rules.severity]\nTFC104 = 'loud'": "'loud' is not one of error",
        "not toml [": "not valid TOML",
    }
    for content, reason in cases.items():
        path = tmp_path / ".tfcheck.toml"
        path.write_text(content)
        with pytest.raises(ConfigError) as error:
            load_settings({}, tmp_path)
        assert str(path) in str(error.value) and reason in str(error.value), content


def test_bad_config_is_exit_two(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(BASE.format(before="", typo=TYPO))
    (tmp_path / ".tfcheck.toml").write_text('format = "xml"\n')
    with pytest.raises(SystemExit) as exit_info:
        main(["."])
    assert exit_info.value.code == 2
    assert "'xml' is not one of" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["--isolated", "--select", "TFC99999", "."])
    assert exit_info.value.code == 2


def test_severity_overrides_select_and_ignore(tmp_path, catalog):
    text = BASE.format(before="", typo=TYPO).replace('["*"]', "[]")
    result = checked(tmp_path, catalog, text, Settings(severity={"TFC102": "note"}))
    assert {f.severity.label for f in result.findings if f.rule == "TFC102"} == {"note"}
    result = checked(
        tmp_path, catalog, text, Settings(select=["TFC10"], ignore=["unknown-action"])
    )
    assert {f.name for f in result.findings} == {"resource-not-star"}
