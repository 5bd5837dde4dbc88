"""The operations and targeting console: a Flask application served by waitress (`acid-processor
serve`), its own process beside the consumer, reading the same store and looking at the broker.

Pages: operations `/`, dead letters `/dead-letters`, the referral worklist `/referrals`, a
consignment `/consignments/<awb>[/<hawb>]`, the policy preview `/policy` and the audit `/audit`.
Every page needs a login but `/healthz`; viewers see, officers also act. Every POST carries the
session's CSRF token. Officer actions go through `service.officer.act`, the same code path as
`acid-processor holds` (one implementation, audited in `officer_actions` with source "console");
dead-letter replays through `service.operator.replay_dead_letters`, as `acid-processor dlq replay`;
both, rule-set trials and logins are audited in `console_actions` with the user.

Templates autoescape: text from filings (a `<script>` in a shipper's name) is shown as text. The
Content-Security-Policy allows scripts and styles from the console itself only.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from acid_processor.assessment.engine import Assessor
from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.policy import Policy
from acid_processor.config import Settings
from acid_processor.console.auth import User, Users, load_secret
from acid_processor.console.broker import BrokerProbe
from acid_processor.console.chart import line_chart
from acid_processor.console.metrics import ConsoleCollector, render
from acid_processor.console.replay import replay_rules
from acid_processor.console.settings import ConsoleSettings
from acid_processor.console.views import age_text, consignment_view, utc_text
from acid_processor.lifecycle.commands import CommandError, normalise_key
from acid_processor.lifecycle.runner import CommandRefused, Lifecycle, OfficerCommand
from acid_processor.model import Outcome
from acid_processor.pipeline import Pipeline
from acid_processor.replies import load_profile
from acid_processor.store import open_store

__all__ = ["Console", "create_app"]

T = TypeVar("T")
PAGE = 50
AGES = {
    "": None,
    "15m": timedelta(minutes=15),
    "1h": timedelta(hours=1),
    "4h": timedelta(hours=4),
    "24h": timedelta(hours=24),
}


class Console:
    """What the application shares between requests: settings, the users file, the policy in
    force, the broker probe, one store connection per server thread, and the lifecycle (its
    caches are not thread-safe: officer actions take a lock)."""

    def __init__(
        self,
        settings: Settings,
        console: ConsoleSettings,
        *,
        store_factory: Callable[[], Any] | None = None,
        broker: BrokerProbe | None = None,
    ) -> None:
        self.settings = settings
        self.console = console
        self.users = Users(Path(console.users_file))
        self.store_factory = store_factory or (lambda: open_store(settings.store_url))
        self.broker = broker or BrokerProbe(settings)
        self.policy_dir = Path(settings.rules_dir) if settings.rules_dir else None
        policy = Policy.load(self.policy_dir)
        self.assessor = Assessor(policy, test_mode=settings.test_mode)
        self.lifecycle = Lifecycle(Pipeline(self.assessor, load_profile(settings.profile), settings.topology))
        self._local = threading.local()
        self._act_lock = threading.Lock()
        self._read_lock = threading.Lock()  # the checker's parser is one per process
        self._basic_ok: dict[str, float] = {}  # verified Basic credentials (digest) -> expiry
        self.collector = ConsoleCollector(self.with_store, self.broker)

    # --- the store, one connection per server thread

    def with_store(self, fn: Callable[[Any], T]) -> T:
        """Run fn(store) on this thread's connection; a failing connection is closed and opened
        again on the next call (the store may have restarted)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self.store_factory()
        try:
            return fn(store)
        except CommandRefused:  # the command's fault, not the connection's
            raise
        except Exception:
            self._local.store = None
            with contextlib.suppress(Exception):
                store.close()
            raise

    def read_filing(self, fn: Callable[[Any], T]) -> T:
        with self._read_lock:
            return fn(self.assessor.checker)


