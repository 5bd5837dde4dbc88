"""The console as its users meet it, through Flask's test client on a store seeded through the
pipeline and lifecycle (tests/console_seed.py). The broker is a stand-in that reports queues, and
the AMQP URL points at a closed port, so an officer's action is applied and audited with its
messages left pending in the store (what happens when the broker is down). The real browser, the
real broker and `serve` itself are tested in tests/integration/test_console_browser.py."""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("flask")

from acid_processor.config import Settings
from acid_processor.console.app import create_app
from acid_processor.console.auth import add_user
from acid_processor.console.broker import BrokerView, QueueView
from acid_processor.console.settings import ConsoleSettings
from acid_processor.store import open_store
from tests.console_seed import SCRIPT_NAME, Seeded, seed

ROOT = Path(__file__).resolve().parents[1]
OFFICER, VIEWER = ("alice", "officer-pass-1"), ("victor", "viewer-pass-1")
CLOSED_BROKER = "amqp://guest:guest@127.0.0.1:1/%2F"
BASIC_VIEWER = {"Authorization": "Basic " + base64.b64encode(b"victor:viewer-pass-1").decode()}


class FakeBroker:
    """What BrokerProbe.look() returns, set by the test."""

    def __init__(self, connected: bool = True) -> None:
        self.connected = connected

    def look(self) -> BrokerView:
        if not self.connected:
            return BrokerView(False, error="AMQPConnectionError: refused")
        return BrokerView(
            True,
            (
                QueueView("inbound", "acid.filings", 3, 1),
                QueueView("dead_letters", "acid.filings.dlq", 20, 0),
                QueueView("unrouted", "acid.unrouted", 0, 0),
                QueueView("commands", "acid.commands", 0, 1),
            ),
        )


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    """One seeded SQLite file per module; tests that change it work on a copy."""
    path = tmp_path_factory.mktemp("console") / "seed.sqlite3"
    return path, seed(f"sqlite:///{path}")


class Console:
    def __init__(self, tmp: Path, db: Path, keys: Seeded, broker: FakeBroker) -> None:
        self.keys, self.broker = keys, broker
        self.db = tmp / "audit.sqlite3"
        shutil.copy(db, self.db)
        self.users = tmp / "users"
        add_user(self.users, *OFFICER[:1], "officer", OFFICER[1])
        add_user(self.users, VIEWER[0], "viewer", VIEWER[1])
        self.settings = Settings(store_url=f"sqlite:///{self.db}", amqp_url=CLOSED_BROKER)
        console = ConsoleSettings(users_file=self.users, secret_file=tmp / "secret", refresh_s=2)
        self.app = create_app(self.settings, console, broker=broker)  # type: ignore[arg-type]
        self.client = self.app.test_client()

    def login(self, who: tuple[str, str]) -> None:
        token = csrf(self.client.get("/login").get_data(as_text=True))
        resp = self.client.post("/login", data={"username": who[0], "password": who[1], "csrf_token": token})
        assert resp.status_code == 302, resp.get_data(as_text=True)

    def page(self, path: str) -> str:
        resp = self.client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def post(self, path: str, data: dict, *, token: str | None = None) -> object:
        if token is None:
            token = csrf(self.page("/"))
        return self.client.post(path, data={**data, "csrf_token": token})

    def store(self):
        return open_store(self.settings.store_url)


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def console(tmp_path: Path, seeded_db: tuple[Path, Seeded]) -> Iterator[Console]:
    yield Console(tmp_path, seeded_db[0], seeded_db[1], FakeBroker())


