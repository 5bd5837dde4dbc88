"""Prometheus metrics of the service, for the operations team watching the queues.

Counters are module-level (one process, one registry); service/health.py serves them on
/metrics when ACID_METRICS_PORT is set, next to /healthz and /readyz.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

up = Gauge("acid_consumer_up", "1 while the consumer is connected to the broker and consuming")
broker_connected = Gauge("acid_broker_connected", "1 while the consumer has an open channel to the broker")
store_available = Gauge("acid_store_available", "1 while the audit store answers")
in_flight = Gauge("acid_deliveries_in_flight", "Deliveries received and not yet acknowledged")
unconfirmed = Gauge("acid_publishes_unconfirmed", "Publishes the broker has not confirmed yet")
latency = Histogram(
    "acid_delivery_seconds",
    "From a delivery received to its acknowledgement (stored, replies confirmed)",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
rules = Info("acid_rules", "The targeting policy in force")
received = Counter("acid_deliveries_received_total", "Inbound deliveries received from the broker")
acked = Counter("acid_deliveries_acked_total", "Inbound deliveries acknowledged after store and confirms")
duplicates = Counter("acid_duplicates_total", "Redelivered or duplicated filings recognised by the store")
outcomes = Counter("acid_outcomes_total", "Stored outcomes by status", ["status"])
decisions = Counter("acid_decisions_total", "Consignment decisions by outcome", ["decision"])
dead_lettered = Counter("acid_dead_lettered_total", "Messages sent to the dead-letter queue", ["code"])
unroutable = Counter("acid_unroutable_total", "Publishes returned by the broker as unroutable")
publish_failures = Counter("acid_publish_failures_total", "Deliveries requeued because a publish failed")
reconnects = Counter("acid_reconnects_total", "Reconnection attempts to the broker")
stranded = Counter(
    "acid_stranded_outbound_total",
    "Outbound messages left unconfirmed in the store and published by the sweep",
)
commands = Counter("acid_officer_commands_total", "Officer commands from the commands queue", ["result"])
