"""The public half of the update channel's Ed25519 signing key, shipped in the client.

This is the mock backend's test/dev key (mock_backend/updates.py holds its private half).
A real deployment replaces it with the public key of the real update server.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

UPDATE_PUBLIC_KEY_B64 = "4SmhQdVk13PsbldXALRcrD2Z+eCg0bqFcYm/w0zEKOw="


def update_public_key() -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(UPDATE_PUBLIC_KEY_B64))
