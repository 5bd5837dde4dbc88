"""Every line the service writes is one JSON object: our own events and the libraries' records
(psycopg reporting a lost connection, pika's warnings), exceptions included."""

from __future__ import annotations

import json
import logging

import structlog

from acid_processor import logs


def test_library_records_and_our_events_are_each_one_json_line(capsys) -> None:
    logs.configure("info")
    try:
        logging.getLogger("psycopg").warning("connection lost: %s", "server closed the connection")
        try:
            raise ConnectionResetError("peer reset")
        except ConnectionResetError:
            logging.getLogger("pika.adapters").exception("socket error")
        logging.getLogger("psycopg").debug("below the level: not written")
        structlog.get_logger("acid_processor.consumer").info("store available again", after_attempts=3)
        lines = capsys.readouterr().err.splitlines()
        records = [json.loads(line) for line in lines]  # fails on any line that is not JSON
        assert [r["event"] for r in records] == [
            "connection lost: server closed the connection",
            "socket error",
            "store available again",
        ]
        assert records[0]["logger"] == "psycopg" and records[0]["level"] == "warning"
        assert "ConnectionResetError: peer reset" in records[1]["exception"]
        assert records[2]["after_attempts"] == 3 and "timestamp" in records[2]
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()
