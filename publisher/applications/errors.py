"""The register's refusals: a leaf of the publisher's error tree."""

from __future__ import annotations

from publisher.errors import InputError

__all__ = ["ApplicationError"]


class ApplicationError(InputError):
    """A register change was refused; ``field`` names what is wrong.

    The message never holds the applicant's personal data.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field
