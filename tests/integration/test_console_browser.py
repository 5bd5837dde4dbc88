"""The console as a person uses it: `acid-processor serve` as its own process on a store seeded
through the pipeline and lifecycle, the real broker (this test's own names), and real headless
Chromium driven by Selenium through Debian's chromedriver (nothing is downloaded at run time).

An officer logs in, sees the departed consignment on top in red and the DNL first among the rest
with its age, opens it, reads the rule evidence, releases it with a note and sees the audit row
and the XCSN queued; replays a dead letter with confirmation; finds the `<script>` shipper name
shown as text; watches a new decision appear within two refreshes; a viewer is refused the action.
Screenshots of every page go to out/console-screenshots/ (printed); with
ACID_CONSOLE_DOCS_SCREENSHOT=1 the worklist's also replaces docs/console-worklist.png.

Chromium and chromedriver missing: skipped on a developer machine, a failure when CI is set.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pika.spec import BasicProperties

from acid_processor.console.auth import add_user
from acid_processor.store import open_store
from tests.console_seed import FIXTURES, SCRIPT_NAME, Seeded, feed, lifecycle, seed
from tests.integration.conftest import Harness

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SHOTS = ROOT / "out" / "console-screenshots"
REFRESH_S = 2.0
OFFICER, VIEWER = ("alice", "officer-pass-1"), ("victor", "viewer-pass-1")

pytestmark = pytest.mark.integration


def _need_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        why = f"the browser test needs {', '.join(missing)} (Debian: chromium chromium-driver; pip: .[dev])"
        if os.environ.get("CI"):
            pytest.fail(why + " and CI is set")
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """`python -m acid_processor serve` on this test's store and broker names."""

    def __init__(self, h: Harness, tmp: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.users = tmp / "console-users"
        add_user(self.users, OFFICER[0], "officer", OFFICER[1])
        add_user(self.users, VIEWER[0], "viewer", VIEWER[1])
        env = h.env(console_users=str(self.users), console_secret_file=str(tmp / "console.secret"))
        self.log = tmp / "serve.log"
        with self.log.open("wb") as fh:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "acid_processor",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--refresh",
                    str(REFRESH_S),
                ],
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                cwd=tmp,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"serve did not come up:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def get(self, path: str, auth: tuple[str, str] | None = None) -> tuple[int, str]:
        req = urllib.request.Request(self.base + path)
        if auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def browser() -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="acid-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def served(harness: Harness, tmp_path: Path) -> Iterator[tuple[Served, Harness, Seeded]]:
    harness.declare()
    keys = seed(harness.store_url, synthetic=30)
    s = Served(harness, tmp_path)
    try:
        yield s, harness, keys
    finally:
        s.stop()
        print(f"\nconsole log: {s.log}")


