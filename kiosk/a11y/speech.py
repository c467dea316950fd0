"""朗读: read text aloud in Mandarin through the system's TTS, and stop it.

``Speaker`` is the interface the app uses; it is handed text already in its
spoken form (``kiosk.viewmodels.spoken``: 零七九七, 二〇二六年).  Engines:

* ``EspeakSpeaker`` (the default; Debian's ``espeak-ng``): the text goes
  through ``python -m kiosk.a11y.pinyin`` (pypinyin, polyphones by context)
  into espeak-ng's ``cmn-latn-pinyin`` voice, which reads tone-numbered pinyin
  as Mandarin; its plain ``cmn`` voice reads most characters as English-spelled
  pinyin plus a tone digit.  Both are child processes, so speech never blocks
  the UI and stopping is killing them.
* ``PiperSpeaker``: a neural Mandarin voice (Piper, https://github.com/rhasspy/piper)
  with a model file the county installs (for example ``zh_CN-huayan-medium.onnx``
  and its ``.onnx.json``), played by ALSA's ``aplay``; chosen by
  ``gongkai kiosk --voice-model PATH``.  Nothing is downloaded at run time.

Another engine (sherpa-onnx, a vendor's SDK) implements the same three methods.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["EspeakSpeaker", "PiperSpeaker", "SilentSpeaker", "Speaker", "default_speaker"]

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


class _Pipeline:
    """Child processes, each reading the one before: text into the first, sound out of the last."""

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self, commands: list[list[str]], text: str) -> None:
        """Start ``commands`` piped together and write ``text`` to the first."""
        self.stop()
        try:
            upstream = None
            for index, command in enumerate(commands):
                last = index == len(commands) - 1
                process = subprocess.Popen(  # noqa: S603 - fixed argv, text on stdin
                    command,
                    stdin=subprocess.PIPE if upstream is None else upstream,
                    stdout=subprocess.DEVNULL if last else subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
                if upstream is not None:
                    upstream.close()  # the next process holds it now
                upstream = process.stdout
                self._processes.append(process)
        except OSError as exc:
            log.warning("read-aloud unavailable: %s", exc)
            self.stop()
            return
        first = self._processes[0].stdin
        if first is None:
            return
        try:
            first.write(text.encode("utf-8"))
            first.close()
        except OSError:
            self.stop()

    def stop(self) -> None:
        """Kill every child; reap them so no zombie is left."""
        processes, self._processes = self._processes, []
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=5)

    @property
    def running(self) -> bool:
        """Whether the last child (the one making sound) is still running."""
        return bool(self._processes) and self._processes[-1].poll() is None


class EspeakSpeaker:
    """espeak-ng reading pinyin (``cmn-latn-pinyin``); text goes in on stdin, never in argv.

    Args:
        executable: espeak-ng.
        voice: ``cmn-latn-pinyin`` reads the converted text as Mandarin.
        words_per_minute: syllables, in effect; 140 is unhurried for elderly listeners.
        pinyin: convert Chinese to pinyin first (off only for a voice that reads characters).
        python: the interpreter that runs the converter.
    """

    def __init__(
        self,
        executable: str = "espeak-ng",
        *,
        voice: str = "cmn-latn-pinyin",
        words_per_minute: int = 140,
        pinyin: bool = True,
        python: str = sys.executable,
    ) -> None:
        self.command = [executable, "-v", voice, "-s", str(words_per_minute), "--stdin"]
        self.converter = [python, "-m", "kiosk.a11y.pinyin"] if pinyin else None
        self._pipeline = _Pipeline()

    def speak(self, text: str) -> None:
        """Read ``text``; a previous reading stops first."""
        commands = [self.command] if self.converter is None else [self.converter, self.command]
        self._pipeline.start(commands, text)

    def stop(self) -> None:
        """Stop reading."""
        self._pipeline.stop()

    @property
    def speaking(self) -> bool:
        """Whether espeak-ng is still reading."""
        return self._pipeline.running


class PiperSpeaker:
    """A neural voice: ``piper --model M --output-raw | aplay`` (raw 16-bit mono PCM).

    Args:
        model: the county's ``.onnx`` voice; its ``.onnx.json`` beside it gives the sample rate.
        executable: the ``piper`` command.
        player: the ``aplay`` command.
    """

    def __init__(self, model: Path, *, executable: str = "piper", player: str = "aplay") -> None:
        config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
        rate = int(config.get("audio", {}).get("sample_rate", 22050))
        self.commands = [
            [executable, "--model", str(model), "--output-raw"],
            [player, "-q", "-r", str(rate), "-f", "S16_LE", "-t", "raw", "-c", "1", "-"],
        ]
        self._pipeline = _Pipeline()

    def speak(self, text: str) -> None:
        """Read ``text`` (Chinese characters: the model does its own phonemes)."""
        self._pipeline.start(self.commands, text)

    def stop(self) -> None:
        """Stop reading."""
        self._pipeline.stop()

    @property
    def speaking(self) -> bool:
        """Whether the player is still playing."""
        return self._pipeline.running


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


def default_speaker(model: Path | None = None) -> Speaker:
    """Piper with the county's ``model`` when given and installed, else espeak-ng, else silence."""
    if model is not None:
        if model.is_file() and shutil.which("piper") and shutil.which("aplay"):
            return PiperSpeaker(model)
        log.warning("voice model %s or piper/aplay missing: using espeak-ng", model)
    if shutil.which("espeak-ng"):
        return EspeakSpeaker()
    log.warning("espeak-ng not found: 朗读 is disabled")
    return SilentSpeaker()
