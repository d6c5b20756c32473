"""Sessions in Redis. A session is born at sign-in and holds the account's roles and the one
refresh token that may be used next; refreshing rotates it. The refresh token just rotated, again
within RETRY_SECONDS (a retry after a lost answer, two tabs refreshing at once), gets the same
answer; any older one (a stolen copy, a replay) ends the session. Sign-out, a password change or
reset, a change of roles and deactivation end sessions at once, since every access token is
checked against its session — and what a caller may do comes from the session, never from the
token's claims."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from api.auth.tokens import Claims, TokenCodec
from domain.access import Role
from domain.errors import Unauthenticated

RETRY_SECONDS = 10

# Rotate only if the presented refresh token is the current one; the one just replaced gets the
# pair it was answered with while KEYS[3] keeps it (ARGV[7] seconds, then Redis drops it: no
# token outlives its moment there); any other ends the session. The roles are set again from
# the database's (ARGV[5]): a session outlives no change of them.
_ROTATE = """
local current = redis.call('HGET', KEYS[1], 'refresh_jti')
if not current then return 0 end
if current ~= ARGV[1] then
  local last = redis.call('GET', KEYS[3])
  if last then
    local cut = string.find(last, ' ', 1, true)
    if string.sub(last, 1, cut - 1) == ARGV[1] then return string.sub(last, cut + 1) end
  end
  redis.call('DEL', KEYS[1], KEYS[3])
  redis.call('SREM', KEYS[2], ARGV[3])
  return -1
end
redis.call('HSET', KEYS[1], 'refresh_jti', ARGV[2], 'roles', ARGV[5])
redis.call('SET', KEYS[3], ARGV[1] .. ' ' .. ARGV[6], 'EX', ARGV[7])
redis.call('EXPIRE', KEYS[1], ARGV[4])
-- The user's set of sessions must outlive every session in it, or ending them all misses some.
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True)
class LiveSession:
    """What the server holds for a session: whose it is and the roles it was given."""

    user_id: uuid.UUID
    roles: tuple[Role, ...]


def _joined(roles: tuple[Role, ...]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _session_key(sid: str) -> str:
    return f"session:{sid}"


def _retry_key(sid: str) -> str:
    return f"session-retry:{sid}"


def _user_key(user_id: uuid.UUID) -> str:
    return f"user-sessions:{user_id}"


class SessionStore:
    def __init__(self, redis: Redis, codec: TokenCodec) -> None:
        self._redis = redis
        self._codec = codec
        self._ttl = int(codec.refresh_lifetime.total_seconds())

    def _pair(self, user_id: uuid.UUID, email: str, sid: str) -> tuple[TokenPair, str]:
        access = self._codec.issue("access", user_id=user_id, email=email, sid=sid)
        refresh = self._codec.issue("refresh", user_id=user_id, email=email, sid=sid)
        return TokenPair(access.token, refresh.token, access.expires_in), refresh.jti

    async def start(self, user_id: uuid.UUID, email: str, roles: tuple[Role, ...]) -> TokenPair:
        sid = secrets.token_urlsafe(16)
        pair, refresh_jti = self._pair(user_id, email, sid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                _session_key(sid),
                mapping={
                    "refresh_jti": refresh_jti,
                    "user_id": str(user_id),
                    "roles": _joined(roles),
                },
            )
            pipe.expire(_session_key(sid), self._ttl)
            pipe.sadd(_user_key(user_id), sid)
            pipe.expire(_user_key(user_id), self._ttl)
            await pipe.execute()
        return pair

    async def rotate(self, claims: Claims, roles: tuple[Role, ...]) -> TokenPair:
        """A new pair for the session of refresh token `claims`, now with `roles` (or the pair
        it got a moment ago, if it was just rotated)."""
        pair, new_jti = self._pair(claims.user_id, claims.email, claims.sid)
        outcome = await self._redis.eval(
            _ROTATE,
            3,
            _session_key(claims.sid),
            _user_key(claims.user_id),
            _retry_key(claims.sid),
            claims.jti,
            new_jti,
            claims.sid,
            self._ttl,
            _joined(roles),
            json.dumps(asdict(pair)),
            RETRY_SECONDS,
        )
        if isinstance(outcome, bytes | str):
            return TokenPair(**json.loads(outcome))
        if outcome == -1:
            raise Unauthenticated("this refresh token was already used; the session is ended")
        if outcome != 1:
            raise Unauthenticated("the session has ended; sign in again")
        return pair

    async def live(self, claims: Claims) -> LiveSession | None:
        """The session the token names, if it is still live and belongs to the token's user."""
        found = await self._redis.hmget(_session_key(claims.sid), ["user_id", "roles"])
        user_id, roles = (v.decode() if isinstance(v, bytes) else v for v in found)
        if user_id is None or roles is None or user_id != str(claims.user_id):
            return None
        return LiveSession(claims.user_id, tuple(Role(r) for r in roles.split(",") if r))

    async def end(self, sid: str, user_id: uuid.UUID) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(_session_key(sid), _retry_key(sid))
            pipe.srem(_user_key(user_id), sid)
            await pipe.execute()

    async def others(self, user_id: uuid.UUID, *, keep: str | None = None) -> int:
        """How many sessions the user has but `keep`."""
        members = await self._redis.smembers(_user_key(user_id))
        return len({m if isinstance(m, str) else m.decode() for m in members} - {keep})

    async def end_all(self, user_id: uuid.UUID, *, keep: str | None = None) -> int:
        """End every session of the user but `keep`; returns how many ended."""
        members = await self._redis.smembers(_user_key(user_id))
        sids = {m if isinstance(m, str) else m.decode() for m in members}
        ended = sorted(sids - {keep} if keep else sids)
        if ended:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(*(_session_key(s) for s in ended), *(_retry_key(s) for s in ended))
                pipe.srem(_user_key(user_id), *ended)
                await pipe.execute()
        return len(ended)
