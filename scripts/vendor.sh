#!/usr/bin/env bash
# Refresh the vendored front-end files from the pinned package.json (needs npm; running the app does not).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
dest=rathaus/core/static/vendor
rm -rf "$dest" && mkdir -p "$dest/kern/fonts"
kern=node_modules/@kern-ux/native/dist
cp "$kern/kern.min.css" "$dest/kern/"
cp "$kern/fonts/fira-sans.css" "$dest/kern/fonts/"
mkdir -p "$dest/kern/fonts/fira-sans"
# Only the font files the stylesheet references.
grep -o 'fira-sans/[A-Za-z-]*\.woff2' "$kern/fonts/fira-sans.css" | sort -u | while read -r f; do cp "$kern/fonts/$f" "$dest/kern/fonts/$f"; done
cp node_modules/@kern-ux/native/LICENSE.md "$dest/kern/LICENSE.md"
mkdir -p "$dest/htmx" && cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE" 2>/dev/null || true
echo "vendored into $dest"
