"""Benchmarks: run ``python tests/benchmarks/bench.py`` (not collected by pytest)."""
