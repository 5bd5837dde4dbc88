"""Time to rejection for every hostile input: each fixture in fixtures/hostile/ and a generated 50 MB body.

Runs Checker().check on each body N times (default 5) and prints, per input, the reason code and the
median and maximum seconds to rejection, then the overall maximum. Target: every input rejected within
1 second. Exit status 1 when an input is accepted or misses the target, so CI can run it as a gate;
unit tests never assert speed.

    .venv/bin/python benchmarks/bench_hostile.py [--repeat N] [--target SECONDS]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from acid_processor.check import Checker

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "fixtures" / "hostile"
SAMPLE = ROOT / "fixtures" / "samples" / "xfwb3-example.xml"
SHIPPER_NAME = b"<Name>SCHENKER DO BRASIL TRANSPORTES INTERNACIONAIS LTDA.</Name>"
FIFTY_MB = 50 * 1024 * 1024


def fifty_megabytes() -> bytes:
    """The XFWB sample whose shipper name makes it exactly 50 MB (as tests/test_hostile.py builds it)."""
    head, tail = SAMPLE.read_bytes().split(SHIPPER_NAME, 1)
    filler = FIFTY_MB - len(head) - len(tail) - len(b"<Name></Name>")
    return head + b"<Name>" + b"A" * filler + b"</Name>" + tail


def inputs() -> list[tuple[str, bytes]]:
    out = [(p.name, p.read_bytes()) for p in sorted(HOSTILE.glob("*.xml"))]
    out.append(("big.xml (generated, 50 MB)", fifty_megabytes()))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="checks per input (default 5)")
    parser.add_argument("--target", type=float, default=1.0, help="seconds allowed per rejection (default 1)")
    args = parser.parse_args(argv)

    checker = Checker()
    rows = []
    failures = []
    for name, raw in inputs():
        times = []
        codes: set[str] = set()
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            result = checker.check(raw)
            times.append(time.perf_counter() - start)
            codes.add(",".join(r.code for r in result.reasons) if not result.valid else "ACCEPTED")
        code = " / ".join(sorted(codes))
        rows.append((name, len(raw), statistics.median(times), max(times), code))
        if "ACCEPTED" in codes or max(times) > args.target:
            failures.append(name)

    width = max(len(r[0]) for r in rows)
    print(f"{'input':<{width}}  {'bytes':>10}  {'median s':>9}  {'max s':>9}  reason code")
    for name, size, median, worst, code in rows:
        print(f"{name:<{width}}  {size:>10,}  {median:>9.5f}  {worst:>9.5f}  {code}")
    overall = max(r[3] for r in rows)
    print(f"overall max: {overall:.5f} s ({len(rows)} inputs x {args.repeat} runs; target {args.target:g} s)")
    if failures:
        print("NOT MET: " + ", ".join(failures))
        return 1
    print("target met: every input rejected within the target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
