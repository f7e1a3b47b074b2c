#!/usr/bin/env bash
# Install the tools the lint suite (test/lint) needs besides the npm devDependencies: Debian's shellcheck.
# The npm tools (dockerlinter, dockerfile-utils, dclint, ajv) come with `npm ci`; the npm wrapper that
# dockerlinter depends on is replaced by a stub (package.json overrides), so it runs this one from PATH.
#
#   bash scripts/install-lint-tools.sh     # as root, or as a user with sudo; does nothing when installed
set -euo pipefail

if command -v shellcheck >/dev/null 2>&1; then
  echo "install-lint-tools: $(command -v shellcheck) is there: $(shellcheck --version | sed -n 's/^version: /version /p')"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-lint-tools: shellcheck is missing and there is no apt-get: install ShellCheck (0.9 or newer) from your OS packages" >&2
  exit 1
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-lint-tools: shellcheck is missing: run this as root (apt-get install needs it)" >&2
    exit 1
  fi
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends shellcheck
echo "install-lint-tools: installed $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
