"""The store comes and goes; the service rides it out. The real PostgreSQL sits behind a TCP proxy
the test cuts and restores (the shared server is never stopped): a 1 s and a 30 s cut mid-stream,
the store down when the consumer starts, a supervisor restarting the consumer again and again
through an outage, an SQLite path that cannot be opened, and two consumers on one PostgreSQL
store fed every filing twice. In every case every filing is answered, nothing is dead-lettered
because of the outage, and no filing is answered twice with different ids."""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from .conftest import Harness, Msg, assert_exactly_once, expected, filings
from .tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxy]:
    host_port = pg_url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    p = TcpProxy(host, int(port or 5432))
    yield p
    p.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe(port: int, path: str) -> tuple[int, str]:
    """GET http://127.0.0.1:port/path -> (status, body)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


def metric(port: int, name: str) -> float | None:
    _, text = probe(port, "/metrics")
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def log_of(consumer) -> str:
    return consumer.log_path.read_text(errors="replace")


def assert_every_line_is_json(consumer) -> None:
    for line in log_of(consumer).splitlines():
        json.loads(line)  # psycopg's complaints included


def test_a_one_second_database_cut_mid_stream_is_ridden_out(pg_harness: Harness, proxy: TcpProxy, assessor):
    h = pg_harness
    h.declare()
    prefetch = 100
    msgs = filings(800, seed=41, tag="cut1")
    want = expected(h.pipeline(assessor), msgs)
    h.publish(msgs)
    consumer = h.start_consumer(
        store_url=proxy.url_for(h.store_url), prefetch=prefetch, store_retry_max_delay=2
    )
    h.wait_until("some outcomes", lambda: h.stats()["received"] >= 150, 60, consumer, every=0.02)
    proxy.cut()
    time.sleep(1)
    proxy.restore()
    at_cut = h.stats()["received"]
    stats = h.wait_processed(len(msgs), 180, consumer)
    print(f"\ncut for 1 s at {at_cut} outcomes; all {stats['received']} stored")
    assert at_cut < len(msgs), "everything was done before the cut: the test proved nothing"
    assert consumer.alive() and stats["dead_lettered"] == 0
    assert h.depth(h.topology.dead_letter_queue) == 0
    carriers, targeting = h.replies()
    assert_exactly_once(h, msgs, want, carriers, targeting, prefetch)
    log = log_of(consumer)
    assert "store unavailable" in log and "store available again" in log
    assert "worker failed" not in log
    assert_every_line_is_json(consumer)


def test_a_thirty_second_cut_pauses_consuming_reports_not_ready_and_resumes_by_itself(
    pg_harness: Harness, proxy: TcpProxy, assessor
):
    h = pg_harness
    h.declare()
    prefetch = 100
    msgs = filings(1000, seed=42, tag="cut30")
    want = expected(h.pipeline(assessor), msgs)
    h.publish(msgs)
    port = free_port()
    consumer = h.start_consumer(
        store_url=proxy.url_for(h.store_url), prefetch=prefetch, metrics_port=port, store_retry_max_delay=2
    )
    h.wait_until("ready", lambda: probe(port, "/readyz")[0] == 200, 30, consumer)
    assert metric(port, "acid_consumer_up") == 1 and metric(port, "acid_store_available") == 1
    h.wait_until("some outcomes", lambda: h.stats()["received"] >= 150, 60, consumer, every=0.02)
    proxy.cut()
    h.wait_until("not ready", lambda: probe(port, "/readyz")[0] == 503, 15, consumer)
    status, body = probe(port, "/readyz")
    detail = json.loads(body)
    assert status == 503 and detail["store_available"] is False and detail["broker_connected"] is True
    assert metric(port, "acid_store_available") == 0 and metric(port, "acid_consumer_up") == 0
    assert probe(port, "/healthz")[0] == 200  # alive: a supervisor must not restart it for this
    time.sleep(6)  # the broker's queue figures trail by its statistics interval (5 s)
    held_early, stored_early = h.queue_counts(h.topology.filings_queue), h.stats()["received"]
    time.sleep(16)
    held_late, stored_late = h.queue_counts(h.topology.filings_queue), h.stats()["received"]
    # Consuming paused: nothing more taken, nothing returned (no delivery counter moves).
    assert held_early == held_late and 0 < held_late[1] <= prefetch, (held_early, held_late)
    assert stored_early == stored_late
    at_cut = stored_late
    time.sleep(4)  # about 30 s in all
    proxy.restore()
    stats = h.wait_processed(len(msgs), 240, consumer)
    assert probe(port, "/readyz")[0] == 200 and metric(port, "acid_store_available") == 1
    print(f"\ncut for ~30 s at {at_cut} outcomes, holding {held_late[1]} deliveries; all answered")
    assert consumer.alive() and stats["dead_lettered"] == 0
    assert h.depth(h.topology.dead_letter_queue) == 0
    carriers, targeting = h.replies()
    assert_exactly_once(h, msgs, want, carriers, targeting, prefetch)
    assert "consuming paused" in log_of(consumer)
    assert_every_line_is_json(consumer)


def test_with_the_store_down_at_start_nothing_is_consumed_until_it_is_up(
    pg_harness: Harness, proxy: TcpProxy, assessor
):
    h = pg_harness
    h.declare()
    msgs = filings(300, seed=43, tag="down-at-start")
    want = expected(h.pipeline(assessor), msgs)
    h.publish(msgs)
    h.stats()  # the test's own (direct) store connection creates the schema
    proxy.cut()
    port = free_port()
    consumer = h.start_consumer(
        store_url=proxy.url_for(h.store_url), metrics_port=port, store_retry_max_delay=1
    )
    h.wait_until("retrying the store", lambda: "store unavailable" in log_of(consumer), 30, consumer)
    time.sleep(3)
    assert h.depth(h.topology.filings_queue) == len(msgs)  # nothing taken
    assert probe(port, "/readyz")[0] == 503 and probe(port, "/healthz")[0] == 200
    proxy.restore()
    stats = h.wait_processed(len(msgs), 120, consumer)
    assert stats["dead_lettered"] == 0 and stats["duplicates_seen"] == 0
    carriers, targeting = h.replies()
    assert_exactly_once(h, msgs, want, carriers, targeting, 0)


def test_a_supervisor_restarting_the_consumer_through_an_outage_burns_no_delivery_counts(
    pg_harness: Harness, proxy: TcpProxy, assessor
):
    """The queue dead-letters a delivery after 5 deliveries; the consumer is killed and restarted
    seven times while the store is down. Only the first kill returns what it held (once): the
    later ones never took anything."""
    h = pg_harness
    h.declare()
    prefetch = 100
    msgs = filings(600, seed=44, tag="restarts")
    want = expected(h.pipeline(assessor), msgs)
    h.publish(msgs)
    url = proxy.url_for(h.store_url)
    consumer = h.start_consumer(store_url=url, prefetch=prefetch, store_retry_max_delay=1)
    h.wait_until("some outcomes", lambda: h.stats()["received"] >= 100, 60, consumer, every=0.02)
    proxy.cut()
    restarts = 7
    assert restarts > h.topology.delivery_limit
    for _ in range(restarts):
        consumer.signal(signal.SIGKILL)
        consumer.wait(10)
        consumer = h.start_consumer(store_url=url, prefetch=prefetch, store_retry_max_delay=1)
        h.wait_until("the store tried", lambda c=consumer: "store unavailable" in log_of(c), 30, consumer)
        time.sleep(0.5)
    time.sleep(6)  # the broker's queue figures trail by its statistics interval
    assert h.queue_counts(h.topology.filings_queue)[1] == 0  # the last one holds nothing
    proxy.restore()
    stats = h.wait_processed(len(msgs), 180, consumer)
    assert stats["dead_lettered"] == 0
    assert h.depth(h.topology.dead_letter_queue) == 0, "an outage dead-lettered healthy filings"
    carriers, targeting = h.replies()
    assert_exactly_once(h, msgs, want, carriers, targeting, prefetch)


def test_an_sqlite_path_that_cannot_be_opened_holds_nothing_and_stops_promptly(harness: Harness, assessor):
    h = harness
    h.declare()
    blocker = h.tmp_path / "not-a-directory"
    blocker.write_text("a file where the store's directory should be")
    msgs = filings(50, seed=45, tag="unopenable")
    h.publish(msgs)
    port = free_port()
    consumer = h.start_consumer(
        store_url=f"sqlite:///{blocker / 'audit.sqlite3'}", metrics_port=port, store_retry_max_delay=1
    )
    h.wait_until("retrying the store", lambda: "store unavailable" in log_of(consumer), 30, consumer)
    time.sleep(3)
    assert h.depth(h.topology.filings_queue) == len(msgs)  # nothing held
    status, body = probe(port, "/readyz")
    assert status == 503 and json.loads(body)["store_available"] is False
    assert "not-a-directory" in log_of(consumer)  # the reason is in the log
    started = time.monotonic()
    consumer.signal(signal.SIGTERM)
    assert consumer.wait(10) == 0
    took = time.monotonic() - started
    print(f"\nstopped {took:.1f} s after SIGTERM")
    assert took < 8  # not the whole drain timeout: there is nothing to drain


def test_two_consumers_on_postgres_fed_everything_twice_answer_each_once_without_deadlocks(
    pg_harness: Harness, assessor
):
    h = pg_harness
    h.declare()
    prefetch = 100
    msgs = filings(800, seed=46, tag="twice")
    want = expected(h.pipeline(assessor), msgs)
    h.publish([*msgs, *reversed(msgs)])  # the second copies in the opposite order
    consumers = [h.start_consumer(prefetch=prefetch) for _ in range(2)]
    h.wait_until(
        "both copies of everything", lambda: h.stats()["duplicates_seen"] >= len(msgs), 180, consumers[0]
    )
    stats = h.wait_processed(len(msgs), 60, consumers[0])
    assert all(c.alive() for c in consumers)
    assert stats["duplicates_seen"] == len(msgs) and stats["dead_lettered"] == 0
    carriers, targeting = h.replies()
    assert_exactly_once(h, msgs, want, carriers, targeting, 2 * prefetch)
    logs = "".join(log_of(c) for c in consumers).lower()
    assert "deadlock" not in logs, "two consumers took locks in opposite orders"


def test_a_message_dead_lettered_and_sent_again_is_kept_in_the_dead_letter_queue_once(harness: Harness):
    h = harness
    h.declare()
    garbage = Msg(b"<not-xml", "garbage-thrice")
    consumer = h.start_consumer()
    for _ in range(3):
        h.publish([garbage])
        time.sleep(0.3)
    h.wait_until("all three seen", lambda: h.stats()["duplicates_seen"] == 2, 60, consumer)
    h.wait_processed(1, 30, consumer)
    h.wait_until("the dead letter", lambda: h.depth(h.topology.dead_letter_queue) >= 1, 10, consumer)
    time.sleep(1)
    assert h.depth(h.topology.dead_letter_queue) == 1
    assert h.stats()["dead_lettered"] == 1
