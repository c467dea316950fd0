"""The driver interface every controller driver implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from publisher.errors import InputError, UnavailableError

if TYPE_CHECKING:
    from publisher.boards.program import Program, Slide


class BoardError(UnavailableError):
    """A push failed; ``str(exc)`` says why in words staff can act on."""


class BoardUnreachableError(BoardError):
    """No connection, or no reply before the timeout."""


class BoardRejectedError(BoardError):
    """The controller answered with a NACK (or an error code).

    ``code`` is the controller's error number when it gave one (Onbon
    ``CmdError``), so callers can tell "busy" (3, worth a retry) from "font
    missing" (12, needs a person) without parsing the message.
    """

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class BoardContentError(BoardError, InputError, ValueError):
    """The program cannot be shown on this board as it stands.

    Raised before anything is sent: a character the font card cannot encode
    (``char`` names it), or a program too big for the controller's buffer.
    Retrying does not help; the content or the board configuration must change.
    """

    def __init__(self, message: str, *, char: str | None = None) -> None:
        super().__init__(message)
        self.char = char


@dataclass(frozen=True)
class PushResult:
    """What one push did."""

    board_id: str
    frames: int  # protocol frames (or datagrams, or files) sent
    bytes_sent: int
    seconds: float
    detail: str = ""


class Driver(Protocol):
    """Pushes a :class:`Program` to one board.

    ``push`` raises :class:`BoardUnreachableError` or :class:`BoardRejectedError`; it
    reconnects by itself on the next call after a failure.  Retrying with
    back-off across calls is the caller's job (the pusher), so one dead board
    never holds up the others.
    """

    def push(self, program: Program) -> PushResult:
        """Send the program; return when the controller has acknowledged it."""
        ...

    def close(self) -> None:
        """Drop any open connection."""
        ...


@runtime_checkable
class SlideSink(Protocol):
    """A driver whose controller keeps no program (Flaschen-Taschen).

    ``push`` shows the first slide; whoever wants the slides to cycle calls
    ``show`` with the next one on its own timer (the pusher's ``cycle``).
    """

    def show(self, slide: Slide) -> PushResult:
        """Show one slide now."""
        ...
