"""acid-processor: reads air-cargo advance information filings, assesses them before loading and answers."""

__version__ = "0.1.0"
