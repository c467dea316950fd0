"""The parts of `make soak` (``bench/soak.py``).

The chain's processes (``chain``), the fault proxy (``proxy``), the invariants (``monitor``).
"""
