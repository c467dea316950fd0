"""Every error the publisher raises on purpose, as one tree.

Hierarchy::

    PublisherError                 root: the publisher refused or could not do something
    ├── InputError                 bad configuration or input: a person must change it
    │   │                          (the CLI exits 2; retrying as it is never helps)
    │   ├── ConfigError            gongkai.toml or a profile is wrong (file, key, line)
    │   ├── HomeInitError          a home exists already, the demo site is not a URL
    │   ├── ReleaseError           no signing keys yet, an unknown channel
    │   ├── KeySetupError          keys asked for where there are keys, a bad threshold
    │   ├── DeviceError            a device name taken or unknown, an unknown channel
    │   ├── ReviewError            a revision already decided or superseded (a ValueError)
    │   ├── UnknownBoardError      no good board of that id in [[boards]] (board_id)
    │   ├── BoardRuleError         a schedule rule or emergency breaks a board rule
    │   │                          (problems: every reason, with its code and field)
    │   ├── OutOfScopeError        a town user's actor reached another town's board
    │   │                          or kiosk (also Django's PermissionDenied: 403)
    │   ├── SyncRequestError       "sync now" for an unknown, disabled or blocked source
    │   └── ApplicationError       a register change that does not fit the application
    │                              (field; never the applicant's personal data)
    └── UnavailableError           couldn't reach or store something; the input was fine
        ├── SourceError            a county website could not be fetched (its own tree:
        │                          ``publisher.sources.errors``)
        ├── BoardError             a push to an LED controller failed
        │   ├── BoardUnreachableError  no connection, or no reply in time
        │   ├── BoardRejectedError     the controller answered an error (code)
        │   └── BoardContentError      the program cannot be shown on that board; also
        │                              an InputError (and a ValueError)
        ├── FontMissingError       no bitmap font for a pixel size (a RuntimeError)
        ├── KeyStoreError          a signing key is missing, unreadable or not trusted
        └── SchedulerLockedError   another ``gongkai serve`` holds the home's lock
                                   (a RuntimeError)

The roots are defined here; each leaf lives beside the code that raises it
(``publisher.tomlfile``, ``publisher.home_init``, ``publisher.release.builder``,
``publisher.release.services``, ``publisher.devices``, ``publisher.store.services``,
``publisher.boards.config``, ``publisher.boards.rules``, ``publisher.actors``,
``publisher.applications.errors``,
``publisher.sources.errors``, ``publisher.boards.drivers.base``,
``publisher.boards.fonts``, ``publisher.release.keys``, ``publisher.jobs``) and
imports its branch from here, never the other way round: this module imports
nothing of the publisher, so any module can raise into the tree. Callers catch
a branch to decide: an ``InputError`` is reported to the person who can fix it,
an ``UnavailableError`` is logged and retried. Leaves that were built-in
exceptions before keep that base too, so older ``except ValueError`` /
``except RuntimeError`` handlers still catch them.
"""

from __future__ import annotations

__all__ = ["InputError", "PublisherError", "UnavailableError"]


class PublisherError(Exception):
    """Root of every error the publisher raises on purpose."""


class InputError(PublisherError):
    """Configuration or input a person must change; retrying as it is never helps."""


class UnavailableError(PublisherError):
    """A site, a board, a file, a key or a lock could not be reached or used."""
