"""LED boards: configuration, schedules, rendering and controller drivers.

The shared vocabulary lives in :mod:`publisher.boards.program` (what a board
shows) and :mod:`publisher.boards.drivers.base` (how it gets there).
"""

__all__: list[str] = []
