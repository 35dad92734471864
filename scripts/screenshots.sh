#!/usr/bin/env bash
# Regenerates screenshots/ from the end-to-end runs of the built console on the demo host (test/e2e/console-demo)
# and on the demo cluster (test/e2e/cluster-demo):
# the screens those runs reach are captured from tmux with their colours (`capture-pane -e`: name.ans, and the text
# alone as name.txt), then drawn as PNG, in colour, by scripts/render-screenshot.mjs (ImageMagick). Never by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/convert >/dev/null || { apt-get update -qq && apt-get install -y -qq imagemagick fonts-dejavu-core >/dev/null; }
out=screenshots
rm -f "$out"/*.txt "$out"/*.ans "$out"/*.png
LXCRI_SCREENSHOTS=$out FORCE_COLOR=1 node --import tsx --test --test-force-exit --test-concurrency=1 test/e2e/console-demo.test.ts test/e2e/cluster-demo.test.ts
for f in "$out"/*.ans; do
  node scripts/render-screenshot.mjs "$f" "${f%.ans}.png"
done
ls -1 "$out"
