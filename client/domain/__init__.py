"""Business rules with no I/O: identity numbers, taxpayer IDs, passwords (manual terms)."""
