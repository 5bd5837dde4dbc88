"""Settings of the service: defaults that work on a developer machine, overridden by an optional
TOML file and then by ACID_* environment variables (the environment wins, as operators expect)."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A setting that cannot be used: names the setting and the source."""


@dataclass(frozen=True, slots=True)
class Topology:
    """Names and arguments of everything the service declares on the broker."""

    inbound_exchange: str = "acid.inbound"
    filings_queue: str = "acid.filings"
    dead_letter_exchange: str = "acid.dlx"
    dead_letter_queue: str = "acid.filings.dlq"
    carriers_exchange: str = "acid.carriers"
    targeting_exchange: str = "acid.targeting"
    unrouted_exchange: str = "acid.unrouted"
    unrouted_queue: str = "acid.unrouted"
    commands_exchange: str = "acid.commands"
    commands_queue: str = "acid.commands"
    delivery_limit: int = 5
    queue_type: str = "quorum"


@dataclass(frozen=True, slots=True)
class Settings:
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    store_url: str = "sqlite:///acid-processor.sqlite3"
    rules_dir: str | None = None  # None: the shipped default policy
    profile: str = "pact"
    test_mode: bool = False
    prefetch: int = 200
    batch_size: int = 100  # deliveries processed and committed to the store in one transaction
    max_bytes: int = 5 * 1024 * 1024
    heartbeat: int = 30
    drain_timeout: float = 30.0  # seconds to finish in-flight work on SIGTERM
    reconnect_max_delay: float = 30.0
    store_retry_max_delay: float = 30.0  # cap of the backoff while the store is unavailable
    processes: int = 0  # consumer processes under one supervisor; 0: one per core
    metrics_port: int | None = None  # Prometheus exporter; None: off
    officer_accounts: tuple[str, ...] = ()  # AMQP users allowed to send officer commands
    log_level: str = "info"
    topology: Topology = field(default_factory=Topology)


_ENV_PREFIX = "ACID_"


def load_settings(path: Path | str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file (path or $ACID_CONFIG), then ACID_* variables."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    topo: dict[str, Any] = {}
    path = path or env.get("ACID_CONFIG")
    if path:
        try:
            doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        topo.update(doc.pop("topology", {}))
        values.update(doc)
    for f in dataclasses.fields(Settings):
        if f.name == "topology":
            continue
        if (raw := env.get(_ENV_PREFIX + f.name.upper())) is not None:
            values[f.name] = raw
    for f in dataclasses.fields(Topology):
        if (raw := env.get(_ENV_PREFIX + f.name.upper())) is not None:
            topo[f.name] = raw
    try:
        topology = Topology(**{k: _coerce(Topology, k, v) for k, v in topo.items()})
        return Settings(topology=topology, **{k: _coerce(Settings, k, v) for k, v in values.items()})
    except TypeError as exc:
        raise ConfigError(f"unknown setting: {exc}") from None


def _coerce(cls: type, name: str, value: Any) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if name not in fields:
        raise ConfigError(f"unknown setting {name!r}")
    default = fields[name].default
    if name == "officer_accounts":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise ConfigError("setting officer_accounts: a list of AMQP user names (or comma-separated)")
        return tuple(i.strip() for i in items if i.strip())
    if not isinstance(value, str):
        return value
    try:
        if isinstance(default, bool):
            if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(value)
            return value.lower() in ("1", "true", "yes", "on")
        if isinstance(default, int) or name == "metrics_port":
            return int(value) if value else None
        if isinstance(default, float):
            return float(value)
    except ValueError:
        raise ConfigError(f"setting {name}: {value!r} is not a valid {type(default).__name__}") from None
    return value or None if name == "rules_dir" else value
