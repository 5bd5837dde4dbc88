"""Prometheus metrics of the service, for the operations team watching the queues.

Counters are module-level (one process, one registry); `start_exporter` serves them over HTTP
when ACID_METRICS_PORT is set.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, start_http_server

up = Gauge("acid_consumer_up", "1 while the consumer runs")
received = Counter("acid_deliveries_received_total", "Inbound deliveries received from the broker")
acked = Counter("acid_deliveries_acked_total", "Inbound deliveries acknowledged after store and confirms")
duplicates = Counter("acid_duplicates_total", "Redelivered or duplicated filings recognised by the store")
outcomes = Counter("acid_outcomes_total", "Stored outcomes by status", ["status"])
decisions = Counter("acid_decisions_total", "Consignment decisions by outcome", ["decision"])
dead_lettered = Counter("acid_dead_lettered_total", "Messages sent to the dead-letter queue", ["code"])
unroutable = Counter("acid_unroutable_total", "Publishes returned by the broker as unroutable")
publish_failures = Counter("acid_publish_failures_total", "Deliveries requeued because a publish failed")
reconnects = Counter("acid_reconnects_total", "Reconnection attempts to the broker")
commands = Counter("acid_officer_commands_total", "Officer commands from the commands queue", ["result"])


def start_exporter(port: int) -> None:
    """Serve /metrics on the port (all interfaces: put it behind your network policy)."""
    start_http_server(port)
