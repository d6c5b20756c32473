"""Password hashing with Argon2id (argon2-cffi). Hashing is deliberately slow, so it runs in a
thread and never blocks the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


# Verifying against this when the account does not exist takes as long as a real check, so the
# answer time does not tell whether an email is registered.
DUMMY_HASH = hash_password_sync("an account that does not exist")
