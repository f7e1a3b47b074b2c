#!/usr/bin/env bash
# Run the generator on a copy of an example project, non-interactively, and show what it wrote.
#   scripts/example.sh [EXAMPLE] [generator options...]
# EXAMPLE is a folder of examples/ (fastapi-service, the default; flask-app, django-site, streamlit-dashboard,
# notebook-job).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
example="${1:-fastapi-service}"
shift || true
if [ ! -d "${root}/examples/${example}" ]; then
  echo "example.sh: no example named ${example}; the examples are the folders in ${root}/examples" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/docker-best-${example}-XXXXXX")"
cp -R "${root}/examples/${example}/." "${work}/"
echo "==> npx generator-docker-best --defaults $*   (in a copy of examples/${example}: ${work})"
(cd "${work}" && node "${root}/dist/bin/docker-best.js" --defaults "$@" </dev/null)

for file in Dockerfile .dockerignore build.sh compose.yaml compose.dev.yaml stack.yaml README.Docker.md .yo-rc.json; do
  printf '\n==> %s\n' "${file}"
  cat "${work}/${file}"
done
printf '\nThe generated setup is in %s\n' "${work}"
