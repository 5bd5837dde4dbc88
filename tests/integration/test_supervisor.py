"""`consume --processes 2`: two consumer processes under one supervisor, each with its own
connection and its own health port; one killed is restarted and nothing is lost or doubled;
SIGTERM to the supervisor drains both and it exits 0."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from .conftest import Harness, assert_exactly_once, expected, filings
from .test_store_outages import free_port, log_of, probe

pytestmark = pytest.mark.integration


def child_pid(port: int) -> int | None:
    status, body = probe(port, "/healthz")
    return json.loads(body)["pid"] if status == 200 else None


def test_two_processes_share_the_queue_a_killed_one_is_restarted_and_sigterm_drains_both(
    pg_harness: Harness, assessor
) -> None:
    h = pg_harness
    h.declare()
    prefetch = 100
    msgs = filings(1500, seed=51, tag="procs")
    want = expected(h.pipeline(assessor), msgs)
    base = free_port()
    while probe(base + 1, "/healthz")[0] != 0:  # the next port must be free too
        base = free_port()
    supervisor = h.start_consumer(processes=2, metrics_port=base, prefetch=prefetch)
    h.wait_until(
        "both processes ready", lambda: all(probe(base + i, "/readyz")[0] == 200 for i in (0, 1)), 60
    )
    pids = [child_pid(base + i) for i in (0, 1)]
    assert None not in pids and len(set(pids)) == 2 and supervisor.pid not in pids
    h.publish(msgs)
    h.wait_until("some outcomes", lambda: h.stats()["received"] >= 300, 60, supervisor, every=0.02)
    os.kill(pids[1], signal.SIGKILL)
    h.wait_until(
        "process 1 restarted", lambda: child_pid(base + 1) not in (None, pids[1]), 60, supervisor, every=0.2
    )
    stats = h.wait_processed(len(msgs), 180, supervisor)
    assert stats["dead_lettered"] == 0
    carriers, targeting = h.replies()
    assert_exactly_once(h, msgs, want, carriers, targeting, prefetch)
    assert child_pid(base) == pids[0]  # the other one was left alone
    assert "consumer process exited; restarting" in log_of(supervisor)

    children = [child_pid(base + i) for i in (0, 1)]
    started = time.monotonic()
    supervisor.signal(signal.SIGTERM)
    assert supervisor.wait(30) == 0
    print(f"\nsupervisor and both children stopped {time.monotonic() - started:.1f} s after SIGTERM")
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}"), f"child {pid} outlived its supervisor"
    h.wait_until("nothing held", lambda: h.queue_counts(h.topology.filings_queue)[1] == 0, 15)
