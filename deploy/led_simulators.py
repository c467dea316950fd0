# ruff: noqa: T201, INP001 - a demo script run by deploy/demo.sh: it prints what the boards receive
"""Simulated LED controllers on loopback for `make demo` (no hardware needed).

An Onbon K card on 127.0.0.1:5005 and an Onbon G6 card on 127.0.0.1:5006 that
parse every frame with the tests' independent parser and answer ACK, and a
Flaschen-Taschen receiver on UDP 127.0.0.1:1337 that counts frames.  Each
received program is logged, so the demo shows the boards being driven.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.publisher.boards.onbon_peer import FakeController, parse_k_dynamic


def _udp(port: int, stop: threading.Event) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    sock.settimeout(0.5)
    frames = 0
    while not stop.is_set():
        try:
            data = sock.recv(65536)
        except TimeoutError:
            continue
        frames += 1
        header = data.split(b"\n", 3)[:3]
        print(
            f"flaschen-taschen :{port}: frame {frames} ({len(data)} bytes, {header[1:3]})",
            flush=True,
        )


def main() -> None:
    """Run until killed."""
    cards = {
        "onbon-k :5005": FakeController("k", port=5005),
        "onbon-g6 :5006": FakeController("g", port=5006),
    }
    stop = threading.Event()
    threading.Thread(target=_udp, args=(1337, stop), daemon=True).start()
    print(
        "LED simulators listening: onbon-k 127.0.0.1:5005, onbon-g6 127.0.0.1:5006, "
        "flaschen-taschen udp 127.0.0.1:1337",
        flush=True,
    )
    seen = dict.fromkeys(cards, 0)
    try:
        while True:
            for name, card in cards.items():
                for request in card.requests[seen[name] :]:
                    detail = ""
                    if card.kind == "k":
                        areas = parse_k_dynamic(request.data)
                        detail = " | ".join(a.text.decode("gb2312", "replace") for a in areas)
                    print(
                        f"{name}: frame of {len(request.data)} bytes, ACK {detail[:80]}", flush=True
                    )
                seen[name] = len(card.requests)
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop.set()


if __name__ == "__main__":
    main()
