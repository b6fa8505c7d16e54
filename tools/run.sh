#!/usr/bin/env bash
# The project's entry point: `npm run demo`, `npm test`, `npm run bench`, `npm run test:kernels` all come here.
# Sets everything up idempotently on a machine with Node >= 20.19, npm and a C++ toolchain, then
# runs the requested thing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# Installs the missing Debian packages of the lines on stdin: <package> <file that proves it is installed>.
setup_apt() {
  local missing=()
  while read -r pkg proof; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    [ -e "$proof" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "warning: missing Debian packages (${missing[*]}); the tests that need them will fail"
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_pnpm() {
  # The global pnpm must equal packageManager exactly, or pnpm refuses to install.
  if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
    log "installing pnpm $pnpm_version"
    npm install --global --silent "pnpm@$pnpm_version"
  fi
}

setup() {
  # node-gyp must build against the installed Node's headers instead of downloading them.
  export npm_config_nodedir=${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
  # The cross toolchains for the prebuilds of the other architectures come from their one list.
  { cat tools/apt-packages.txt; node tools/prebuild-arches.mjs apt; } | setup_apt
  setup_pnpm
  log "pnpm install"
  pnpm install --frozen-lockfile --reporter=silent
  log "build"
  pnpm turbo run build --output-logs=errors-only
}

run_tests() {
  log "lint"
  pnpm exec eslint --max-warnings=0 .
  log "typecheck"
  pnpm turbo run typecheck --output-logs=errors-only
  log "tests"
  local status=0 pack=0
  pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json || status=$?
  log "pack-check"
  node tools/pack-check/pack-check.mjs || pack=$?
  node tools/summary.mjs .vitest-results.json "$pack"
  [ "$pack" -eq 0 ] || status=$pack
  return "$status"
}

case "${1:-}" in
  setup) setup ;;
  demo) setup; log "demo: exile probe"; node packages/core/dist/cli.cjs probe; log "demo: examples/archive-extract"; node examples/archive-extract/index.mjs ;;
  test) setup; run_tests ;;
  bench) setup; shift; node tools/bench.mjs "$@" ;;
  kernels) setup; setup_apt < tools/kernels/apt-packages.txt; shift; node tools/kernels/kernels.mjs "$@" ;;
  *) echo "usage: tools/run.sh setup|demo|test|bench|kernels" >&2; exit 2 ;;
esac
