"""Helpers shared by the test suites (no Qt here)."""
