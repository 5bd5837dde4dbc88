"""structlog set up once: JSON lines on stderr, level-filtered so debug calls cost nothing."""

from __future__ import annotations

import logging
import sys

import structlog


def configure(level: str = "info") -> None:
    """One JSON object per line with a timestamp and level; below `level` nothing is formatted."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.getLogger("pika").setLevel(logging.WARNING)
