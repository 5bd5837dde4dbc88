"""Soak: N filings through `acid-processor consume` (a subprocess, the service as deployed), to show
that nothing grows that should not: the consumer's memory (RSS of the process tree) sampled over
time, the throughput of the first and the last tenth of the filings, and the store's bytes per
filing at the end.

The traffic is the lifecycle benchmark's corpus (houses linked to their masters, amendments),
generated once (--base filings) and sent again and again with every AWB renumbered per cycle, so
every cycle is new consignments with the same shape: a realistic mix at a fixed cost per filing.
A feeder keeps the filings queue between a low and a high mark (the broker is not made to hold N
messages at once), and the consumer is never starved: the queue is never empty before the end.

Run:    .venv/bin/python benchmarks/bench_soak.py [--n 200000] [--base 20000] [--store sqlite|postgres]
                                                  [--processes 1] [--every 10]
Goals: RSS flat after warm-up (the last sample within 10% of the one at the end of the first tenth),
last-tenth throughput >= 0.9 x the first tenth's. Both are printed with the verdict.
"""

from __future__ import annotations

import argparse
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_e2e import (  # noqa: E402
    StoreReader,
    blocking,
    delete,
    env_for,
    lifecycle_corpus,
    publish_confirmed,
    topology_for,
    xml_props,
)

from acid_processor.service.topology import declare  # noqa: E402

AWB = re.compile(rb"\b(\d{3})-(\d{7})(\d)\b")
LOW, HIGH = 4000, 12000  # the feeder's marks on the filings queue depth


