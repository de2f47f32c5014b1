"""Sealing what a caller said between two webhooks: AES-GCM under a key derived from AZUKARI_SECRET_KEY.

Why seal rather than store: the child's name is said before the birthdate, and names are
graded only among the children born that day (grading against every child at 1,000,000 is
neither fast nor private). So the name must outlive one webhook. Stored in plain text it would
be raw speech in the conversation table; sealed, the database holds only ciphertext whose key
is not in the database, bound to one conversation (associated data), and it is deleted as soon
as it has been graded. The same goes for a household ID + PIN and a booking number being keyed in.
The key is the service's own secret, never the Twilio token: rotating that token (it only checks
signatures) must not make live calls unreadable.
"""
from __future__ import annotations

import base64
import binascii
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"azukari conversation sealing v1"


@functools.lru_cache(maxsize=4)
def _aead(secret: str) -> AESGCM:
    # Derived once per secret, not per webhook; an AESGCM object holds only its key and may be shared.
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode()))


class Sealer:
    """Seals short strings for one conversation; a token from another conversation does not open."""

    def __init__(self, secret: str, *, conversation: str) -> None:
        self._aead = _aead(secret)
        self._conversation = conversation

    def _aad(self, purpose: str) -> bytes:
        return f"{self._conversation}\x00{purpose}".encode()

    def seal(self, purpose: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), self._aad(purpose))
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def unseal(self, purpose: str, token: str) -> str | None:
        """The value, or None if the token is damaged, foreign or sealed under another secret key."""
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            return self._aead.decrypt(raw[:12], raw[12:], self._aad(purpose)).decode()
        except (InvalidTag, ValueError, binascii.Error, UnicodeError):
            return None
