"""Background jobs in child processes, with progress, sharing and cancelling.

A job is a command (``python -m ...``) that reads one JSON document on its
standard input and writes JSON lines on its standard output: progress events
``{"stage": ..., "step": ..., "total": ...}``, then ``{"done": true}`` or
``{"error": "one line"}``. Running the work in its own process keeps the
server's interpreter (and its GIL) free and lets a job be stopped at any time.

A :class:`JobRunner` keeps one job per key: whoever submits the same key gets
the same job. Every reader of a job calls :meth:`Job.touch`; a running job
that nobody touched for ``idle_timeout`` seconds (its browser tabs closed) is
cancelled by the runner's watchdog thread.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
STATES = (RUNNING, DONE, FAILED, CANCELLED)
STDERR_LINES = 20


@dataclass(frozen=True)
class Status:
    """A snapshot of a job.

    Attributes
    ----------
    key : str
        The job's key.
    state : {"running", "done", "failed", "cancelled"}
        Where the job is.
    stage : str
        What the job does now, in words.
    step, total : int or None
        Progress within the stage (e.g. epoch 120 of 500), when known.
    elapsed : float
        Seconds since the job started (until it ended, once it has).
    error : str or None
        One line, for a failed job.
    """

    key: str
    state: str
    stage: str
    step: int | None
    total: int | None
    elapsed: float
    error: str | None = None

    @property
    def fraction(self) -> float | None:
        """``step / total`` between 0 and 1, or ``None`` when unknown."""
        if self.step is None or not self.total:
            return None
        return min(max(self.step / self.total, 0.0), 1.0)

    @property
    def finished(self) -> bool:
        """Whether the job has ended, one way or another."""
        return self.state != RUNNING


class Job:
    """One child process and what it reported.

    Parameters
    ----------
    key : str
        Identifies the work; equal keys mean equal results.
    command : sequence of str
        The child's command line.
    payload : dict
        Sent as JSON on the child's standard input.
    env : dict, optional
        Environment of the child (default: this process's).
    """

    def __init__(
        self,
        key: str,
        command: Sequence[str],
        payload: dict,
        *,
        env: dict[str, str] | None = None,
    ) -> None:
        self.key = key
        self._lock = threading.Lock()
        self._state, self._stage, self._error = RUNNING, "starting", None
        self._step: int | None = None
        self._total: int | None = None
        self._started = self._ended = time.monotonic()
        self._seen = self._started
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
        )
        self._readers = [
            threading.Thread(target=self._read_events, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self._send(payload)
        logger.info("job %s started (pid %d)", key, self._process.pid)

    # -- what readers call ---------------------------------------------------------

    def status(self) -> Status:
        """The job as it is now."""
        with self._lock:
            end = time.monotonic() if self._state == RUNNING else self._ended
            return Status(
                key=self.key,
                state=self._state,
                stage=self._stage,
                step=self._step,
                total=self._total,
                elapsed=end - self._started,
                error=self._error,
            )

    def touch(self) -> None:
        """Say that someone still wants the result (keeps the job alive)."""
        with self._lock:
            self._seen = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since the last :meth:`touch` (or the start)."""
        with self._lock:
            return time.monotonic() - self._seen

    def cancel(self) -> None:
        """Stop the child; a finished job is left as it is.

        The child stays in the server's process group, so stopping the server's
        group stops it too; should the server die alone, the child's next
        progress line meets a closed pipe and ends it.
        """
        if not self._finish(CANCELLED, "cancelled", None):
            return
        with contextlib.suppress(ProcessLookupError):
            self._process.kill()
        self._process.wait()
        logger.info("job %s cancelled", self.key)

    def wait(self, timeout: float | None = None) -> Status:
        """Wait until the job has ended (or ``timeout`` seconds), then its status."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for reader in self._readers:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            reader.join(left)
        return self.status()

    # -- the child's side ------------------------------------------------------------

    def _send(self, payload: dict) -> None:
        try:
            self._process.stdin.write(json.dumps(payload))
            self._process.stdin.close()
        except (BrokenPipeError, OSError) as error:
            logger.warning("job %s: could not send its input: %s", self.key, error)

    def _read_stderr(self) -> None:
        for line in self._process.stderr:
            self._stderr.append(line.rstrip())

    def _read_events(self) -> None:
        for line in self._process.stdout:
            self._event(line)
        code = self._process.wait()
        for reader in self._readers[1:]:
            reader.join(5)
        if code == 0:
            self._finish(FAILED, "failed", "the job ended without a result")
        else:
            self._finish(FAILED, "failed", self._crash_message(code))

    def _event(self, line: str) -> None:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            logger.debug("job %s: %s", self.key, line.rstrip())
            return
        if not isinstance(event, dict):
            return
        if event.get("done"):
            self._finish(DONE, "done", None)
        elif "error" in event:
            self._finish(FAILED, "failed", _one_line(str(event["error"])))
        else:
            with self._lock:
                if self._state == RUNNING:
                    self._stage = str(event.get("stage", self._stage))
                    self._step = _int_or_none(event.get("step"))
                    self._total = _int_or_none(event.get("total"))

    def _crash_message(self, code: int) -> str:
        last = next((line for line in reversed(self._stderr) if line.strip()), "")
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        return _one_line(f"the job stopped with {how}" + (f": {last}" if last else ""))

    def _finish(self, state: str, stage: str, error: str | None) -> bool:
        """Record the end once; ``False`` if the job had already ended."""
        with self._lock:
            if self._state != RUNNING:
                return False
            self._state, self._stage, self._error = state, stage, error
            self._ended = time.monotonic()
        if error:
            logger.warning("job %s failed: %s", self.key, error)
        return True


class JobRunner:
    """One job per key, shared; idle jobs cancelled by a watchdog thread.

    Parameters
    ----------
    idle_timeout : float
        Seconds without a :meth:`Job.touch` after which a running job is
        cancelled.
    check_every : float
        Seconds between two looks of the watchdog.
    keep_finished : float
        Seconds a finished job is remembered (so readers see its end).
    """

    def __init__(
        self,
        *,
        idle_timeout: float = 30.0,
        check_every: float = 2.0,
        keep_finished: float = 600.0,
    ) -> None:
        if idle_timeout <= 0 or check_every <= 0:
            raise ValueError(
                f"idle_timeout={idle_timeout!r} and check_every={check_every!r} "
                "must be greater than 0"
            )
        self.idle_timeout = idle_timeout
        self.keep_finished = keep_finished
        self._check_every = check_every
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._watchdog = threading.Thread(
            target=self._watch, name="embspace-jobs", daemon=True
        )
        self._watchdog.start()

    def submit(
        self,
        key: str,
        command: Sequence[str],
        payload: dict,
        *,
        env: dict[str, str] | None = None,
    ) -> Job:
        """The job for ``key``: the one running or done, else a new one.

        A failed or cancelled job is started again.
        """
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.status().state in (FAILED, CANCELLED):
                job = Job(key, command, payload, env=env)
                self._jobs[key] = job
        job.touch()
        return job

    def get(self, key: str) -> Job | None:
        """The job for ``key`` if there is one (touched), else ``None``."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            job.touch()
        return job

    def forget(self, key: str) -> None:
        """Drop a finished job, so that the next :meth:`submit` starts anew."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.status().finished:
                del self._jobs[key]

    def cancel(self, key: str) -> None:
        """Cancel the job for ``key``, if it runs."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            job.cancel()

    def shutdown(self) -> None:
        """Cancel every running job and stop the watchdog."""
        self._stopped.set()
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel()

    def _watch(self) -> None:
        while not self._stopped.wait(self._check_every):
            self.reap()

    def reap(self) -> None:
        """Cancel running jobs nobody wants; forget long finished ones."""
        with self._lock:
            jobs = list(self._jobs.items())
        for key, job in jobs:
            status = job.status()
            idle = job.idle_for()
            if status.state == RUNNING and idle > self.idle_timeout:
                logger.info("job %s unwanted for %.0f s: cancelling", key, idle)
                job.cancel()
            elif status.finished and idle > self.keep_finished:
                with self._lock:
                    if self._jobs.get(key) is job:
                        del self._jobs[key]


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None