def renumber(body: bytes, cycle: int) -> bytes:
    """The same filing about other consignments: every AWB's serial shifted by the cycle (the
    check digit kept valid), the same shift for the same AWB, so houses still find their master."""
    if cycle == 0:
        return body

    def shift(m: re.Match[bytes]) -> bytes:
        serial = (int(m.group(2)) + cycle * 1_000_003) % 10_000_000
        return m.group(1) + b"-" + f"{serial:07d}{serial % 7}".encode()

    return AWB.sub(shift, body)


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the supervisor's consumer processes)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def store_bytes(reader: StoreReader) -> int:
    if reader.kind == "sqlite":
        base = reader.path
        return sum(p.stat().st_size for p in (base, Path(f"{base}-wal")) if p.exists())
    rows = reader.query(
        "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
        f" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{reader.schema}'"
        " AND c.relkind = 'r'"
    )
    return int(rows[0][0]) if rows else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--base", type=int, default=20_000, help="distinct filings generated (then renumbered)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--every", type=float, default=10.0, help="seconds between memory samples")
    ap.add_argument("--prefetch", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None)
    args = ap.parse_args()
    n = args.n

    print(f"generating {args.base} base filings (seed {args.seed})...", flush=True)
    base, _ = lifecycle_corpus(min(args.base, n), args.seed)
    print(f"base: {len(base)} filings, mean {statistics.mean(map(len, base)):.0f} B", flush=True)

    run = uuid.uuid4().hex[:10]
    t = topology_for(f"soak.{run}")
    carriers_q, targeting_q = f"bench.soak.{run}.carriers.all", f"bench.soak.{run}.targeting.all"
    queues = [
        t.filings_queue,
        t.dead_letter_queue,
        t.unrouted_queue,
        t.commands_queue,
        carriers_q,
        targeting_q,
    ]
    exchanges = [t.inbound_exchange, t.dead_letter_exchange, t.unrouted_exchange, t.commands_exchange]
    exchanges += [t.carriers_exchange, t.targeting_exchange]
    tmp = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    reader = StoreReader(args.store, tmp, f"soak_{run}")
    proc = None
    try:
        conn = blocking()
        ch = conn.channel()
        declare(ch, t)
        for q, ex in ((carriers_q, t.carriers_exchange), (targeting_q, t.targeting_exchange)):
            # The replies are not the subject: a length limit keeps the broker from holding them all.
            ch.queue_declare(q, durable=True, arguments={"x-queue-type": "quorum", "x-max-length": 20_000})
            ch.queue_bind(q, ex, routing_key="#")

        sent = 0

        def feed(upto: int) -> None:
            nonlocal sent
            batch = []
            while sent < upto:
                cycle, i = divmod(sent, len(base))
                batch.append(
                    (t.inbound_exchange, "filing", renumber(base[i], cycle), xml_props(f"soak-{sent}"))
                )
                sent += 1
            publish_confirmed(batch)

        feed(min(n, HIGH))
        env = env_for(t, reader.url, args, args.processes)
        log_path = tmp / "consumer.log"
        with log_path.open("wb") as log:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "acid_processor", "consume"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp,
            )
        marks: dict[int, float] = {}  # tenth -> when the store held that many
        samples: list[tuple[float, int, int]] = []  # (seconds, stored, rss kB)
        starved = 0
        next_sample = 0.0
        count = 0
        print(f"{'t (s)':>8} {'stored':>9} {'rate/s':>8} {'RSS MB':>8}", flush=True)
        last = (0.0, 0)
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"consumer exited {proc.returncode}: {log_path.read_text()[-2000:]}")
            now = time.perf_counter() - started
            rows = reader.query("SELECT COUNT(*) FROM filings")
            count = rows[0][0] if rows else 0
            for k in range(11):
                if k not in marks and count >= n * k // 10 and (k > 0 or count > 0):
                    marks[k] = now
            if sent < n:
                depth = ch.queue_declare(t.filings_queue, passive=True).method.message_count
                if depth == 0 and count < sent:
                    starved += 1
                if depth < LOW:
                    feed(min(n, sent + HIGH - depth))
            if now >= next_sample:
                rss = rss_kb(proc.pid)
                samples.append((now, count, rss))
                rate = (count - last[1]) / (now - last[0]) if now > last[0] else 0.0
                last = (now, count)
                print(f"{now:8.0f} {count:9d} {rate:8.0f} {rss / 1024:8.1f}", flush=True)
                next_sample = now + args.every
            if count >= n:
                pending = reader.query("SELECT COUNT(*) FROM outbound WHERE NOT published")
                if pending and pending[0][0] == 0:
                    break
            time.sleep(0.2)
        end = time.perf_counter() - started
        samples.append((end, count, rss_kb(proc.pid)))
        conn.close()
        size = store_bytes(reader)
        ((dead,),) = reader.query(
            "SELECT COALESCE(SUM(CASE WHEN status = 'dead_lettered' THEN 1 ELSE 0 END), 0) FROM filings"
        )
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.drop()
        delete(queues, exchanges)

    tenth = n / 10
    first = tenth / (marks[1] - marks[0])
    last_tenth = tenth / (marks[10] - marks[9])
    warm = next(s for s in samples if s[1] >= tenth)
    peak = max(s[2] for s in samples if s[1] >= tenth)
    final = samples[-1]
    print()
    print(
        f"filings {n} in {end:.0f} s ({n / end:.0f}/s overall);"
        f" store {args.store}, {args.processes} process(es)"
    )
    print(
        f"throughput: first tenth {first:.0f}/s, last tenth {last_tenth:.0f}/s,"
        f" ratio {last_tenth / first:.2f}"
        f" (goal >= 0.90: {'met' if last_tenth / first >= 0.9 else 'MISSED'})"
    )
    growth = (final[2] - warm[2]) / warm[2]
    print(
        f"RSS: {warm[2] / 1024:.0f} MB after the first tenth, {final[2] / 1024:.0f} MB at the end,"
        f" peak {peak / 1024:.0f} MB after warm-up; growth {growth:+.1%}"
        f" (goal within 10%: {'met' if abs(growth) <= 0.10 else 'MISSED'})"
    )
    print(f"store: {size / 1e6:.0f} MB, {size / n:.0f} bytes per filing; dead-lettered {dead}")
    print(f"feeder found the queue empty {starved} times before the end (0: never starved)")
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
