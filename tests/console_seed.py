"""A store for the console's tests, filled the way the consumer fills it: every message through the
pipeline and the lifecycle (`Lifecycle.record`), from the fixtures and synthetic filings.

What it holds, relative to `now`:
- a do-not-load (fixtures/lifecycle/officer-releases-dnl: a watch-list hit on the consignee), 42
  minutes old;
- an RFS on a consignment a flight manifest then says departed (fixtures/lifecycle/
  loaded-with-open-hold), 3 hours old: the red row on top of the worklist;
- an RFS not yet departed (rfs-one-method-stays) and an RFI (rfi-corrected-by-amendment);
- a clean filing whose shipper is named `<script>alert(1)</script>`;
- every hostile fixture, dead-lettered with its reason;
- synthetic filings spread over the last hour, so the charts have a shape.
The fixtures all use AWB 020-68548340: each scenario gets its own AWB and issue time here.
Replies are marked published as the consumer would have, a fraction of a second after arrival.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from acid_processor.assessment.engine import Assessor
from acid_processor.assessment.policy import Policy
from acid_processor.lifecycle.runner import Lifecycle
from acid_processor.pipeline import Delivery, Pipeline
from acid_processor.replies import load_profile
from acid_processor.store import open_store
from acid_processor.testing.synthetic import generate, random_awb

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SCRIPT_NAME = "<script>alert(1)</script>"
_ISSUED = re.compile(rb"(<(?:ram:)?IssueDateTime>)[^<]*(</(?:ram:)?IssueDateTime>)")


@dataclass(frozen=True, slots=True)
class Seeded:
    dnl: str = "020-68548340"
    departed: str = "020-11111115"
    rfs: str = "020-22222223"
    rfi: str = "020-33333331"
    script: str = "176-44444442"


def lifecycle(rules_dir: Path | None = None) -> Lifecycle:
    """The lifecycle the consumer would run on the shipped policy (or `rules_dir`)."""
    return Lifecycle(Pipeline(Assessor(Policy.load(rules_dir)), load_profile("pact")))


def _at(body: bytes, when: datetime) -> bytes:
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _ISSUED.sub(lambda m: m.group(1) + stamp + m.group(2), body)


def feed(
    store: object,
    life: Lifecycle,
    body: bytes,
    message_id: str,
    received_at: datetime,
    *,
    publish: bool = True,
) -> None:
    """One message through the pipeline and the lifecycle, as the consumer does; its replies
    marked published `latency` after arrival when `publish`."""
    p = life.pipeline.process(
        Delivery(body=body, message_id=message_id, content_type="application/xml", received_at=received_at)
    )
    (result,) = life.record(store, [p])
    if publish and not result.duplicate:
        latency = timedelta(milliseconds=40 + (hash(message_id) % 400))
        store._run(  # type: ignore[attr-defined]
            "UPDATE outbound SET published = TRUE, published_at = ? WHERE filing_id = ?",
            (store._ts_in(received_at + latency), result.filing_id),  # type: ignore[attr-defined]
        )


def seed(store_url: str, now: datetime | None = None, *, synthetic: int = 90) -> Seeded:
    """Fill the store at `store_url` (see the module docstring); the AWBs of the scenarios."""
    now = now or datetime.now(UTC)
    keys = Seeded()
    life = lifecycle()
    lc = FIXTURES / "lifecycle"
    rng = random.Random(11)
    with open_store(store_url) as store:
        for i in range(synthetic):  # the background traffic of the last hour
            at = now - timedelta(seconds=rng.uniform(60, 3500))
            kind = rng.choice(("XFWB-direct", "XFWB-direct", "XFZB"))
            body = _at(generate(kind, rng, awb=random_awb(rng, "057"), ra_expiry="1229"), at)
            feed(store, life, body, f"bg-{i}", at)
        scenarios = [
            (lc / "loaded-with-open-hold/01-xfwb-not-secured.xml", keys.departed, 180),
            (lc / "loaded-with-open-hold/02-xffm-departed.xml", keys.departed, 170),
            (lc / "rfi-corrected-by-amendment/01-xfwb-junk-shipper.xml", keys.rfi, 25),
            (lc / "rfs-one-method-stays/01-xfwb-not-secured.xml", keys.rfs, 65),
            (lc / "officer-releases-dnl/01-xfwb-denied-consignee.xml", keys.dnl, 42),
        ]
        for path, awb, minutes in scenarios:
            body = path.read_bytes().replace(b"020-68548340", awb.encode())
            when = now - timedelta(minutes=minutes)
            feed(store, life, _at(body, when), f"seed-{awb}-{path.stem}", when)
        when = now - timedelta(minutes=8)
        script = generate(
            "XFWB-direct",
            rng,
            awb=keys.script,
            shipper_name=SCRIPT_NAME,
            security_status="SPX",
            ra_expiry="1229",
        )
        feed(store, life, _at(script, when), "seed-script-shipper", when)
        for i, path in enumerate(sorted((FIXTURES / "hostile").glob("*.xml"))):
            feed(store, life, path.read_bytes(), f"hostile-{path.stem}", now - timedelta(minutes=5 + i))
    return keys
