#!/usr/bin/env bash
# Runs tfcheck with the action's inputs, which arrive only as INPUT_* variables:
# nothing from the workflow is ever pasted into shell code. Writes the step
# outputs and exits with tfcheck's own status.
set -uo pipefail

args=(--fail-on "${INPUT_FAIL_ON:-error}")

if [[ "${INPUT_ANNOTATIONS:-true}" == "true" ]]; then
  args+=(--format github)
else
  args+=(--format text --color never)
fi
if [[ "${INPUT_SUMMARY:-true}" == "true" ]]; then
  args+=(--github-summary)
else
  args+=(--no-github-summary)
fi
if [[ -n "${INPUT_CONFIG:-}" ]]; then
  args+=(--config "$INPUT_CONFIG")
fi

# The counts for the outputs come from the JSON report, not from parsing text.
counts="${RUNNER_TEMP:-/tmp}/tfcheck-report.json"
args+=(--report "json=$counts")
if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
  args+=(--report "sarif=$INPUT_SARIF_FILE")
fi

# Split on whitespace without evaluating anything (no eval, no globbing).
read -r -a extra <<< "${INPUT_ARGS:-}"
read -r -a paths <<< "${INPUT_PATHS:-.}"

set -f
if [[ -n "${INPUT_PLAN:-}" ]]; then
  tfcheck plan "${args[@]}" "${extra[@]}" "$INPUT_PLAN"
else
  tfcheck check "${args[@]}" "${extra[@]}" -- "${paths[@]}"
fi
status=$?
set +f

if [[ -s "$counts" ]]; then
  tfcheck_python="$(dirname "$(command -v tfcheck)")/python"
  "$tfcheck_python" - "$counts" >> "$GITHUB_OUTPUT" <<'PY'
import json
import sys

summary = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
print(f"findings={summary['errors'] + summary['warnings'] + summary['notes']}")
print(f"errors={summary['errors']}")
print(f"warnings={summary['warnings']}")
PY
else
  printf 'findings=0\nerrors=0\nwarnings=0\n' >> "$GITHUB_OUTPUT"
fi
echo "exit-code=$status" >> "$GITHUB_OUTPUT"
if [[ -n "${INPUT_SARIF_FILE:-}" && -s "$INPUT_SARIF_FILE" ]]; then
  echo "sarif-file=$INPUT_SARIF_FILE" >> "$GITHUB_OUTPUT"
else
  echo "sarif-file=" >> "$GITHUB_OUTPUT"
fi

exit "$status"
