#!/usr/bin/env bash
# The Dockerfile's install, run where Docker cannot be: the production dependencies alone, in a copy of
# what the image holds, must be enough to load and check the dataset through tsx (as the image's CMD runs).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp package.json package-lock.json tsconfig.json "$dir"/
cp -r src commands data "$dir"/
cd "$dir"
npm ci --omit=dev --no-audit --no-fund
test ! -d node_modules/vitest || { echo "dev dependencies were installed" >&2; exit 1; }
node --import tsx src/cli/data-check.ts
echo "production install: ok"
