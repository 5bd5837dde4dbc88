"""The monitoring that ships in monitoring/: the Prometheus alert rules are valid and fire when
they should (promtool, from Debian's prometheus package: skipped on a developer machine without
it, a failure when CI is set), and the Grafana dashboard asks only for metrics that exist, the
consumer's counters or the console's gauges."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, generate_latest

import acid_processor.service.metrics  # noqa: F401 - registers the consumer's metrics
from acid_processor.console.broker import BrokerView, QueueView
from acid_processor.console.metrics import ConsoleCollector, render

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "monitoring/prometheus/acid-processor-alerts.yml"
RULE_TESTS = ROOT / "monitoring/prometheus/acid-processor-alerts.test.yml"
DASHBOARD = ROOT / "monitoring/grafana/acid-processor.json"


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is not installed and CI is set (Debian: apt-get install prometheus)")
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus)")
    return found


def test_the_alert_rules_pass_promtool_check() -> None:
    done = subprocess.run(
        [_promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 6 rules found" in done.stdout


def test_each_alert_fires_on_trouble_and_stays_quiet_when_healthy() -> None:
    done = subprocess.run(
        [_promtool(), "test", "rules", RULE_TESTS.name],
        capture_output=True,
        text=True,
        check=False,
        cwd=RULE_TESTS.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_alerts_named_by_the_issue_are_there() -> None:
    names = set(re.findall(r"^\s+- alert: (\w+)$", RULES.read_text(), re.M))
    assert {
        "AcidConsumerDown",
        "AcidDeadLettersGrowing",
        "AcidOpenDnlTooOld",
        "AcidLoadedWithOpenHold",
        "AcidUnconfirmedPublishesStuck",
    } <= names


class _Store:
    def open_hold_figures(self) -> dict:
        return {"DNL": {"open": 1, "oldest_age_s": 60.0, "departed": 0}}

    def outbound_pending(self) -> dict:
        return {"count": 0, "oldest_age_s": None}


class _Broker:
    def look(self) -> BrokerView:
        return BrokerView(True, (QueueView("inbound", "acid.filings", 0, 1),))


def _known_metrics() -> set[str]:
    console = render(ConsoleCollector(lambda fn: fn(_Store()), _Broker()))  # type: ignore[arg-type]
    text = console.decode() + generate_latest(REGISTRY).decode()
    names = set(re.findall(r"^# TYPE (\w+) ", text, re.M))
    names |= {re.split(r"[{ ]", line)[0] for line in text.splitlines() if line and not line.startswith("#")}
    return {n for n in names if n.startswith("acid_")}


def test_the_dashboard_asks_only_for_metrics_that_exist() -> None:
    dash = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    assert len(exprs) >= 20
    used = {m for e in exprs for m in re.findall(r"\b(acid_\w+)", e)}
    known = _known_metrics()
    assert used <= known, f"unknown metrics: {sorted(used - known)}"
    rule_exprs = re.findall(r"^\s+expr: (.+)$", RULES.read_text(), re.M)
    assert len(rule_exprs) == 6
    for name in {m for e in rule_exprs for m in re.findall(r"\b(acid_\w+)", e)}:
        assert name in known, name


def test_the_dashboard_covers_the_consoles_gauges_and_the_consumers_counters() -> None:
    dash = json.loads(DASHBOARD.read_text())
    text = " ".join(t["expr"] for p in dash["panels"] for t in p["targets"])
    for name in (
        "acid_console_open_holds",
        "acid_console_oldest_open_hold_age_seconds",
        "acid_console_outbound_pending",
        "acid_console_queue_messages",
        "acid_deliveries_received_total",
        "acid_dead_lettered_total",
    ):
        assert name in text, name
    assert all(p["datasource"]["uid"] == "${datasource}" for p in dash["panels"])
