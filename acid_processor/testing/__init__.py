"""Helpers for tests and benchmarks, never imported by the running service: realistic generated
filings (`synthetic`) and record factories (`records`) that let a rule be tested without XML."""
