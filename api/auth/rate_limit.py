"""Rate limits in Redis: a fixed window per key (client address, account), shared by every
API process. Past the limit the caller gets 429 with `Retry-After`."""

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
        count, ttl = await self._redis.eval(_HIT, 1, f"rate:{bucket}:{key}", self._window)
        if int(count) > limit:
            raise RateLimited(
                f"too many {bucket} attempts; try again in {max(int(ttl), 1)} s",
                retry_after=max(int(ttl), 1),
            )
