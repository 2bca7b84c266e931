#!/usr/bin/env bash
# Prints what a first visit downloads (gzip, as the server sends it): every file of the built
# web folder (all of it loads on the first visit today). Budget: 300 KB (DESIGN.md).
#   tools/bench/page-weight.sh [web folder, default build/wasm/web]
set -euo pipefail
cd "$(dirname "$0")/../.."
web=${1:-build/wasm/web}
total=0
printf '| file | gzip bytes | raw bytes |\n|---|---|---|\n'
[ -f "$web/index.html" ] || { echo "missing $web/index.html (build first: tools/build.sh)" >&2; exit 1; }
for f in $(cd "$web" && ls | grep -v '\.gz$'); do
  gz=$(gzip -9 -n -c "$web/$f" | wc -c)
  raw=$(wc -c <"$web/$f")
  total=$((total + gz))
  printf '| %s | %d | %d |\n' "$f" "$gz" "$raw"
done
awk -v t="$total" 'BEGIN { printf "| **total** | **%d** (%.1f KB) | |\n", t, t / 1024 }'
