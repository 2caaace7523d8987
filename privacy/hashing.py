"""The keyed hash of a person's address: HMAC-SHA256 under a key derived (HKDF) from each of
the platform's encryption keys (`ENCRYPTION_KEYS`, see `isvplatform/crypto.py`).

The tenant is part of the hashed text, so one person's hashes in two tenants don't match.
The first key hashes new rows; every listed key is tried on a check, so rotating the
encryption keys does not lift a suppression while the retired key stays listed (a check that
matches under an old key re-keys the row, see `privacy.suppression`).
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from isvplatform import crypto

INFO = b"isvplatform privacy subject hash v1"


@lru_cache(maxsize=16)
def _derived(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(key)


def _message(tenant_id: int, address: str) -> bytes:
    return f"{tenant_id}\x1f{address.strip().lower()}".encode()


def subject_digest(tenant_id: int, address: str) -> tuple[str, str]:
    """(key id, hex digest) of `address` under the primary key."""
    ring = crypto.keyring()
    key_id = ring.primary_id
    digest = hmac.new(_derived(ring.get(key_id)), _message(tenant_id, address), hashlib.sha256)
    return key_id, digest.hexdigest()


def all_digests(tenant_id: int, address: str) -> dict[str, str]:
    """{hex digest: key id} of `address` under every listed key (the primary first)."""
    message = _message(tenant_id, address)
    return {
        hmac.new(_derived(key), message, hashlib.sha256).hexdigest(): key_id
        for key_id, key in crypto.keyring().keys
    }
