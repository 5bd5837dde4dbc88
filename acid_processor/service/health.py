"""The consumer's HTTP endpoint for operations: /metrics (Prometheus), /healthz (the process and
its threads are alive) and /readyz (connected to the broker, consuming, and the store answering;
503 with the reason otherwise), on the metrics port, in a daemon thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

__all__ = ["serve_health"]

Check = Callable[[], tuple[bool, dict[str, object]]]


def serve_health(port: int, alive: Check, ready: Check, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """Start serving on `port` (all interfaces, as Prometheus scrapes it: put it behind your network
    policy); returns the server (shutdown() stops it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
            elif path in ("/healthz", "/readyz"):
                ok, detail = (alive if path == "/healthz" else ready)()
                body = json.dumps({"ok": ok, **detail}).encode()
                self._send(200 if ok else 503, body, "application/json")
            else:
                self._send(404, b'{"error": "not found"}', "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # probes every few seconds: not worth a log line each

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="acid-health", daemon=True).start()
    return server