def rows(html: str, table_id: str) -> list[str]:
    """The text of each body row of a table, tags stripped."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in body.split("</tr>") if "<td" in r
    ]


# --- access ---------------------------------------------------------------------------------------


def test_nothing_but_healthz_is_served_without_a_login(console: Console) -> None:
    c, k = console.client, console.keys
    assert c.get("/healthz").status_code == 200
    for path in (
        "/",
        "/referrals",
        "/dead-letters",
        "/policy",
        "/audit",
        f"/consignments/{k.dnl}",
        "/filings/1",
        "/filings/1/raw",
        "/dead-letters/filing/1/raw",
    ):
        resp = c.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path
    for path in ("/readyz", "/metrics"):
        assert c.get(path).status_code == 401
    token = csrf(c.get("/login").get_data(as_text=True))
    assert (
        c.post(
            f"/consignments/{k.dnl}/act", data={"csrf_token": token, "action": "release", "note": "x"}
        ).status_code
        == 401
    )


def test_a_wrong_password_is_refused_and_the_attempt_audited(console: Console) -> None:
    token = csrf(console.client.get("/login").get_data(as_text=True))
    resp = console.client.post("/login", data={"username": "alice", "password": "guess", "csrf_token": token})
    assert resp.status_code == 401 and "Wrong user name or password" in resp.get_data(as_text=True)
    assert console.client.get("/").status_code == 302
    with console.store() as s:
        assert [(a["action"], a["target"], a["outcome"]) for a in s.console_actions()] == [
            ("login", "alice", "failed")
        ]


def test_every_post_needs_the_sessions_csrf_token(console: Console) -> None:
    console.login(OFFICER)
    act = f"/consignments/{console.keys.dnl}/act"
    data = {"action": "release", "note": "verified"}
    assert console.post(act, data, token="").status_code == 400
    assert console.post(act, data, token="forged-token").status_code == 400
    with console.store() as s:
        assert s.consignment(console.keys.dnl).strongest_open().value == "DNL"  # nothing happened
        assert s.officer_actions_recent() == []


def test_a_session_ends_when_the_users_password_changes(console: Console) -> None:
    console.login(VIEWER)
    assert console.client.get("/").status_code == 200
    add_user(console.users, VIEWER[0], "viewer", "another-password")
    assert console.client.get("/").status_code == 302


def test_a_viewer_sees_the_consignment_but_is_refused_the_action_and_it_is_audited(console: Console) -> None:
    console.login(VIEWER)
    page = console.page(f"/consignments/{console.keys.dnl}")
    assert 'id="viewer-note"' in page and 'id="act-form"' not in page
    resp = console.post(f"/consignments/{console.keys.dnl}/act", {"action": "release", "note": "let it go"})
    assert resp.status_code == 403 and 'id="refused"' in resp.get_data(as_text=True)
    with console.store() as s:
        assert s.consignment(console.keys.dnl).strongest_open().value == "DNL"
        assert s.officer_actions_recent() == []
        refused = s.console_actions(action="refused")
        assert [(a["username"], a["role"], a["target"]) for a in refused] == [
            ("victor", "viewer", f"/consignments/{console.keys.dnl}/act")
        ]


# --- pages ----------------------------------------------------------------------------------------


def test_the_worklist_puts_the_departed_hold_on_top_in_red_then_dnl_rfs_rfi_by_age(console: Console) -> None:
    console.login(VIEWER)
    html = console.page("/referrals")
    body = html.split('id="worklist"', 1)[1]
    order = re.findall(r'<tr class="([^"]*)" data-consignment="([^"]+)" data-kind="(\w+)"', body)
    assert order[0][1] == console.keys.departed and "row-departed" in order[0][0]
    kinds = [k for cls, _, k in order if "row-departed" not in cls]
    assert kinds[0] == "DNL" and order[1][1] == console.keys.dnl
    assert kinds == sorted(kinds, key=("DNL", "RFS", "RFI").index), "DNL, then RFS, then RFI"
    first = rows(html, "worklist")[1]
    assert console.keys.dnl in first and "42 min" in first and "WL-SCREEN" in first


def test_the_worklist_filters_by_kind_airline_prefix_flight_and_age(console: Console) -> None:
    console.login(VIEWER)
    k = console.keys
    only_rfs = console.page("/referrals?kind=RFS&prefix=020")
    assert {r.split()[1] for r in rows(only_rfs, "worklist")} == {k.departed, k.rfs}
    on_flight = console.page("/referrals?prefix=020&flight=lh5050")
    assert {r.split()[1] for r in rows(on_flight, "worklist")} == {k.departed, k.rfs, k.dnl, k.rfi}
    old = console.page("/referrals?prefix=020&age=1h")
    assert {r.split()[1] for r in rows(old, "worklist")} == {k.departed, k.rfs}
    assert "No open hold matches these filters" in console.page("/referrals?prefix=999")


def test_the_consignment_page_shows_the_rule_evidence_7_plus_1_data_and_security_declaration(
    console: Console,
) -> None:
    console.login(VIEWER)
    html = console.page(f"/consignments/{console.keys.dnl}")
    evidence = html.split("Rule hits and evidence", 1)[1].split("7+1 data", 1)[0]
    assert "WL-SCREEN" in evidence and "consignee.name" in evidence and "VELMORA TRADING FZE" in evidence
    assert "DEMO-DENIED-PARTIES:DEMO-0001" in evidence and "95.00" in evidence
    facts = " ".join(
        rows(html.replace('id="seven-plus-one">', 'id="seven-plus-one"><tbody>'), "seven-plus-one")
    )
    assert "TEXTIL BOA VISTA" in facts and "36.9 KGM" in facts and "VCP → CDG" in facts
    security = " ".join(rows(html.replace('id="security">', 'id="security"><tbody>'), "security"))
    assert "SPX" in security and "XRY" in security and "BR/RA/00412-03" in security
    assert [r.split()[0] for r in rows(html, "replies")] == ["xfnm", "xcsn", "referral"]


def test_a_shipper_named_script_is_shown_as_text(console: Console) -> None:
    console.login(VIEWER)
    html = console.page(f"/consignments/{console.keys.script}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT_NAME not in html
    assert "script-src 'self'" in console.client.get("/").headers["Content-Security-Policy"]


def test_an_officer_releases_the_dnl_with_a_note_through_the_holds_code_path(console: Console) -> None:
    console.login(OFFICER)
    key = console.keys.dnl
    assert console.post(f"/consignments/{key}/act", {"action": "release", "note": "  "}).status_code == 302
    with console.store() as s:
        assert s.consignment(key).strongest_open().value == "DNL", "no note, no release"
    resp = console.post(f"/consignments/{key}/act", {"action": "release", "note": "Namesake: verified."})
    assert resp.status_code == 302
    page = console.page(resp.headers["Location"])
    assert "applied and audited" in page and "pending" in page  # the broker is down in this test
    with console.store() as s:
        state = s.consignment(key)
        assert state.strongest_open() is None and state.last_status == "ASSESSMENT_COMPLETE"
        (action,) = s.officer_actions_recent()
        assert (action["officer"], action["action"], action["source"], action["note"]) == (
            "alice",
            "release",
            "console",
            "Namesake: verified.",
        )
        pending = [m for m in s.pending_outbound() if m.headers.get("x-acid-consignment") == key]
        assert {(m.kind, m.routing_key) for m in pending} >= {
            ("xcsn", "020.xcsn"),
            ("lifecycle", "hold.removed.dnl"),
        }
    audit_rows = rows(page, "officer-actions")
    assert len(audit_rows) == 1 and "alice" in audit_rows[0] and "Namesake: verified." in audit_rows[0]
    assert any(r.startswith("xcsn") and r.endswith("pending") for r in rows(page, "replies"))


def test_operations_shows_queues_messages_decisions_latency_and_a_plot(console: Console) -> None:
    console.login(VIEWER)
    html = console.page("/")
    assert rows(html, "queues")[0].split() == ["inbound", "acid.filings", "3", "1"]
    received = rows(html, "messages")[0].split()
    # in the last hour: 90 synthetic, the RFI and DNL scenarios, the <script> filing, 20 hostile;
    # the departed and RFS scenarios arrived earlier
    assert received[0] == "received" and int(received[-1]) == 90 + 2 + 1 + 20
    assert any(r.startswith("DNL") and r.split()[1:] == ["1", "1"] for r in rows(html, "decisions"))
    assert "acknowledgement(s)" in rows(html, "latency")[0] and " ms" in rows(html, "latency")[0]
    assert html.count("<svg") == 2 and "<polyline" in html and "<rect" in html
    assert any("XML_DTD_FORBIDDEN" in r for r in rows(html, "dead-reasons"))


def test_dead_letters_list_their_reason_and_download_byte_for_byte(console: Console) -> None:
    console.login(VIEWER)
    html = console.page("/dead-letters?reason=XML_DTD_FORBIDDEN")
    listed = rows(html, "dead-letters")
    assert listed and all("XML_DTD_FORBIDDEN" in r for r in listed)
    source, row_id = re.search(r'href="/dead-letters/(\w+)/(\d+)/raw"', html).groups()  # type: ignore[union-attr]
    raw = console.client.get(f"/dead-letters/{source}/{row_id}/raw")
    assert raw.headers["Content-Disposition"].startswith("attachment;")
    name = raw.get_data().split(b"<!DOCTYPE")[0]
    assert raw.get_data() in {p.read_bytes() for p in (ROOT / "fixtures/hostile").glob("*.xml")} and name
    shown = console.page(f"/dead-letters/{source}/{row_id}")
    assert "&lt;!DOCTYPE" in shown and "<!DOCTYPE" not in shown.split('id="raw"')[1]


def test_a_dead_letter_replay_asks_for_confirmation_and_is_for_officers(console: Console) -> None:
    console.login(VIEWER)
    assert console.client.get("/dead-letters/replay?reason=XML_EMPTY").status_code == 403
    console.login(OFFICER)
    confirm = console.page("/dead-letters/replay?reason=XML_EMPTY")
    assert "Yes, replay" in confirm and "the store knows 2" in confirm
    unconfirmed = console.post("/dead-letters/replay", {"reason": "XML_EMPTY"})
    assert unconfirmed.status_code == 200 and "Yes, replay" in unconfirmed.get_data(as_text=True)
    failed = console.post("/dead-letters/replay", {"reason": "XML_EMPTY", "confirm": "yes"})
    assert failed.status_code == 302  # the broker of this test is closed: nothing replayed, said so
    assert "Replay failed" in console.page(failed.headers["Location"])
    with console.store() as s:
        (audited,) = s.console_actions(action="replay_dead_letters")
        assert (audited["username"], audited["target"], audited["outcome"]) == (
            "alice",
            "reason XML_EMPTY",
            "failed",
        )


def test_readyz_says_503_when_the_broker_is_unreachable(console: Console) -> None:
    auth = BASIC_VIEWER
    ok = console.client.get("/readyz", headers=auth)
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "store ok\nbroker ok\n"
    console.broker.connected = False
    down = console.client.get("/readyz", headers=auth)
    assert down.status_code == 503 and "broker unreachable" in down.get_data(as_text=True)
    assert (
        console.client.get("/readyz", headers={"Authorization": "Basic dmljdG9yOm5vcGU="}).status_code == 401
    )


def test_metrics_are_the_console_computed_gauges(console: Console) -> None:
    text = console.client.get("/metrics", headers=BASIC_VIEWER).get_data(as_text=True)
    values = dict(re.findall(r"^(acid_console_[^ ]+) ([0-9.e+-]+)$", text, re.M))
    assert float(values['acid_console_open_holds{kind="DNL"}']) == 1
    assert float(values['acid_console_open_holds_departed{kind="RFS"}']) == 1
    assert 2500 < float(values['acid_console_oldest_open_hold_age_seconds{kind="DNL"}']) < 2600 + 600
    assert float(values["acid_console_outbound_pending"]) == 0
    assert float(values['acid_console_queue_messages{queue="acid.filings.dlq",role="dead_letters"}']) == 20
    assert float(values['acid_console_queue_consumers{queue="acid.filings",role="inbound"}']) == 1
    assert float(values["acid_console_store_up"]) == 1 and float(values["acid_console_broker_up"]) == 1


def test_trying_a_rule_set_changes_nothing_and_shows_what_moves(console: Console) -> None:
    with console.store() as s:
        before = (s.stats(), s.holds(limit=1000), s.latest_decisions(1000))
    console.login(VIEWER)
    assert (
        console.post("/policy", {"rules": str(ROOT / "fixtures/policy-test"), "last": "200"}).status_code
        == 403
    )
    console.login(OFFICER)
    resp = console.post("/policy", {"rules": str(ROOT / "fixtures/policy-test"), "last": "200"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="report"' in html
    moved = int(re.search(r"<strong>(\d+)</strong> would move", html).group(1))  # type: ignore[union-attr]
    assert moved == len(rows(html, "moved")) > 0
    with console.store() as s:
        assert (s.stats(), s.holds(limit=1000), s.latest_decisions(1000)) == before
        (audited,) = s.console_actions(action="try_rules")
        assert audited["username"] == "alice" and audited["detail"]["moved"] == moved
    bad = console.post("/policy", {"rules": "/nonexistent/policy", "last": "10"})
    assert bad.status_code == 400 and "is not a directory" in bad.get_data(as_text=True)


def test_a_failing_store_says_so_on_the_operations_page_and_readyz(console: Console) -> None:
    console.login(VIEWER)
    ext = console.app.extensions["acid_console"]

    def broken() -> object:
        raise OSError("store down")

    ext.store_factory = broken
    ext._local.store = None
    assert (
        'id="card-store"' in (page := console.page("/")) and "unreachable" in page.split('id="card-store"')[1]
    )
    ready = console.client.get("/readyz", headers=BASIC_VIEWER)
    assert ready.status_code == 503 and ready.get_data(as_text=True).startswith("store unreachable: OSError")


def test_the_session_cookie_is_signed_http_only_and_same_site_strict(console: Console) -> None:
    token = csrf(console.client.get("/login").get_data(as_text=True))
    resp = console.client.post(
        "/login", data={"username": "alice", "password": OFFICER[1], "csrf_token": token}
    )
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and cookie.startswith("acid_console=")
    assert OFFICER[1] not in cookie
    tampered = cookie.split(";")[0].split("=", 1)[1]
    console.client.set_cookie("acid_console", tampered[:-2] + ("AA" if not tampered.endswith("AA") else "BB"))
    assert console.client.get("/").status_code == 302, "a cookie whose signature fails is no session"


def test_the_login_redirect_stays_on_the_console(console: Console) -> None:
    token = csrf(console.client.get("/login").get_data(as_text=True))
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil"):
        resp = console.client.post(
            "/login", data={"username": "alice", "password": OFFICER[1], "csrf_token": token, "next": target}
        )
        assert resp.headers["Location"] == "/", target
        token = csrf(console.page("/"))


def test_recent_hold_ages_read_in_words() -> None:
    from acid_processor.console.views import age_text

    assert [age_text(s) for s in (5, 59, 60, 3599, 3600, 3 * 3600 + 300, 2 * 86400 + 4 * 3600)] == [
        "5 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h 00 min",
        "3 h 05 min",
        "2 d 4 h",
    ]
    assert age_text(None) == "-"


def test_an_action_the_lifecycle_refuses_is_said_so_and_changes_nothing(console: Console) -> None:
    console.login(OFFICER)
    key = console.keys.script  # assessment complete: nothing open to release
    resp = console.post(f"/consignments/{key}/act", {"action": "release", "note": "nothing to release"})
    assert resp.status_code == 302
    assert f"Refused: {key} has no open hold to release" in console.page(resp.headers["Location"])
    placed = console.post(f"/consignments/{key}/act", {"action": "place", "note": "intelligence tip"})
    assert "Choose the kind of hold" in console.page(placed.headers["Location"])
    with console.store() as s:
        assert s.officer_actions_recent() == [] and s.consignment(key).strongest_open() is None
    assert console.client.get("/consignments/999-00000000").status_code == 404
