"""JSON Web Tokens: short-lived access tokens and rotating refresh tokens, both naming the
session (`sid`) they belong to, so that ending the session in Redis ends them at once. They carry
no roles: what a caller may do is the session's (or the database's) to say."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from core.settings import Settings
from domain.errors import Unauthenticated

TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class Claims:
    user_id: uuid.UUID
    email: str
    sid: str
    jti: str
    type: TokenType
    issued_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_in: int  # seconds


class TokenCodec:
    def __init__(self, settings: Settings) -> None:
        self._secret = settings.jwt_secret
        self._algorithm = settings.jwt_algorithm
        self.access_lifetime = timedelta(minutes=settings.access_token_expire_minutes)
        self.refresh_lifetime = timedelta(days=settings.refresh_token_expire_days)

    def issue(self, type_: TokenType, *, user_id: uuid.UUID, email: str, sid: str) -> IssuedToken:
        lifetime = self.access_lifetime if type_ == "access" else self.refresh_lifetime
        now = datetime.now(UTC)
        jti = secrets.token_urlsafe(16)
        payload = {
            "sub": str(user_id),
            "email": email,
            "sid": sid,
            "jti": jti,
            "type": type_,
            "iat": now,
            "exp": now + lifetime,
        }
        return IssuedToken(
            jwt.encode(payload, self._secret, algorithm=self._algorithm),
            jti,
            int(lifetime.total_seconds()),
        )

    def decode(self, token: str, expected: TokenType) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[self._algorithm],
                options={"require": ["exp", "iat", "sub", "sid", "jti", "type"]},
            )
        except jwt.ExpiredSignatureError as expired:
            raise Unauthenticated("the token has expired") from expired
        except jwt.PyJWTError as invalid:
            raise Unauthenticated("the token is not valid") from invalid
        if payload.get("type") != expected:
            article = "an" if expected == "access" else "a"
            raise Unauthenticated(f"{article} {expected} token is needed here")
        try:
            return Claims(
                user_id=uuid.UUID(payload["sub"]),
                email=str(payload.get("email", "")),
                sid=str(payload["sid"]),
                jti=str(payload["jti"]),
                type=expected,
                issued_at=datetime.fromtimestamp(int(payload["iat"]), UTC),
            )
        except (ValueError, TypeError, OverflowError) as malformed:
            raise Unauthenticated("the token is not valid") from malformed