def create_app(
    settings: Settings,
    console: ConsoleSettings,
    *,
    store_factory: Callable[[], Any] | None = None,
    broker: BrokerProbe | None = None,
) -> Flask:
    """The console's WSGI application."""
    app = Flask(__name__)
    c = Console(settings, console, store_factory=store_factory, broker=broker)
    app.extensions["acid_console"] = c
    app.config.update(
        SECRET_KEY=load_secret(console.secret, Path(console.secret_file)),
        SESSION_COOKIE_NAME="acid_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=console.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=console.session_hours),
        MAX_CONTENT_LENGTH=64 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.filters["utc"] = utc_text
    app.jinja_env.filters["age"] = age_text
    app.jinja_env.globals["refresh_s"] = console.refresh_s

    # --- access ---------------------------------------------------------------------------------

    def current_user() -> User | None:
        if "user" in g:
            return g.user
        name = session.get("user")
        user = c.users.get(name) if isinstance(name, str) else None
        if user is not None and not hmac.compare_digest(str(session.get("stamp", "")), user.stamp):
            user = None  # the password or role changed since this session began
        g.user = user
        return user

    def basic_user() -> User | None:
        """A user from HTTP Basic credentials (for Prometheus and probes on /metrics, /readyz)."""
        auth = request.authorization
        if auth is None or auth.type != "basic" or not auth.username or auth.password is None:
            return None
        digest = base64.b64encode(f"{auth.username}\0{auth.password}".encode()).decode()
        user = c.users.get(auth.username)
        stamp_key = f"{digest}|{user.stamp if user else ''}"
        if user is not None and c._basic_ok.get(stamp_key, 0) > time.monotonic():
            return user
        user = c.users.authenticate(auth.username, auth.password)
        if user is not None:
            if len(c._basic_ok) > 100:
                c._basic_ok.clear()
            c._basic_ok[f"{digest}|{user.stamp}"] = time.monotonic() + 60
        return user

    def login_required(role: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def inner(*args: Any, **kwargs: Any) -> Any:
                user = current_user()
                if user is None:
                    if request.method == "GET":
                        return redirect(url_for("login", next=request.full_path.rstrip("?")))
                    abort(401)
                if role == "officer" and not user.officer:
                    audit(user, "refused", request.path, "refused", {"method": request.method})
                    return render_template("refused.html", user=user), 403
                return view(*args, **kwargs)

            return inner

        return wrap

    def audit(
        user: User | None, action: str, target: str | None, outcome: str, detail: dict | None = None
    ) -> None:
        name, role = (user.name, user.role) if user else ("-", "-")
        with contextlib.suppress(Exception):  # an audit row lost to a store outage must not hide the page
            c.with_store(lambda s: s.record_console_action(name, role, action, target, outcome, detail))

    def csrf_token() -> str:
        token = session.get("csrf")
        if not isinstance(token, str):
            token = session["csrf"] = secrets.token_urlsafe(32)
        return token

    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf() -> None:
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            token = session.get("csrf")
            if not isinstance(token, str) or not hmac.compare_digest(sent.encode(), token.encode()):
                abort(
                    400,
                    description="The form has expired or did not come from this console; reload the page.",
                )

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"user": current_user(), "now": datetime.now(UTC)}

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            " frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        )
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.errorhandler(400)
    @app.errorhandler(401)
    @app.errorhandler(404)
    def error(exc: Any) -> tuple[str, int]:
        return render_template("error.html", code=exc.code, message=exc.description), exc.code

    # --- health and metrics ------------------------------------------------------------------------

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok\n", mimetype="text/plain")

    def probe_user() -> User | None:
        return current_user() or basic_user()

    def unauthorised() -> Response:
        return Response(
            "authentication required\n",
            401,
            {"WWW-Authenticate": 'Basic realm="acid-console"'},
            mimetype="text/plain",
        )

    @app.get("/readyz")
    def readyz() -> Response:
        if probe_user() is None:
            return unauthorised()
        checks: dict[str, str] = {}
        try:
            c.with_store(lambda s: s.ping())
            checks["store"] = "ok"
        except Exception as exc:
            checks["store"] = f"unreachable: {type(exc).__name__}"
        view = c.broker.look()
        checks["broker"] = "ok" if view.connected else f"unreachable: {view.error or ''}".strip()
        ready = all(v == "ok" for v in checks.values())
        return Response(
            "".join(f"{k} {v}\n" for k, v in checks.items()), 200 if ready else 503, mimetype="text/plain"
        )

    @app.get("/metrics")
    def metrics() -> Response:
        if probe_user() is None:
            return unauthorised()
        return Response(render(c.collector), mimetype="text/plain; version=0.0.4; charset=utf-8")

    # --- login ---------------------------------------------------------------------------------------

    def safe_next(target: str | None) -> str:
        if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
            return target
        return url_for("operations")

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            name = request.form.get("username", "")[:64]
            user = c.users.authenticate(name, request.form.get("password", ""))
            if user is None:
                audit(None, "login", name, "failed")
                flash("Wrong user name or password.", "error")
                return render_template(
                    "login.html", next=request.form.get("next", ""), users=c.users.count()
                ), 401
            session.clear()
            session.permanent = True
            session["user"], session["stamp"] = user.name, user.stamp
            session["csrf"] = secrets.token_urlsafe(32)
            audit(user, "login", user.name, "ok")
            return redirect(safe_next(request.form.get("next")))
        return render_template("login.html", next=request.args.get("next", ""), users=c.users.count())

    @app.post("/logout")
    def logout() -> Any:
        user = current_user()
        if user is not None:
            audit(user, "logout", user.name, "ok")
        session.clear()
        return redirect(url_for("login"))

    # --- 1. operations -----------------------------------------------------------------------------

    @app.get("/")
    @login_required()
    def operations() -> Any:
        try:
            ops = c.with_store(lambda s: s.operations())
            store_error = None
        except Exception as exc:
            ops, store_error = None, f"{type(exc).__name__}: {str(exc)[:200]}"
        charts = None
        if ops is not None:
            times = [p["minute"] for p in ops["series"]]
            charts = (
                line_chart(
                    "Filings received per minute (last hour)",
                    times,
                    [p["received"] for p in ops["series"]],
                    bars=True,
                ),
                line_chart(
                    "Filing to acknowledgement, median per minute (seconds)",
                    times,
                    [p["p50"] for p in ops["series"]],
                    unit=" s",
                ),
            )
        return render_template(
            "operations.html",
            ops=ops,
            store_error=store_error,
            broker=c.broker.look(),
            charts=charts,
            rules_version=c.assessor.rules_version,
            kinds=("ASSESSMENT_COMPLETE", "RFI", "RFS", "DNL", "REJECTED", "NOT_ASSESSED"),
        )

    # --- 2. dead letters -----------------------------------------------------------------------------

    def page_arg() -> int:
        try:
            return max(1, min(10_000, int(request.args.get("page", "1"))))
        except ValueError:
            return 1

    @app.get("/dead-letters")
    @login_required()
    def dead_letters() -> Any:
        reason = request.args.get("reason") or None
        page = page_arg()
        week = datetime.now(UTC) - timedelta(days=7)
        rows, reasons = c.with_store(
            lambda s: (
                s.dead_letters(reason=reason, offset=(page - 1) * PAGE, limit=PAGE + 1),
                s.dead_letter_reasons(since=s._ts_in(week)),
            )
        )
        if reason and reason not in dict(reasons):
            reasons.append((reason, 0))
        return render_template(
            "dead_letters.html",
            rows=rows[:PAGE],
            more=len(rows) > PAGE,
            page=page,
            reason=reason,
            reasons=reasons,
            broker=c.broker.look(),
        )

    @app.get("/dead-letters/<source>/<int:row_id>")
    @login_required()
    def dead_letter(source: str, row_id: int) -> Any:
        item = c.with_store(lambda s: s.dead_letter_body(source, row_id))
        if item is None:
            abort(404)
        text = item["body"][:200_000].decode("utf-8", "replace")
        return render_template(
            "dead_letter.html",
            item=item,
            source=source,
            row_id=row_id,
            text=text,
            truncated=len(item["body"]) > 200_000,
        )

    @app.get("/dead-letters/<source>/<int:row_id>/raw")
    @login_required()
    def dead_letter_raw(source: str, row_id: int) -> Response:
        item = c.with_store(lambda s: s.dead_letter_body(source, row_id))
        if item is None:
            abort(404)
        return download(item["body"], f"dead-letter-{source}-{row_id}.bin")

    @app.route("/dead-letters/replay", methods=["GET", "POST"])
    @login_required("officer")
    def replay_dead_letters() -> Any:
        user = current_user()
        assert user is not None
        source = request.form if request.method == "POST" else request.args
        message_id = source.get("message_id") or None
        reason = source.get("reason") or None
        if not message_id and not reason:
            abort(400, description="Name a dead letter (message id) or a reason to replay.")
        if request.method == "GET" or source.get("confirm") != "yes":
            count = None
            if reason and not message_id:
                count = dict(c.with_store(lambda s: s.dead_letter_reasons())).get(reason, 0)
            return render_template(
                "replay_confirm.html",
                message_id=message_id,
                reason=reason,
                count=count,
                broker=c.broker.look(),
            )
        from acid_processor.service.operator import replay_dead_letters as replay

        target = message_id or f"reason {reason}"
        try:
            replayed = replay(c.settings, message_id=message_id, reason_code=None if message_id else reason)
        except Exception as exc:
            audit(user, "replay_dead_letters", target, "failed", {"error": repr(exc)[:300]})
            flash(
                f"Replay failed: the broker could not be reached ({type(exc).__name__})."
                " Nothing was replayed.",
                "error",
            )
            return redirect(url_for("dead_letters", reason=reason))
        audit(
            user, "replay_dead_letters", target, f"replayed {len(replayed)}", {"message_ids": replayed[:1000]}
        )
        if replayed:
            flash(
                f"Replayed {len(replayed)} message(s) from the dead-letter queue to the inbound exchange.",
                "ok",
            )
        else:
            flash(
                "No matching message is waiting in the dead-letter queue (already replayed, or purged).",
                "error",
            )
        return redirect(url_for("dead_letters", reason=reason))

    # --- 3. referral worklist -----------------------------------------------------------------------

    @app.get("/referrals")
    @login_required()
    def referrals() -> Any:
        kind = request.args.get("kind", "")
        kind = kind if kind in ("DNL", "RFS", "RFI") else ""
        prefix = request.args.get("prefix", "").strip()
        prefix = prefix if prefix.isdigit() and len(prefix) == 3 else ""
        flight = request.args.get("flight", "").strip().upper()[:12]
        age = request.args.get("age", "")
        age = age if age in AGES else ""
        page = page_arg()
        rows, total = c.with_store(
            lambda s: s.worklist(
                kind=kind or None,
                prefix=prefix or None,
                flight=flight or None,
                min_age=AGES[age],
                offset=(page - 1) * PAGE,
                limit=PAGE,
            )
        )
        return render_template(
            "referrals.html",
            rows=rows,
            total=total,
            page=page,
            pages=max(1, (total + PAGE - 1) // PAGE),
            filters={"kind": kind, "prefix": prefix, "flight": flight, "age": age},
            ages=list(AGES),
        )

    # --- 4. consignment -------------------------------------------------------------------------------

    @app.get("/consignments")
    @login_required()
    def find_consignment() -> Any:
        q = request.args.get("q", "").strip()
        try:
            key = normalise_key(q)
        except CommandError as exc:
            flash(f"{exc.detail}", "error")
            return redirect(
                request.referrer
                if request.referrer and request.referrer.startswith(request.host_url)
                else url_for("referrals")
            )
        return redirect(consignment_url(key))

    def consignment_url(key: str) -> str:
        awb, _, hawb = key.partition("/")
        if hawb:
            return url_for("consignment", awb=awb, hawb=hawb)
        return url_for("consignment", awb=awb)

    app.jinja_env.globals["consignment_url"] = consignment_url

    @app.get("/consignments/<awb>")
    @app.get("/consignments/<awb>/<hawb>")
    @login_required()
    def consignment(awb: str, hawb: str | None = None) -> Any:
        key = f"{awb}/{hawb}" if hawb else awb
        view = c.with_store(lambda s: c.read_filing(lambda checker: consignment_view(s, checker, key)))
        if view is None:
            abort(404, description=f"No consignment {key} is known.")
        return render_template("consignment.html", v=view, key=key)

    @app.post("/consignments/<awb>/act")
    @app.post("/consignments/<awb>/<hawb>/act")
    @login_required("officer")
    def act_on(awb: str, hawb: str | None = None) -> Any:
        from acid_processor.service.officer import act

        user = current_user()
        assert user is not None
        key = f"{awb}/{hawb}" if hawb else awb
        action = request.form.get("action", "")
        note = request.form.get("note", "").strip()
        if action not in ("release", "confirm", "place"):
            abort(400, description="Unknown action.")
        if not note:
            flash("A note is required: say why (it is audited and never sent to the carrier).", "error")
            return redirect(consignment_url(key))
        kind = request.form.get("kind") or None
        if action == "place" and kind not in ("RFI", "RFS", "DNL"):
            flash("Choose the kind of hold to place: RFI, RFS or DNL.", "error")
            return redirect(consignment_url(key))
        command = OfficerCommand(
            command_id=f"console-{uuid.uuid4()}",
            officer=user.name,
            action=action,
            consignment_key=key,
            note=note[:2000],
            hold_ids=tuple(request.form.getlist("hold")) if action != "place" else (),
            kind=Outcome(kind) if action == "place" and kind else None,
            at=datetime.now(UTC),
            source="console",
        )
        try:
            with c._act_lock:
                acted = c.with_store(lambda s: act(c.settings, s, c.lifecycle, command))
        except CommandRefused as exc:
            flash(f"Refused: {exc}", "error")
            return redirect(consignment_url(key))
        if acted.error:
            flash(
                f"{action.capitalize()} applied and audited;"
                f" {len(acted.outbound) - acted.published} message(s)"
                " could not be published yet and wait in the store as pending.",
                "error",
            )
        else:
            flash(f"{action.capitalize()} applied and audited; {acted.published} message(s) published.", "ok")
        return redirect(consignment_url(key))

    @app.get("/filings/<int:filing_id>/raw")
    @login_required()
    def filing_raw(filing_id: int) -> Response:
        item = c.with_store(lambda s: s.filing_raw(filing_id))
        if item is None:
            abort(404)
        return download(item["body"], f"filing-{filing_id}.{'json' if item['kind'] == 'COMMAND' else 'xml'}")

    @app.get("/filings/<int:filing_id>")
    @login_required()
    def filing(filing_id: int) -> Any:
        item = c.with_store(lambda s: s.filing_raw(filing_id))
        if item is None:
            abort(404)
        text = item["body"][:500_000].decode("utf-8", "replace")
        return render_template("filing.html", item=item, text=text, truncated=len(item["body"]) > 500_000)

    @app.get("/replies/<path:message_id>")
    @login_required()
    def reply(message_id: str) -> Response:
        item = c.with_store(lambda s: s.outbound_body(message_id))
        if item is None:
            abort(404)
        suffix = "json" if item["content_type"] == "application/json" else "xml"
        return download(item["body"], f"{item['kind']}-{message_id}.{suffix}")

    def download(body: bytes, name: str) -> Response:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:120]
        return Response(
            body,
            mimetype="application/octet-stream",
            headers={
                "Content-Disposition": f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(safe)}"
            },
        )

    # --- 5. policy preview ----------------------------------------------------------------------------

    @app.get("/policy")
    @login_required()
    def policy() -> Any:
        return render_template(
            "policy.html", c=c, report=None, form={"rules": "", "last": "1000"}, error=None
        )

    @app.post("/policy")
    @login_required("officer")
    def policy_try() -> Any:
        user = current_user()
        assert user is not None
        rules = request.form.get("rules", "").strip()
        form = {"rules": rules, "last": request.form.get("last", "1000")}
        try:
            last = int(form["last"])
        except ValueError:
            last = 0
        error = None
        report = None
        if not 1 <= last <= console.replay_max:
            error = f"N must be a whole number from 1 to {console.replay_max:,}."
        elif not rules or not Path(rules).is_dir():
            error = f"{rules or '(empty)'} is not a directory on the console's machine."
        else:
            try:
                proposed = Assessor(
                    Policy.load(Path(rules)), checker=c.assessor.checker, test_mode=c.assessor.test_mode
                )
                with c._read_lock:  # the checker is shared
                    report = c.with_store(lambda s: replay_rules(s, c.assessor, proposed, last, keep=200))
            except PolicyError as exc:
                error = f"The proposed rule set cannot be loaded: {exc}"
        audit(
            user,
            "try_rules",
            rules,
            "error" if error else "ok",
            {"last": last, "error": error}
            if error
            else {
                "last": last,
                **(
                    {}
                    if report is None
                    else {
                        "filings": report.filings,
                        "moved": report.moved_total,
                        "version": report.version_proposed,
                    }
                ),
            },
        )
        return render_template(
            "policy.html", c=c, report=report, form=form, error=error
        ), 200 if not error else 400

    # --- audit ------------------------------------------------------------------------------------------

    @app.get("/audit")
    @login_required()
    def audit_page() -> Any:
        officer, console_rows = c.with_store(lambda s: (s.officer_actions_recent(50), s.console_actions(50)))
        return render_template("audit.html", officer=officer, console_rows=console_rows)

    return app
