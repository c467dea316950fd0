"""朗读: read text aloud in Mandarin through the system's TTS, and stop it.

``Speaker`` is the interface the app uses; ``EspeakSpeaker`` drives espeak-ng
(Debian's ``espeak-ng``, voice ``cmn``) in a child process, so speech never
blocks the UI and stopping is killing that process.  A better engine (a
neural Mandarin voice) replaces it by implementing the same three methods.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Protocol

__all__ = ["EspeakSpeaker", "SilentSpeaker", "Speaker", "default_speaker"]

log = logging.getLogger(__name__)


class Speaker(Protocol):
    """Reads text aloud."""

    def speak(self, text: str) -> None:
        """Start reading ``text`` (stopping whatever was being read)."""
        ...

    def stop(self) -> None:
        """Stop reading now."""
        ...

    @property
    def speaking(self) -> bool:
        """Whether it is reading."""
        ...


class EspeakSpeaker:
    """espeak-ng in a child process; text goes in on stdin, never on the command line."""

    def __init__(
        self, executable: str = "espeak-ng", *, voice: str = "cmn", words_per_minute: int = 150
    ) -> None:
        self.command = [executable, "-v", voice, "-s", str(words_per_minute), "--stdin"]
        self._process: subprocess.Popen[bytes] | None = None

    def speak(self, text: str) -> None:
        """Read ``text``; a previous reading stops first."""
        self.stop()
        try:
            self._process = subprocess.Popen(  # noqa: S603 - fixed argv, text on stdin
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("read-aloud unavailable: %s", exc)
            self._process = None
            return
        if self._process.stdin is None:
            return
        try:
            self._process.stdin.write(text.encode("utf-8"))
            self._process.stdin.close()
        except OSError:
            self.stop()

    def stop(self) -> None:
        """Stop reading (kill the child; reap it so no zombie is left)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=5)

    @property
    def speaking(self) -> bool:
        """Whether the child process is still reading."""
        return self._process is not None and self._process.poll() is None


class SilentSpeaker:
    """No TTS on this machine: remembers what it was asked, says nothing."""

    def __init__(self) -> None:
        self.spoken: list[str] = []
        self._speaking = False

    def speak(self, text: str) -> None:
        """Record the request."""
        self.spoken.append(text)
        self._speaking = True

    def stop(self) -> None:
        """Stop."""
        self._speaking = False

    @property
    def speaking(self) -> bool:
        """Whether a reading is 'in progress'."""
        return self._speaking


def default_speaker() -> Speaker:
    """espeak-ng when installed, else a silent speaker (logged)."""
    if shutil.which("espeak-ng"):
        return EspeakSpeaker()
    log.warning("espeak-ng not found: 朗读 is disabled")
    return SilentSpeaker()
