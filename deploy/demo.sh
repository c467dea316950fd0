#!/usr/bin/env bash
# The whole chain on the embedded default, as far as it is built:
#   demo county website → publisher sync into the store → review → signed release
#   → `gongkai serve` (repository, pokes, scheduler) → a kiosk agent that activates it.
# Run by `make demo`. PORT (default 8600) is the demo site's port, PUBLISHER_PORT
# (default 8700) the publisher's; DEMO_HOME (default var/demo) holds the publisher home
# and DEMO_HOME/kiosk the kiosk's. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PORT=${PORT:-8600}
PUBLISHER_PORT=${PUBLISHER_PORT:-8700}
DEMO_HOME=${DEMO_HOME:-var/demo}
KIOSK_HOME="$DEMO_HOME/kiosk"
mkdir -p "$DEMO_HOME" "$KIOSK_HOME"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT INT TERM

wait_for() {  # wait_for LOGFILE PATTERN WHAT
    for _ in $(seq 1 600); do
        if grep -qE "$2" "$1" 2>/dev/null; then return 0; fi
        sleep 0.2
    done
    cat "$1" >&2
    echo "demo: $3 did not start" >&2
    exit 1
}

"$BIN/gongkai" demo-site --port "$PORT" --quiet >"$DEMO_HOME/demo-site.log" 2>&1 &
PIDS+=($!)
wait_for "$DEMO_HOME/demo-site.log" 'http://127\.0\.0\.1:[0-9]+' "the demo site"
URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$DEMO_HOME/demo-site.log" | head -n1)
echo "demo county site: $URL/"

if [ ! -f "$DEMO_HOME/gongkai.toml" ]; then
    "$BIN/gongkai" init --home "$DEMO_HOME" --demo "$URL"
    sed -i "s|^public_url = .*|public_url = \"http://127.0.0.1:$PUBLISHER_PORT\"|" "$DEMO_HOME/gongkai.toml"
fi
echo "syncing the demo county into $DEMO_HOME (the first run fetches about 8,600 pages and files)…"
"$BIN/gongkai" sync --home "$DEMO_HOME" || echo "demo: some items failed; see above"
# In the demo a reviewer approves everything at once; a county reviews item by item.
"$BIN/gongkai" review approve --secrecy-checked --all --home "$DEMO_HOME" --as 演示审核员 || true
if [ ! -f "$DEMO_HOME/repository/metadata/root.json" ]; then
    "$BIN/gongkai" keys init --home "$DEMO_HOME"
fi
"$BIN/gongkai" release --home "$DEMO_HOME"
if [ ! -f "$KIOSK_HOME/token" ]; then
    # The token file is the kiosk's secret: readable by its owner only.
    (umask 077 && "$BIN/gongkai" device add demo-kiosk --channel town-nanan --home "$DEMO_HOME" \
        | sed -n 's/^token (shown once; give it to the kiosk): //p' > "$KIOSK_HOME/token")
fi
cp "$DEMO_HOME/provision/root.json" "$KIOSK_HOME/root.json"

# Disclosure on application (依申请公开): the demo county's register (the 2008 report's
# 11 applications and a 2026 register, fictional people), what is due, and the annual
# reports generated from the store (docs/applications-register.md). Importing twice adds
# nothing; the staff console will show the same register.
REGISTER=publisher/applications/demo
"$BIN/gongkai" applications import "$REGISTER/register.csv" --home "$DEMO_HOME" || true
"$BIN/gongkai" applications dashboard --home "$DEMO_HOME" || true
"$BIN/gongkai" report annual --year 2008 --legacy-2008 --text "$REGISTER/report-2008.toml" \
    --out "$DEMO_HOME/reports" --home "$DEMO_HOME" || true
"$BIN/gongkai" report annual --year 2026 --text "$REGISTER/report-2026.toml" \
    --out "$DEMO_HOME/reports" --home "$DEMO_HOME" || true
echo "annual reports: $DEMO_HOME/reports/  status lookup at the kiosk: 依申请公开 → 查询办理进度"

# LED boards: simulated controllers on loopback (an Onbon K card, an Onbon G6 card, a
# Flaschen-Taschen receiver; deploy/led_simulators.py), what each demo board shows and
# why, a preview of exactly its pixels, and a push through each driver. `serve` then
# re-evaluates the boards at every schedule boundary (see docs/boards.md).
if grep -q '^\[\[boards\]\]' "$DEMO_HOME/gongkai.toml"; then
    "$BIN/python" deploy/led_simulators.py >"$DEMO_HOME/led-simulators.log" 2>&1 &
    PIDS+=($!)
    sleep 1
    "$BIN/gongkai" board list --home "$DEMO_HOME" || true
    "$BIN/gongkai" board explain lobby-preview --at "2026-12-01 10:30" --home "$DEMO_HOME" || true
    "$BIN/gongkai" board explain square-ft --at "2026-12-02 01:30" --home "$DEMO_HOME" || true
    mkdir -p "$DEMO_HOME/previews"
    "$BIN/gongkai" board preview nanan-g6 --at "2026-12-01 08:30" \
        --out "$DEMO_HOME/previews/nanan-g6.gif" --home "$DEMO_HOME" || true
    for board in hall-k nanan-g6 square-ft lobby-preview; do
        "$BIN/gongkai" board push "$board" --timeout 3 --home "$DEMO_HOME" || true
    done
    echo "board previews: $DEMO_HOME/previews/  simulators: $DEMO_HOME/led-simulators.log"
