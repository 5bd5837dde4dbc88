"""`consume --processes N`: N consumer processes under one supervisor, as gunicorn and dramatiq
run theirs. Each child is a whole consumer (its own broker connection, its own store connection,
its own worker thread), forked after the policy is loaded so the lists are shared copy-on-write.

The supervisor restarts a child that exits without being asked to, after a backoff that grows
with quick successive failures (a child that ran a while starts again at once). A child that
dies returns the deliveries it held to the queue, once; a child waiting for the store holds none
(it does not consume while the store is away), so a restart loop during an outage burns no
delivery counts. SIGTERM or SIGINT to the supervisor is passed on to every child, which drains;
children still running after the drain timeout are killed (their deliveries are redelivered).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog

__all__ = ["Supervisor"]

log = structlog.get_logger("acid_processor.supervisor")

# A child that lived this long before exiting was not crash-looping: restart it at once.
STABLE_AFTER_S = 60.0


@dataclass
class _Child:
    index: int
    process: Any = None  # multiprocessing.Process
    started: float = 0.0
    failures: int = 0  # quick exits in a row
    restart_at: float = 0.0


class Supervisor:
    """Run `target(index)` in `n` forked processes until SIGTERM; restart the ones that exit."""

    def __init__(
        self,
        n: int,
        target: Callable[[int], int],
        *,
        drain_timeout: float = 30.0,
        max_backoff: float = 30.0,
    ) -> None:
        self.n = n
        self.target = target
        self.drain_timeout = drain_timeout
        self.max_backoff = max_backoff
        self.children = [_Child(i) for i in range(n)]
        self._stopping = False
        self._ctx = multiprocessing.get_context("fork")
        self.restarts = 0

    def run(self) -> int:
        """Until SIGTERM/SIGINT; 0 when every child stopped cleanly, 1 otherwise."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        log.info("supervisor starting", processes=self.n, pid=os.getpid())
        for child in self.children:
            self._start(child)
        while not self._stopping:
            now = time.monotonic()
            for child in self.children:
                p = child.process
                if p is not None and not p.is_alive():
                    self._exited(child, now)
                elif p is None and now >= child.restart_at:
                    self._start(child)
            time.sleep(0.1)
        return self._stop_all()

    def _start(self, child: _Child) -> None:
        p = self._ctx.Process(
            target=_child_main, args=(self.target, child.index), name=f"acid-consumer-{child.index}"
        )
        p.start()
        child.process, child.started = p, time.monotonic()
        log.info("consumer process started", index=child.index, pid=p.pid)

    def _exited(self, child: _Child, now: float) -> None:
        p = child.process
        p.join()
        lived = now - child.started
        child.failures = 0 if lived >= STABLE_AFTER_S else child.failures + 1
        delay = 0.0 if child.failures == 0 else min(self.max_backoff, 0.5 * 2 ** (child.failures - 1))
        log.warning(
            "consumer process exited; restarting",
            index=child.index,
            pid=p.pid,
            exitcode=p.exitcode,
            lived_s=round(lived, 1),
            in_seconds=delay,
        )
        child.process, child.restart_at = None, now + delay
        self.restarts += 1

    def _on_signal(self, signum: int, frame: Any) -> None:
        self._stopping = True

    def _stop_all(self) -> int:
        log.info("supervisor stopping: draining every consumer process")
        running = [c.process for c in self.children if c.process is not None and c.process.is_alive()]
        for p in running:
            os.kill(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.drain_timeout + 5
        for p in running:
            p.join(max(0.0, deadline - time.monotonic()))
        clean = True
        for p in running:
            if p.is_alive():
                log.warning("consumer process did not drain in time; killing it", pid=p.pid)
                p.kill()
                p.join()
                clean = False
            elif p.exitcode != 0:
                clean = False
        log.info("supervisor stopped", clean=clean)
        return 0 if clean else 1


def _child_main(target: Callable[[int], int], index: int) -> None:
    # The supervisor's handlers are inherited through fork: the consumer installs its own.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    raise SystemExit(target(index))
