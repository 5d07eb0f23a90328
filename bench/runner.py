"""Child processes with a time limit and their own peak memory, under one clock for the whole run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class TimeLimit(Exception):
    """A stage was stopped (or not started) because the run's time budget would be exceeded."""

    def __init__(self, message: str, peak_rss_mb: float | None = None):
        super().__init__(message)
        self.peak_rss_mb = peak_rss_mb


@dataclass
class Clock:
    """The whole run's deadline: each stage asks how long it may take."""

    budget: float
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self, reserve: float = 0.0) -> float:
        return self.budget - self.elapsed - reserve


@dataclass
class ChildResult:
    answer: dict
    peak_rss_mb: float
    seconds: float


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """The process's peak resident memory (VmHWM) in MB, or None once it is gone.

    Not ``ru_maxrss``: Linux carries a parent's high-water mark into a forked child and keeps it across
    exec, so a worker started by a parent holding 100,000 records would report the parent's peak.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def child(args: list[str], env: dict[str, str], timeout: float) -> ChildResult:
    """Run ``python -m bench.worker ARGS``; stop it after ``timeout`` seconds (raising TimeLimit).

    Its peak memory is the larger of what it reports of itself at the end (``peak_rss_mb`` in its
    answer) and what was last read from /proc while it ran.
    """
    if timeout <= 0:
        raise TimeLimit("no time left in the run's budget")
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", *args], env=env, cwd=ROOT, stdout=out
        )
        deadline = started + timeout
        seen = 0.0
        while True:
            seen = max(seen, peak_rss_mb(process.pid) or 0.0)
            pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                process.returncode = -9
                raise TimeLimit(f"stopped after {timeout:.0f} s", seen)
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"bench.worker {' '.join(args)} failed with exit code {process.returncode}")
        out.seek(0)
        answer = json.loads(out.read())
        peak = max(seen, answer.pop("peak_rss_mb", 0.0) or 0.0)
        return ChildResult(answer, peak, time.monotonic() - started)