fi

"$BIN/gongkai" serve --home "$DEMO_HOME" --port "$PUBLISHER_PORT" >"$DEMO_HOME/serve.log" 2>&1 &
PIDS+=($!)
wait_for "$DEMO_HOME/serve.log" 'serving' "the publisher"
PUBLISHER="http://127.0.0.1:$PUBLISHER_PORT"
echo "publisher: $PUBLISHER/ (log: $DEMO_HOME/serve.log)"
"$BIN/python" - "$PUBLISHER/repo/metadata/timestamp.json" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=5).read()
        break
    except OSError:
        time.sleep(0.2)
PY

# The staff console: one demo account per role (and a town reviewer), each with a
# one-time password to change at first login; a re-run gives each a new one.
echo "staff console: $PUBLISHER/staff/ (demo logins; each must change its password):"
for spec in 演示审核员:审核员: 演示终审:终审: 演示排程:屏幕排程: 演示运维:运维: 演示管理员:管理员: 演示登记:依申请登记: \
            南安审核员:审核员:nanan; do
    IFS=: read -r name role town <<<"$spec"
    if "$BIN/gongkai" user list --json --home "$DEMO_HOME" | grep -q "\"name\": \"$name\""; then
        login=$("$BIN/gongkai" user reset "$name" --home "$DEMO_HOME")
    else
        login=$("$BIN/gongkai" user add "$name" --role "$role" ${town:+--town "$town"} \
            --home "$DEMO_HOME")
    fi
    echo "  $role${town:+ ($town)}: $(echo "$login" | head -n1)"
done

"$BIN/gongkai" kiosk-agent --publisher "$PUBLISHER" --home "$KIOSK_HOME" \
    --channel town-nanan --token-file "$KIOSK_HOME/token" --once
echo "kiosk: active release in $KIOSK_HOME/active"
"$BIN/gongkai" device list --home "$DEMO_HOME"
# 查询办理进度 as the kiosk asks it: 依申〔2026〕26号 of the demo register, phone ending 8866.
"$BIN/python" - "$PUBLISHER" "$KIOSK_HOME/token" <<'PY' || true
import sys
from pathlib import Path
from kiosk.agent.status import PublisherStatusLookup
answer = PublisherStatusLookup(sys.argv[1], Path(sys.argv[2]).read_text().strip())("202626", "8866")
print(f"kiosk status lookup 202626/8866: {answer.outcome} {answer.status.label if answer.status else ''} "
      f"received {answer.received_on} due {answer.due}")
PY

# The hall kiosk app on what the agent activated: a tour of every screen in both
# modes (under Xvfb when this machine has no display), then, on a desktop, the app.
TOUR="$DEMO_HOME/kiosk-tour"
rm -rf "$TOUR"
if [ -n "${DISPLAY:-}" ]; then
    "$BIN/gongkai" kiosk --home "$KIOSK_HOME" --tour "$TOUR" --size 540x960
else
    xvfb-run -a -s "-screen 0 1080x1920x24 -nolisten tcp" \
        "$BIN/gongkai" kiosk --home "$KIOSK_HOME" --tour "$TOUR" --no-speech
fi
echo "kiosk screenshots (one per screen and mode):"
ls "$TOUR"/*.png | sed 's/^/  /'
if [ -n "${DISPLAY:-}" ]; then
    "$BIN/gongkai" kiosk --home "$KIOSK_HOME" --size 540x960 \
        --publisher "$PUBLISHER" --token-file "$KIOSK_HOME/token" >"$KIOSK_HOME/app.log" 2>&1 &
    PIDS+=($!)
    echo "kiosk app: open on $DISPLAY (log: $KIOSK_HOME/app.log)"
fi
"$BIN/gongkai" kiosk-agent --publisher "$PUBLISHER" --home "$KIOSK_HOME" \
    --channel town-nanan --token-file "$KIOSK_HOME/token" >"$KIOSK_HOME/agent.log" 2>&1 &
PIDS+=($!)
echo "the kiosk agent keeps it current (log: $KIOSK_HOME/agent.log); Ctrl-C stops the demo"
wait "${PIDS[@]}"
