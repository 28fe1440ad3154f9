#!/usr/bin/env bash
# Installs tfcheck into its own virtual environment under $RUNNER_TEMP, so that
# the caller's Python and its packages are left as they were, and puts the
# environment's bin directory on the PATH of the later steps.
set -euo pipefail

if [[ "${TFCHECK_SKIP_INSTALL:-}" == "1" ]]; then
  # The action's own tests run offline with tfcheck already on PATH.
  echo "version=$(tfcheck --version | awk '{print $NF}')" >> "$GITHUB_OUTPUT"
  exit 0
fi

python="$(command -v python3 || command -v python)"
venv="$RUNNER_TEMP/tfcheck-venv"
"$python" -m venv "$venv"
bin="$venv/bin"
if [[ ! -d "$bin" ]]; then
  bin="$venv/Scripts"  # Windows runners
fi

"$bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
if [[ -n "${INPUT_VERSION:-}" ]]; then
  "$bin/python" -m pip install --quiet --disable-pip-version-check \
    "tfcheck==${INPUT_VERSION#v}"
else
  "$bin/python" -m pip install --quiet --disable-pip-version-check \
    "$GITHUB_ACTION_PATH"
fi

echo "$bin" >> "$GITHUB_PATH"
echo "version=$("$bin/tfcheck" --version | awk '{print $NF}')" >> "$GITHUB_OUTPUT"
