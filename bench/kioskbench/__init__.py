"""The parts of `make bench-kiosk` (``bench/bench_kiosk.py``): one module per measurement."""
