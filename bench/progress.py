"""A progress bar that draws in place on a terminal and prints every tenth when logged to a file."""

from __future__ import annotations

import sys
import time


class Bar:
    def __init__(self, total: int, label: str, stream=sys.stderr):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream
        self.done = 0
        self.started = time.perf_counter()
        self.tty = stream.isatty()
        self._last_tenth = -1

    def step(self, n: int = 1) -> None:
        self.update(self.done + n)

    def update(self, done: int) -> None:
        self.done = done
        if self.tty:
            if done % 200 == 0 or done >= self.total:
                self._draw()
        else:
            tenth = done * 10 // self.total
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self._draw(newline=True)

    def _draw(self, newline: bool = False) -> None:
        share = self.done / self.total
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        filled = int(share * 30)
        line = (
            f"  {self.label:<24} [{'#' * filled}{'-' * (30 - filled)}] {self.done:>7}/{self.total:<7} "
            f"{share:4.0%} {rate:7.0f}/s {elapsed:6.1f}s"
        )
        self.stream.write(line + ("\n" if newline else "\r"))
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self._draw()
            self.stream.write("\n")
        elif self._last_tenth < 10:
            self._draw(newline=True)
        self.stream.flush()