def shot(driver: Any, name: str) -> Path:
    """A full-page screenshot into out/console-screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, max(900, min(int(height) + 40, 6000)))
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    return path


def login(driver: Any, base: str, who: tuple[str, str]) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(who[0])
    driver.find_element(By.ID, "password").send_keys(who[1])
    follow(driver, driver.find_element(By.ID, "login"))  # the password check is a slow scrypt
    assert driver.find_element(By.CSS_SELECTOR, ".who .user").text == who[0]


def follow(driver: Any, element: Any) -> None:
    """Click a link or a form's button and wait until the next page has replaced this one: the
    click returns before the navigation ends, and the tests look for elements once, not in a loop.

    The page being left is marked with a window property, which a new document does not have.
    Asking instead whether the old <html> element has gone stale races with its teardown:
    chromedriver then answers 'Node with given id does not belong to the document', an unknown
    error rather than a stale reference, and the test failed on a navigation that had worked."""
    from selenium.common.exceptions import WebDriverException

    driver.execute_script("window.__acidLeaving = true")
    element.click()

    def arrived() -> bool:
        try:
            return bool(
                driver.execute_script("return !window.__acidLeaving && document.readyState === 'complete'")
            )
        except WebDriverException:  # the old document is being torn down; ask again
            return False

    wait_for("the next page", arrived, 15)


def wait_for(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def test_an_officer_and_a_viewer_use_the_console_in_a_real_browser(served, browser) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    s, h, k = served
    d = browser
    print(f"\nscreenshots: {SHOTS}")
    assert s.get("/healthz") == (200, "ok\n")
    assert s.get("/")[0] == 200 and "Log in" in s.get("/")[1]  # the login page, not the console
    assert s.get("/readyz")[0] == 401
    assert s.get("/readyz", VIEWER) == (200, "store ok\nbroker ok\n")

    # --- an officer: operations, the worklist, the DNL
    login(d, s.base, OFFICER)
    assert d.find_element(By.ID, "card-broker").text.endswith("connected")
    queues = [r.text.split() for r in d.find_elements(By.CSS_SELECTOR, "#queues tbody tr")]
    assert [q[-3] for q in queues] == [
        h.topology.filings_queue,
        h.topology.dead_letter_queue,
        h.topology.unrouted_queue,
        h.topology.commands_queue,
    ]
    assert d.find_elements(By.CSS_SELECTOR, "svg.chart polyline, svg.chart rect")
    shot(d, "1-operations")

    follow(d, d.find_element(By.LINK_TEXT, "Referrals"))
    rows = d.find_elements(By.CSS_SELECTOR, "#worklist tbody tr")
    first = rows[0]
    assert first.get_attribute("data-consignment") == k.departed and "row-departed" in first.get_attribute(
        "class"
    )
    red = first.find_element(By.CSS_SELECTOR, "td").value_of_css_property("background-color")
    assert red.startswith("rgba(253, 226, 225") or red.startswith("rgb(253, 226, 225"), red
    assert "DEPARTED" in first.text
    grounded = [r for r in rows if "row-departed" not in r.get_attribute("class")]
    assert (
        grounded[0].get_attribute("data-kind") == "DNL"
        and grounded[0].get_attribute("data-consignment") == k.dnl
    )
    assert grounded[0].find_element(By.CSS_SELECTOR, "td.age").text in ("42 min", "43 min")
    kinds = [r.get_attribute("data-kind") for r in grounded]
    assert kinds == sorted(kinds, key=("DNL", "RFS", "RFI").index)
    worklist = shot(d, "2-referrals")
    if os.environ.get("ACID_CONSOLE_DOCS_SCREENSHOT") == "1":
        shutil.copy(worklist, ROOT / "docs" / "console-worklist.png")

    follow(d, grounded[0].find_element(By.LINK_TEXT, k.dnl))
    evidence = d.find_element(By.CSS_SELECTOR, "table.evidence").text
    assert "WL-SCREEN" in evidence and "consignee.name" in evidence and "VELMORA TRADING FZE" in evidence
    assert "DEMO-DENIED-PARTIES:DEMO-0001" in evidence and "95.00" in evidence
    assert "TEXTIL BOA VISTA" in d.find_element(By.ID, "seven-plus-one").text
    assert "XRY" in d.find_element(By.ID, "security").text
    shot(d, "3-consignment-dnl")

    d.find_element(By.ID, "note").send_keys("Namesake of the listed party: verified with the trade register.")
    follow(d, d.find_element(By.ID, "release"))
    assert "Release applied and audited" in d.find_element(By.CSS_SELECTOR, ".flash").text
    audit = d.find_element(By.CSS_SELECTOR, "#officer-actions tbody tr").text
    assert "alice" in audit and "release" in audit and "verified with the trade register" in audit
    xcsn = [
        r
        for r in d.find_elements(By.CSS_SELECTOR, "#replies tr.reply")
        if r.get_attribute("data-kind") == "xcsn"
    ]
    # the DNL placed, then for the release: hold removed and assessment complete (PACT CO, CO)
    assert len(xcsn) == 3 and all(r.text.endswith(("published", "pending")) for r in xcsn[1:])
    assert "020.xcsn" in xcsn[-1].text
    assert d.find_element(By.CSS_SELECTOR, "#holds tbody tr").get_attribute("data-state") == "removed"
    shot(d, "4-consignment-released")
    with open_store(h.store_url) as store:
        (action,) = store.officer_actions_recent()
        assert (action["officer"], action["action"], action["source"]) == ("alice", "release", "console")
        assert store.consignment(k.dnl).last_status == "ASSESSMENT_COMPLETE"

    # --- dead letters: one waits in the broker's dead-letter queue; replay it with confirmation
    ch = h.channel()
    ch.basic_publish(
        h.topology.dead_letter_exchange,
        h.topology.filings_queue,
        b"",
        BasicProperties(
            message_id="hostile-empty",
            headers={"x-acid-reason-code": "XML_EMPTY", "x-acid-reason": "The message body is empty."},
        ),
    )
    ch.close()
    wait_for("the dead letter in its queue", lambda: h.depth(h.topology.dead_letter_queue) == 1, 10)
    d.get(s.base + "/dead-letters?reason=XML_EMPTY")
    assert all("XML_EMPTY" in r.text for r in d.find_elements(By.CSS_SELECTOR, "#dead-letters tbody tr"))
    shot(d, "5-dead-letters")
    follow(d, d.find_element(By.ID, "replay-reason"))
    assert "Replay every dead letter with reason XML_EMPTY?" in d.find_element(By.TAG_NAME, "h1").text
    shot(d, "6-dead-letters-replay-confirm")
    follow(d, d.find_element(By.ID, "confirm-replay"))
    assert "Replayed 1 message(s)" in d.find_element(By.CSS_SELECTOR, ".flash").text
    wait_for("the replayed message on the filings queue", lambda: h.depth(h.topology.filings_queue) == 1, 10)
    assert h.depth(h.topology.dead_letter_queue) == 0

    # --- the <script> shipper is text, and nothing ran
    d.get(s.base + f"/consignments/{k.script}")
    names = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#seven-plus-one .party-name")]
    assert SCRIPT_NAME in names
    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert.text  # noqa: B018
    shot(d, "7-consignment-script-shipper")

    # --- policy: try the test rule set over the stored filings
    d.get(s.base + "/policy")
    d.find_element(By.NAME, "rules").send_keys(str(FIXTURES / "policy-test"))
    follow(d, d.find_element(By.ID, "try"))
    assert "would move" in d.find_element(By.ID, "report").text
    shot(d, "8-policy-try")
    d.get(s.base + "/audit")
    assert "replay dead letters" in d.find_element(By.ID, "audit-console").text
    shot(d, "9-audit")

    # --- a new decision appears on the operations page within two refreshes, without a reload
    d.get(s.base + "/")
    d.execute_script("window.__stillTheSamePage = true;")
    new_awb = "020-55555550"
    body = (FIXTURES / "lifecycle/rfs-one-method-stays/01-xfwb-not-secured.xml").read_bytes()
    with open_store(h.store_url) as store:
        now = datetime.now(UTC)
        feed(store, lifecycle(), body.replace(b"020-68548340", new_awb.encode()), "live-new", now)
    started = time.monotonic()
    wait_for(
        "the new decision on the operations page",
        lambda: new_awb in d.find_element(By.ID, "latest-decisions").text,
        2 * REFRESH_S + 1.5,
    )
    assert d.execute_script("return window.__stillTheSamePage === true;"), "the page was not reloaded"
    print(f"new decision shown after {time.monotonic() - started:.1f}s (refresh every {REFRESH_S}s)")

    # --- a viewer: sees, is refused the action
    follow(d, d.find_element(By.CSS_SELECTOR, ".who button"))
    login(d, s.base, VIEWER)
    d.get(s.base + f"/consignments/{k.rfs}")
    assert d.find_elements(By.ID, "viewer-note") and not d.find_elements(By.ID, "act-form")
    d.execute_script(
        """const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
        const token = document.querySelector('meta[name=csrf-token]').content;
        const fields = {csrf_token: token, action: 'release', note: 'a viewer tries'};
        for (const [k, v] of Object.entries(fields)) {
          const i = document.createElement('input');
          i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f); f.submit();""",
        f"/consignments/{k.rfs}/act",
    )
    assert "Refused" in wait_for("the refusal", lambda: d.find_element(By.TAG_NAME, "h1").text, 10)
    shot(d, "10-viewer-refused")
    with open_store(h.store_url) as store:
        assert store.consignment(k.rfs).strongest_open().value == "RFS"
        assert [a["username"] for a in store.console_actions(action="refused")] == ["victor"]
    with contextlib.suppress(Exception):
        s.stop()
    assert not any(line.startswith(b"Traceback") for line in s.log.read_bytes().splitlines())
