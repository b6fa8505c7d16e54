#!/usr/bin/env bash
# Scaffolds packages/<dir> for @exile/<dir>: package.json, tsconfigs, vitest project, README stub.
# Usage: tools/new-package.sh <dir> "<description>" [native] [dep ...]
set -euo pipefail
dir=$1; desc=$2; native=${3:-}; shift 2; [ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/packages/$dir"
mkdir -p "$pkg/src" "$pkg/test"
deps='"@exile/common": "workspace:*"'
for d in "$@"; do deps="$deps, \"@exile/$d\": \"workspace:*\""; done
if [ "$native" = native ]; then
  deps="$deps, \"node-addon-api\": \"8.9.2\", \"node-gyp-build\": \"4.8.4\""
  files='["dist", "prebuilds", "native", "binding.gyp"]'
  build='node ../../tools/build-native.mjs && tsc -p tsconfig.build.json && node ../../tools/build-bundle.mjs'
  install='"install": "node-gyp-build",'
  gyp='"gypfile": true,'
else
  files='["dist"]'; build='tsc -p tsconfig.build.json && node ../../tools/build-bundle.mjs'; install=''; gyp=''
fi
cat > "$pkg/package.json" <<JSON
{
  "name": "@exile/$dir",
  "version": "0.0.0",
  "description": "$desc",
  "license": "ISC",
  "type": "module",
  "engines": { "node": ">=20.19" },
  "os": ["linux"],
  $gyp
  "exports": {
    ".": { "types": "./dist/index.d.ts", "default": "./dist/index.js" },
    "./package.json": "./package.json"
  },
  "types": "./dist/index.d.ts",
  "files": $files,
  "scripts": {
    $install
    "build": "$build",
    "typecheck": "tsc --noEmit -p tsconfig.json",
    "test": "vitest run"
  },
  "dependencies": { $deps },
  "devDependencies": { "@exile/test-utils": "workspace:*", "@types/node": "20.19.43", "typescript": "6.0.3", "vitest": "4.1.12" }
}
JSON
cp "$root/packages/common/tsconfig.json" "$root/packages/common/tsconfig.build.json" "$pkg/"
printf "import { exileProject } from '@exile/test-utils/vitest';\n\nexport default exileProject('@exile/%s');\n" "$dir" > "$pkg/vitest.config.ts"
node -e "const f=process.argv[1];const j=JSON.parse(require('fs').readFileSync(f));require('fs').writeFileSync(f,JSON.stringify(j,null,2)+'\n')" "$pkg/package.json"
