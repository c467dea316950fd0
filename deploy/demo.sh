#!/usr/bin/env bash
# The whole chain on the embedded default, as far as it is built:
#   demo county website → publisher sync into the store → the scheduler.
# Run by `make demo`. PORT (default 8600) is the demo site's port; DEMO_HOME
# (default var/demo) the publisher home. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PORT=${PORT:-8600}
DEMO_HOME=${DEMO_HOME:-var/demo}
mkdir -p "$DEMO_HOME"
LOG="$DEMO_HOME/demo-site.log"

"$BIN/gongkai" demo-site --port "$PORT" --quiet >"$LOG" 2>&1 &
SITE=$!
trap 'kill "$SITE" 2>/dev/null || true' EXIT INT TERM

URL=""
for _ in $(seq 1 300); do
    URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$LOG" | head -n1 || true)
    [ -n "$URL" ] && break
    kill -0 "$SITE" 2>/dev/null || { cat "$LOG" >&2; echo "demo: the demo site did not start" >&2; exit 1; }
    sleep 0.2
done
[ -n "$URL" ] || { echo "demo: the demo site printed no address" >&2; exit 1; }
echo "demo county site: $URL/"

if [ ! -f "$DEMO_HOME/gongkai.toml" ]; then
    "$BIN/gongkai" init --home "$DEMO_HOME" --demo "$URL"
fi
echo "syncing the demo county into $DEMO_HOME (the first run fetches about 8,600 pages and files)…"
"$BIN/gongkai" sync --home "$DEMO_HOME" || echo "demo: some items failed; see above"
"$BIN/gongkai" status --home "$DEMO_HOME"
echo "review with: $BIN/gongkai review list --home $DEMO_HOME"
"$BIN/gongkai" serve --home "$DEMO_HOME"
