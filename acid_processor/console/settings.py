"""The console's own settings, apart from the service's (`config.Settings` gives it the store, the
broker, the topology and the policy): where to listen, who may log in, the session key, how often
pages refresh. Defaults, then ACID_CONSOLE_* variables, then the `serve` command's options."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from acid_processor.console.auth import default_config_dir

__all__ = ["ConsoleSettings", "parse_bind"]


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    bind: str = "127.0.0.1:8080"  # loopback unless told otherwise
    users_file: Path = Path("acid-console-users")
    secret: str | None = None  # ACID_CONSOLE_SECRET; else secret_file
    secret_file: Path = Path("console.secret")
    refresh_s: float = 5.0  # pages poll this often
    secure_cookies: bool = False  # set behind TLS: the session cookie is then sent over HTTPS only
    threads: int = 8
    session_hours: float = 12.0
    replay_max: int = 10_000  # the most filings one rule-set trial in the browser may read

    @classmethod
    def load(cls, env: dict[str, str] | None = None, **overrides: object) -> ConsoleSettings:
        """Defaults (files in the user's configuration directory), ACID_CONSOLE_* variables, then
        the overrides that are not None (command-line options)."""
        env = dict(os.environ if env is None else env)
        home = default_config_dir(env)
        values: dict[str, object] = {
            "users_file": Path(env.get("ACID_CONSOLE_USERS") or home / "console-users"),
            "secret_file": Path(env.get("ACID_CONSOLE_SECRET_FILE") or home / "console.secret"),
            "secret": env.get("ACID_CONSOLE_SECRET") or None,
        }
        if env.get("ACID_CONSOLE_BIND"):
            values["bind"] = env["ACID_CONSOLE_BIND"]
        if env.get("ACID_CONSOLE_REFRESH"):
            values["refresh_s"] = float(env["ACID_CONSOLE_REFRESH"])
        if env.get("ACID_CONSOLE_SECURE_COOKIES"):
            values["secure_cookies"] = env["ACID_CONSOLE_SECURE_COOKIES"].lower() in (
                "1",
                "true",
                "yes",
                "on",
            )
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("users_file"), str):
            values["users_file"] = Path(str(values["users_file"]))
        settings = cls(**values)  # type: ignore[arg-type]
        parse_bind(settings.bind)
        if not 0.5 <= settings.refresh_s <= 3600:
            raise ValueError(f"refresh {settings.refresh_s}: between 0.5 and 3600 seconds")
        return settings


def parse_bind(bind: str) -> tuple[str, int]:
    """HOST:PORT (or [IPv6]:PORT) as host and port; ValueError when it is neither."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ValueError(f"bind {bind!r}: HOST:PORT, e.g. 127.0.0.1:8080")
    return host.strip("[]"), int(port)
