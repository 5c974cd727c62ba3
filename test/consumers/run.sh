#!/usr/bin/env bash
# The package as a registry install gives it, on the runtimes Drizzle users run: `npm pack` (its
# prepack builds dist/), the tarball installed with a plain `npm install` into a Node.js project
# and a Deno project outside the repository, whose tests then run against the native servers:
# Node.js 20 (the machine's), Node.js 22 (the current LTS, from the npm registry's `node`
# package) and Deno 2 (the registry's `deno` package). Bun is kept off their PATH (a `bun` that
# fails), so nothing of theirs can lean on it.
#
# Usage: test/consumers/run.sh <apache-url> <tsl-url>     (either may be empty)
set -euo pipefail
APACHE_URL=${1:-}
TSL_URL=${2:-}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/dts-consumers.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "== npm pack"
cd "$REPO"
tarball="$WORK/$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
files=$(tar -tzf "$tarball" | wc -l)
echo "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) kB packed, $files files"
if tar -tzf "$tarball" | grep -E '^package/(test|bench|scripts|examples|docs)/|\.test\.ts$'; then
  echo "the tarball holds test-only files (above)" >&2
  exit 1
fi

mkdir -p "$WORK/no-bun"
printf '#!/bin/sh\necho "bun is not on the consumer tests'"'"' PATH" >&2\nexit 127\n' >"$WORK/no-bun/bun"
chmod +x "$WORK/no-bun/bun"
export PATH="$WORK/no-bun:$PATH"
export APACHE_URL TSL_URL npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

for consumer in node deno; do
  cp -r "$REPO/test/consumers/$consumer" "$WORK/$consumer"
  sed -i "s#file:TARBALL#file:$tarball#" "$WORK/$consumer/package.json"
  echo "== $consumer consumer: npm install (plain)"
  (cd "$WORK/$consumer" && npm install --no-package-lock --loglevel=error)
done

cd "$WORK/node"
echo "== Node.js $(node --version)"
node --test --test-reporter=spec consumer.check.mjs
echo "== Node.js 22 (current LTS)"
npx --yes node@22 --test --test-reporter=spec consumer.check.mjs

cd "$WORK/deno"
echo "== Deno"
npx --yes deno@2 --version | head -n 1
npx --yes deno@2 test -A --quiet consumer.deno.ts
