"""The console's parts on their own: the users file and its KDF, the store's console reads on both
backends (the same figures from SQLite and PostgreSQL, and no full-table scan per refresh), the
rule-set trial and its command line, the SVG plot, and the `serve` and `users` commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from acid_processor.assessment.engine import Assessor
from acid_processor.assessment.policy import Policy
from acid_processor.cli import main
from acid_processor.console.auth import (
    UserError,
    Users,
    add_user,
    hash_password,
    load_secret,
    verify_password,
)
from acid_processor.console.chart import line_chart
from acid_processor.console.replay import replay_rules
from acid_processor.console.settings import ConsoleSettings, parse_bind
from acid_processor.store import open_store
from tests.console_seed import Seeded, seed
from tests.test_store import _postgres_schema

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(UTC).replace(microsecond=0)


# --- users and keys ---------------------------------------------------------------------------------


def test_passwords_are_stored_as_salted_scrypt_and_verified() -> None:
    stored = hash_password("correct horse", n=2**10)
    assert stored.startswith("scrypt$1024$8$1$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("correct hors", stored)
    assert hash_password("correct horse", n=2**10) != stored, "a fresh salt every time"
    assert not verify_password("x", "md5$abc") and not verify_password("x", "scrypt$broken")


def test_the_users_file_is_written_0600_and_a_user_replaced_not_doubled(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "users"
    assert add_user(path, "alice", "viewer", "first-password")
    assert not add_user(path, "alice", "officer", "second-password")
    assert add_user(path, "bob", "viewer", "bobs-password")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    users = Users(path)
    assert users.count() == 2 and users.get("alice").role == "officer"
    assert users.authenticate("alice", "second-password") is not None
    assert users.authenticate("alice", "first-password") is None
    assert users.authenticate("nobody", "second-password") is None
    for bad in (
        ("al ice", "viewer", "password1"),
        ("alice", "admin", "password1"),
        ("alice", "viewer", "short"),
    ):
        with pytest.raises(UserError):
            add_user(path, *bad)


def test_a_malformed_users_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text("# users\nalice:officer:plaintext\n")
    with pytest.raises(UserError, match="line 2"):
        Users(path).get("alice")


def test_the_session_key_is_generated_once_outside_the_repository_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "console.secret"
    first = load_secret(None, path)
    assert len(first) >= 64 and oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_secret(None, path) == first
    assert load_secret("k" * 40, path) == b"k" * 40
    with pytest.raises(UserError):
        load_secret("short", path)
    home = ConsoleSettings.load(env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert home.secret_file == tmp_path / "xdg" / "acid-processor" / "console.secret"
    assert not str(home.secret_file).startswith(str(ROOT))


def test_the_console_binds_to_loopback_unless_told() -> None:
    assert ConsoleSettings.load(env={}).bind == "127.0.0.1:8080"
    assert ConsoleSettings.load(env={"ACID_CONSOLE_BIND": "0.0.0.0:9000"}, bind="127.0.0.1:9001").bind == (
        "127.0.0.1:9001"
    )
    assert parse_bind("[::1]:8080") == ("::1", 8080)
    for bad in ("8080", "host:", "host:99999", ":80"):
        with pytest.raises(ValueError):
            parse_bind(bad)


def test_users_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "users"
    env = {**os.environ, "ACID_CONSOLE_USERS": str(path)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "acid_processor",
            "users",
            "add",
            "olga",
            "--role",
            "officer",
            "--password-stdin",
        ],
        input="olgas-password\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"added olga (officer) in {path}"
    assert Users(path).authenticate("olga", "olgas-password").role == "officer"


# --- the store's console reads -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Seeded]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reads') / 'audit.sqlite3'}"
        yield url, seed(url, NOW)
    else:
        for url in _postgres_schema():
            yield url, seed(url, NOW)


def test_operations_figures_count_the_windows(seeded: tuple[str, Seeded]) -> None:
    url, _ = seeded
    with open_store(url) as s:
        ops = s.operations(NOW + timedelta(seconds=1))
    hour = ops["messages"]["1h"]
    assert hour["received"] == 90 + 2 + 1 + 20 and hour["dead_lettered"] == 20
    assert hour["accepted"] + hour["rejected"] + hour["dead_lettered"] == hour["received"] == hour["acked"]
    assert ops["messages"]["1m"]["received"] == 0
    assert ops["decisions"]["24h"]["DNL"] == 1 and sum(ops["decisions"]["24h"].values()) >= 96
    # acknowledgements confirmed in the hour: 90 synthetic, the RFI, the DNL and the <script> filing
    assert ops["latency"]["count"] == 90 + 3
    assert 0.04 <= ops["latency"]["p50"] <= ops["latency"]["p95"] <= ops["latency"]["p99"] <= 0.44
    assert ops["outbound_pending"] == {"count": 0, "oldest_age_s": None}
    reasons = dict(ops["dead_letters"])
    assert reasons["XML_DTD_FORBIDDEN"] == 6 and sum(reasons.values()) == 20
    assert len(ops["series"]) == 60 and sum(p["received"] for p in ops["series"]) == hour["received"]
    assert ops["holds"]["DNL"]["open"] == 1 and ops["holds"]["RFS"]["departed"] == 1


def test_the_worklist_orders_and_filters_the_same_on_both_backends(seeded: tuple[str, Seeded]) -> None:
    url, k = seeded
    with open_store(url) as s:
        rows, total = s.worklist(prefix="020", now=NOW)
        assert [(r["consignment"], r["kind"], r["departed"]) for r in rows] == [
            (k.departed, "RFS", True),
            (k.dnl, "DNL", False),
            (k.rfs, "RFS", False),
            (k.rfi, "RFI", False),
        ]
        assert total == 4 and round(rows[1]["age_s"]) == 42 * 60
        assert [
            r["consignment"] for r in s.worklist(prefix="020", flight="LH5050", kind="RFS", now=NOW)[0]
        ] == [
            k.departed,
            k.rfs,
        ]
        assert s.worklist(prefix="020", min_age=timedelta(hours=1), now=NOW)[1] == 2
        page2, total_all = s.worklist(offset=1, limit=2, now=NOW)
        assert len(page2) == 2 and total_all > 4 and page2[0]["consignment"] == k.dnl


def test_dead_letters_page_newest_first_by_reason_with_their_bytes(seeded: tuple[str, Seeded]) -> None:
    url, _ = seeded
    with open_store(url) as s:
        dtd = s.dead_letters(reason="XML_DTD_FORBIDDEN")
        assert len(dtd) == 6 and all(r["reason_code"] == "XML_DTD_FORBIDDEN" for r in dtd)
        times = [r["received_at"] for r in s.dead_letters(limit=100)]
        assert times == sorted(times, reverse=True) and len(times) == 20
        assert s.dead_letters(offset=18, limit=5)[-1]["received_at"] == times[-1]
        one = s.dead_letter_body(dtd[0]["source"], dtd[0]["id"])
        assert one is not None and one["body"].lstrip().startswith((b"<?xml", b"<!DOCTYPE"))
        assert s.dead_letter_body("filings; DROP TABLE x", 1) is None


def test_no_console_read_scans_a_whole_table(tmp_path: Path) -> None:
    """Every statement the pages and gauges run, explained by SQLite: none walks a whole table or
    a whole index, except a primary-key walk cut short by LIMIT and the partial index of pending
    outbound messages (which holds only those)."""
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    seed(url, NOW, synthetic=5)
    with open_store(url) as s:
        statements: list[str] = []
        s._conn.set_trace_callback(statements.append)
        s.operations()
        s.worklist(kind="RFS", prefix="020", flight="LH5050", min_age=timedelta(minutes=5))
        s.dead_letters(reason="XML_EMPTY")
        s.dead_letter_reasons(since=s._ts_in(NOW - timedelta(days=7)))
        s.open_hold_figures()
        s._conn.set_trace_callback(None)
        bad = []
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            for detail in (r[3] for r in s._conn.execute("EXPLAIN QUERY PLAN " + sql)):
                allowed = (
                    "outbound_pending" in detail
                    or detail.startswith("SCAN json_each")
                    or (detail == "SCAN decisions" and "ORDER BY id DESC LIMIT" in sql)
                )
                if detail.startswith("SCAN") and not allowed:
                    bad.append((sql[:120], detail))
        assert not bad


# --- trying a rule set --------------------------------------------------------------------------------


def test_a_rule_set_trial_counts_what_moves_and_the_cli_says_the_same(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    seed(url, NOW, synthetic=30)
    proposed_dir = tmp_path / "policy-next"
    proposed_dir.mkdir()
    for f in (ROOT / "acid_processor/policy").rglob("*"):
        if f.is_file():
            (proposed_dir / f.relative_to(ROOT / "acid_processor/policy")).parent.mkdir(exist_ok=True)
            (proposed_dir / f.relative_to(ROOT / "acid_processor/policy")).write_bytes(f.read_bytes())
    rules = (proposed_dir / "rules.toml").read_text()
    # The proposal: stop screening the watch list (the DNL on the denied consignee goes).
    (proposed_dir / "rules.toml").write_text(
        re.sub(r'(id = "WL-SCREEN"\n)', r"\1enabled = false\n", rules, count=1)
    )
    in_force = Assessor(Policy.load())
    proposed = Assessor(Policy.load(proposed_dir), checker=in_force.checker)
    with open_store(url) as s:
        before = s.stats()
        report = replay_rules(s, in_force, proposed, 1000)
        assert s.stats() == before
    assert report.filings == 30 + 4 + 1  # the manifest and the 20 dead letters are not decided on
    assert report.version_in_force != report.version_proposed
    assert ("DNL", "ASSESSMENT_COMPLETE") in report.changes or ("DNL", "RFS") in report.changes
    moved = {m.consignment: (m.before, m.after) for m in report.moved}
    assert moved["020-68548340"][0] == "DNL" and "WL-SCREEN" not in report.moved[0].rules_after
    assert sum(report.before.values()) == sum(report.after.values()) == report.consignments

    out = tmp_path / "out.json"
    with out.open("w") as fh:
        old = sys.stdout
        sys.stdout = fh
        try:
            code = main(["replay", "--rules", str(proposed_dir), "--last", "1000", "--store", url, "--json"])
        finally:
            sys.stdout = old
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc == report.as_json()


def test_the_cli_replay_refuses_a_missing_rules_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--rules", "/nonexistent/dir", "--store", "sqlite:///:memory:"]) == 2
    assert "not a directory" in capsys.readouterr().err


# --- the plot ---------------------------------------------------------------------------------------


def test_the_chart_is_an_svg_plot_with_gaps_where_there_is_no_value() -> None:
    times = [NOW + timedelta(minutes=i) for i in range(6)]
    svg = str(line_chart("latency", times, [0.1, 0.2, None, 0.4, 0.3, None], unit=" s"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2  # two runs split by the missing minute
    bars = str(line_chart("received", times, [1, 0, 3, 5, 2, 9], bars=True))
    assert bars.count("<rect") == 5 and ">10<" in bars  # a round axis top above the largest value
    empty = str(line_chart("<b>x</b>", times, [None] * 6))
    assert "no data in this hour" in empty and "<b>" not in empty
