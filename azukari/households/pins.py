"""Phone PINs: argon2id hashes, verified in constant time; unknown ids cost the same work."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id, 16 MiB, 2 passes, 1 lane: one verify takes ~25-30 ms on the development machine
# (docs/benchmarks.md) — slow for an offline guesser of 4-8 digit PINs, fast enough for a webhook.
TIME_COST = 2
MEMORY_COST_KIB = 16 * 1024
PARALLELISM = 1

_HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)

# The hash of a random string that is no PIN, made with the parameters above. Verifying a PIN
# against it for an unknown household id costs what a real household costs, so timing tells nothing.
DUMMY_HASH = "$argon2id$v=19$m=16384,t=2,p=1$dYnolM3bYZX7sU4pBF9NMQ$QfW8KAByC8cFPC12DXELtdnOm1Nm2ofe/Z8r1HQYBMA"


def hash_pin(pin: str) -> str:
    """A salted argon2id hash of the PIN; the PIN itself is never stored."""
    return _HASHER.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """Whether `pin` is the one hashed; argon2 compares digests in constant time."""
    try:
        return _HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def settle_pin(pin: str, stored_hash: str | None) -> str | None:
    """None when `stored_hash` already holds `pin` (it is kept), else a new hash: what an import stores."""
    if stored_hash is not None and verify_pin(stored_hash, pin):
        return None
    return hash_pin(pin)
