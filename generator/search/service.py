"""Pagefind's indexer as a service: the `pagefind --service` process of Pagefind's own Python
API, spoken to directly. Its client waits 0.1 s per answer (3 hours for 100,000 papers); this
one sends requests as they are made while a thread reads the answers."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from ..data.model import GeneratorError


def pagefind_executable() -> Path:
    """Path of Pagefind's extended binary (the one that segments Chinese, Japanese and Thai text
    into words) inside the pagefind_bin_extended wheel; a GeneratorError when it is missing."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:  # pragma: no cover - the dependency is declared
        raise GeneratorError("pagefind's extended binary is not installed: "
                             "pip install 'pagefind[extended]==1.5.2'") from None
    return get_executable()


class PagefindService:
    """One `pagefind --service` process: requests go in as they are made, a thread reads answers."""

    def __init__(self) -> None:
        self._errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(pagefind_executable()), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._errors)
        # Niced: Pagefind works with the core MkDocs leaves idle, not with MkDocs' own. Set
        # from here, not by preexec_fn, which is unsafe in a process that runs threads.
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 10)
        except (AttributeError, OSError):  # not on this system: Pagefind runs at normal priority
            pass
        self._sent = 0
        self._wanted: set[int] = set()
        self._answers: dict[int, dict] = {}
        self.error: str | None = None
        self._closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self.process.stdout.read1(1 << 16):
            *messages, buffer = (buffer + chunk).split(b",")
            for message in messages:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                with self._changed:
                    if payload.get("type") == "Error":
                        self.error = self.error or str(payload.get("message", payload))
                    if answer.get("message_id") in self._wanted:
                        self._answers[answer["message_id"]] = payload
                    self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def send(self, payload: dict, answer: bool = False) -> int:
        """Send a request; with `answer`, keep its answer for `wait`. Return its message id."""
        self._sent += 1
        if answer:
            self._wanted.add(self._sent)
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
        except BrokenPipeError:
            raise GeneratorError(f"pagefind stopped: {self.stderr()}") from None
        return self._sent

    def wait(self, message_id: int) -> dict:
        """The answer to a request sent with `answer`; a GeneratorError if any request failed."""
        self.process.stdin.flush()
        with self._changed:
            while message_id not in self._answers and not self._closed and self.error is None:
                self._changed.wait()
            if self.error is not None:
                raise GeneratorError(f"pagefind failed: {self.error}")
            if message_id not in self._answers:
                raise GeneratorError(f"pagefind stopped: {self.stderr()}")
            return self._answers.pop(message_id)

    def peak_mib(self) -> float:
        """The process's peak resident memory so far (Linux; 0 elsewhere)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0.0
        return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)

    def stderr(self) -> str:
        """The last three lines Pagefind wrote to its standard error, or its exit status."""
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        return " ".join(lines[-3:]) or f"exit status {self.process.poll()}"

    def kill(self) -> None:
        """Stop the service now (its index is not wanted any more): a `wait` under way raises
        GeneratorError."""
        self.process.kill()

    def close(self) -> None:
        """End the service: close its input, wait up to 30 s for it to exit, then kill it."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._errors.close()
