"""Gauges the console computes at each scrape from the store and the broker: what a counter in the
consumer cannot know (how many holds are open now and for how long, what is still unconfirmed,
how deep the queues are). Their own registry, served on the console's /metrics; the consumer's
counters stay on the consumer's port. The alert rules in monitoring/prometheus/ use both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from acid_processor.console.broker import BrokerProbe

__all__ = ["ConsoleCollector", "render"]


class ConsoleCollector(Collector):
    """Reads the store (through `with_store`) and the broker probe at collection time."""

    def __init__(self, with_store: Callable[[Callable[[Any], Any]], Any], broker: BrokerProbe) -> None:
        self.with_store = with_store
        self.broker = broker

    def collect(self) -> Iterator[GaugeMetricFamily]:
        store_up = GaugeMetricFamily("acid_console_store_up", "1 when the console can read the audit store")
        try:
            holds, pending = self.with_store(lambda s: (s.open_hold_figures(), s.outbound_pending()))
        except Exception:  # the store is down: say so, and serve the broker's figures anyway
            holds, pending = None, None
        store_up.add_metric([], 1 if holds is not None else 0)
        yield store_up
        if holds is not None and pending is not None:
            open_ = GaugeMetricFamily("acid_console_open_holds", "Open holds by kind", labels=["kind"])
            oldest = GaugeMetricFamily(
                "acid_console_oldest_open_hold_age_seconds",
                "Age of the oldest open hold of each kind (0 when none is open)",
                labels=["kind"],
            )
            departed = GaugeMetricFamily(
                "acid_console_open_holds_departed",
                "Open holds on consignments a flight manifest says have departed (loaded with an open hold)",
                labels=["kind"],
            )
            for kind, f in sorted(holds.items()):
                open_.add_metric([kind], f["open"])
                oldest.add_metric([kind], f["oldest_age_s"] or 0.0)
                departed.add_metric([kind], f["departed"])
            yield open_
            yield oldest
            yield departed
            yield GaugeMetricFamily(
                "acid_console_outbound_pending",
                "Outbound messages stored and not yet confirmed by the broker",
                value=pending["count"],
            )
            yield GaugeMetricFamily(
                "acid_console_outbound_oldest_pending_age_seconds",
                "Age of the oldest outbound message not yet confirmed (0 when none)",
                value=pending["oldest_age_s"] or 0.0,
            )
        view = self.broker.look()
        yield GaugeMetricFamily(
            "acid_console_broker_up",
            "1 when the console can reach the broker",
            value=1 if view.connected else 0,
        )
        depth = GaugeMetricFamily(
            "acid_console_queue_messages", "Messages ready in each queue", labels=["queue", "role"]
        )
        consumers = GaugeMetricFamily(
            "acid_console_queue_consumers", "Consumers of each queue", labels=["queue", "role"]
        )
        for q in view.queues:
            if q.messages is not None:
                depth.add_metric([q.name, q.role], q.messages)
                consumers.add_metric([q.name, q.role], q.consumers or 0)
        yield depth
        yield consumers


def render(collector: ConsoleCollector) -> bytes:
    """The collector's gauges in the Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry)
