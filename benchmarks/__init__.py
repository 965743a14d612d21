"""Benchmarks: `python dev.py bench` runs them against a real local server and prints figures."""
