"""Rate limits in Redis: a fixed window per key (client address, account), shared by every
API process. Past the limit the caller gets 429 with `Retry-After`.

`hit` counts every attempt (a client address trying many accounts); `check` and `fail` count
only failures, for limits that must not stop the rightful user (wrong passwords for one account
from one address: an attacker elsewhere cannot lock the owner out). Without Redis nothing is
limited, so nothing limited is allowed: the caller gets 503 (the limits fail closed).
"""

from __future__ import annotations

from redis.asyncio import Redis

from api.errors import RateLimited

_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""


class RateLimiter:
    def __init__(self, redis: Redis, *, window: int) -> None:
        self._redis = redis
        self._window = window

    async def hit(self, bucket: str, key: str, limit: int) -> None:
        """Count an attempt; 429 once there were more than `limit` in the window."""
        count, ttl = await self._redis.eval(_HIT, 1, _key(bucket, key), self._window)
        if int(count) > limit:
            raise _limited(f"{bucket} attempts", int(ttl))

    async def check(self, bucket: str, key: str, limit: int, *, what: str) -> None:
        """429 (too many `what`) if `limit` failures were counted in the window; counts
        nothing itself."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(_key(bucket, key))
            pipe.ttl(_key(bucket, key))
            count, ttl = await pipe.execute()
        if count is not None and int(count) >= limit:
            raise _limited(what, int(ttl))

    async def fail(self, bucket: str, key: str) -> None:
        """Count a failure (for `check`)."""
        await self._redis.eval(_HIT, 1, _key(bucket, key), self._window)

    async def forget(self, bucket: str, key: str) -> None:
        await self._redis.delete(_key(bucket, key))


def _key(bucket: str, key: str) -> str:
    return f"rate:{bucket}:{key}"


def _limited(what: str, ttl: int) -> RateLimited:
    wait = max(ttl, 1)
    return RateLimited(f"too many {what}; try again in {wait} s", retry_after=wait)
