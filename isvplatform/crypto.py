"""AES-256-GCM encryption of secrets at rest, with rotatable keys.

A stored value reads `v1:<key id>:<base64url(nonce || ciphertext+tag)>`. The first key of
`ENCRYPTION_KEYS` encrypts; every listed key decrypts. The caller passes associated data
naming the row and field, so a ciphertext copied to another row does not decrypt.
"""

import base64
import binascii
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored secret could not be decrypted: unknown key, tampered or moved ciphertext."""


class Secret:
    """A decrypted secret that does not show itself in repr, str, logs or templates."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]

    @property
    def primary_id(self) -> str:
        return self.keys[0][0]

    def get(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise DecryptionError(f"unknown encryption key id {key_id!r}")


def parse_keys(entries: list[str]) -> KeyRing:
    keys: list[tuple[str, bytes]] = []
    for entry in entries:
        if not entry:
            continue
        kid, sep, encoded = entry.strip().partition(":")
        if not sep or not kid:
            raise ImproperlyConfigured("ENCRYPTION_KEYS entries must read 'keyid:base64key'")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError) as err:
            raise ImproperlyConfigured(f"ENCRYPTION_KEYS key {kid!r} is not base64") from err
        if len(key) != 32:
            raise ImproperlyConfigured(f"ENCRYPTION_KEYS key {kid!r} must be 32 bytes")
        if any(existing == kid for existing, _ in keys):
            raise ImproperlyConfigured(f"ENCRYPTION_KEYS key id {kid!r} is listed twice")
        keys.append((kid, key))
    if not keys:
        raise ImproperlyConfigured("ENCRYPTION_KEYS must name at least one key")
    return KeyRing(tuple(keys))


@lru_cache(maxsize=8)
def _keyring_for(entries: tuple[str, ...]) -> KeyRing:
    return parse_keys(list(entries))


def keyring() -> KeyRing:
    return _keyring_for(tuple(settings.ENCRYPTION_KEYS))


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def encrypt(plaintext: str, *, aad: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.get(ring.primary_id)).encrypt(
        nonce, plaintext.encode(), _aad(ring.primary_id, aad)
    )
    payload = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{FORMAT_VERSION}:{ring.primary_id}:{payload}"


def decrypt(stored: str, *, aad: str) -> str:
    _, key_id, payload = _split(stored)
    key = keyring().get(key_id)
    try:
        raw = base64.urlsafe_b64decode(payload)
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(key_id, aad))
    except (InvalidTag, binascii.Error, ValueError) as err:
        raise DecryptionError(
            f"secret for {aad} failed authentication: tampered, moved or wrong key"
        ) from err
    return plain.decode()


def key_id_of(stored: str) -> str:
    return _split(stored)[1]


def _split(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT_VERSION:
        raise DecryptionError("stored secret is not in a known format")
    return parts[0], parts[1], parts[2]


def _aad(key_id: str, aad: str) -> bytes:
    return f"{FORMAT_VERSION}|{key_id}|{aad}".encode()
