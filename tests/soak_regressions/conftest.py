"""The fee unit fixture of the fee tests (a registered, logged-in unit on the real backend)."""

from tests.fees.conftest import fee_unit  # noqa: F401
