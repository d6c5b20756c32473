"""The signed-in user's own account: sign-up with email confirmation, sign-in, tokens,
sign-out, password change and reset."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.auth import mail
from api.auth.access import PUBLIC, CurrentUser
from api.auth.passwords import DUMMY_HASH, hash_password, verify_password
from api.auth.sessions import TokenPair
from api.deps import ServicesDep, SessionDep
from domain.access import Role
from domain.errors import Forbidden, InvalidInput, Unauthenticated
from domain.passwords import check_password
from persistence import users
from persistence.users import TokenPurpose

router = APIRouter()
log = structlog.get_logger(__name__)


class SignUp(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)
    phone_number: str | None = Field(None, pattern=r"^\+?[0-9 ()-]{5,32}$")
    full_name: str | None = Field(None, max_length=200)


class TokenIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)


class EmailIn(BaseModel):
    email: EmailStr


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=10)


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class PasswordReset(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    new_password: str = Field(min_length=1, max_length=256)


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    full_name: str | None
    phone_number: str | None
    roles: list[Role]
    is_active: bool
    email_confirmed_at: datetime | None
    created_at: datetime


class Accepted(BaseModel):
    detail: str


def _tokens(pair: TokenPair) -> TokensOut:
    return TokensOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/sign-up", status_code=201, dependencies=[PUBLIC])
async def sign_up(
    body: SignUp, request: Request, session: SessionDep, services: ServicesDep
) -> UserOut:
    """Create an account (role `viewer`); it works once the emailed token is confirmed."""
    limits = services.settings
    await services.limiter.hit("sign-up", f"ip:{_client(request)}", limits.rate_limit_per_ip)
    await services.limiter.hit(
        "sign-up", f"account:{body.email.lower()}", limits.rate_limit_per_account
    )
    check_password(body.password, email=body.email)
    user = await users.create_user(
        session,
        email=body.email,
        password_hash=await hash_password(body.password),
        roles=[Role.VIEWER],
        confirmed=False,
        phone_number=body.phone_number,
        full_name=body.full_name,
    )
    token = await users.issue_token(
        session, user, TokenPurpose.CONFIRM_EMAIL, timedelta(hours=limits.email_token_expire_hours)
    )
    await mail.send(services, session, user.email, *mail.confirmation(services, token))
    log.info("user.signed_up", user_id=str(user.id))
    return UserOut.model_validate(user)


@router.post("/email/confirm", dependencies=[PUBLIC])
async def confirm_email(body: TokenIn, session: SessionDep) -> UserOut:
    user = await users.use_token(session, body.token, TokenPurpose.CONFIRM_EMAIL)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = datetime.now(UTC)
    log.info("user.email_confirmed", user_id=str(user.id))
    return UserOut.model_validate(user)


@router.post("/email/resend", status_code=202, dependencies=[PUBLIC])
async def resend_confirmation(
    body: EmailIn, request: Request, session: SessionDep, services: ServicesDep
) -> Accepted:
    """Send a new confirmation token to an unconfirmed account. Always 202."""
    await _limit_mail(services, request, body.email)
    user = await users.by_email(session, body.email)
    if user is not None and user.email_confirmed_at is None:
        token = await users.issue_token(
            session,
            user,
            TokenPurpose.CONFIRM_EMAIL,
            timedelta(hours=services.settings.email_token_expire_hours),
        )
        await mail.send(services, session, user.email, *mail.confirmation(services, token))
    return Accepted(detail="if the account waits for confirmation, a new token is on its way")


@router.post("/sign-in", dependencies=[PUBLIC])
async def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    services: ServicesDep,
) -> TokensOut:
    """OAuth2 password flow: `username` (the email) and `password` as a form."""
    limits = services.settings
    await services.limiter.hit("sign-in", f"ip:{_client(request)}", limits.rate_limit_per_ip)
    await services.limiter.hit(
        "sign-in", f"account:{form.username.lower()}", limits.rate_limit_per_account
    )
    user = await users.by_email(session, form.username)
    valid = await verify_password(user.password_hash if user else DUMMY_HASH, form.password)
    if user is None or not valid:
        raise Unauthenticated("wrong email or password")
    if not user.is_active:
        raise Forbidden("the account is deactivated")
    if user.email_confirmed_at is None:
        raise Forbidden("confirm the email address first (see the message we sent)")
    pair = await services.sessions_store.start(
        user.id, user.email, tuple(Role(r) for r in user.roles)
    )
    log.info("user.signed_in", user_id=str(user.id))
    return _tokens(pair)


@router.post("/token/refresh", dependencies=[PUBLIC])
async def refresh(body: RefreshIn, services: ServicesDep) -> TokensOut:
    """A new pair for the current refresh token; an older one ends the session (401)."""
    return _tokens(await services.sessions_store.rotate(body.refresh_token))


@router.post("/sign-out", status_code=204)
async def sign_out(principal: CurrentUser, services: ServicesDep) -> Response:
    await services.sessions_store.end(principal.sid, principal.user_id)
    return Response(status_code=204)


@router.get("/me")
async def me(principal: CurrentUser, session: SessionDep) -> UserOut:
    return UserOut.model_validate(await users.get_user(session, principal.user_id))


@router.patch("/password/change")
async def change_password(
    body: PasswordChange, principal: CurrentUser, session: SessionDep, services: ServicesDep
) -> Accepted:
    """Change the password; every other session of the account ends."""
    await services.limiter.hit(
        "password-change", f"account:{principal.user_id}", services.settings.rate_limit_per_account
    )
    user = await users.get_user(session, principal.user_id, lock=True)
    if not await verify_password(user.password_hash, body.old_password):
        raise InvalidInput("the old password is wrong", field="old_password")
    check_password(body.new_password, email=user.email)
    user.password_hash = await hash_password(body.new_password)
    user.password_changed_at = datetime.now(UTC)
    ended = await services.sessions_store.end_all(user.id, keep=principal.sid)
    log.info("user.password_changed", user_id=str(user.id), sessions_ended=ended)
    return Accepted(detail=f"password changed; {ended} other session(s) ended")


async def _limit_mail(services: ServicesDep, request: Request, email: str) -> None:
    limits = services.settings
    await services.limiter.hit("mail", f"ip:{_client(request)}", limits.rate_limit_per_ip)
    await services.limiter.hit("mail", f"account:{email.lower()}", limits.rate_limit_per_account)


@router.post("/password/reset/request", status_code=202, dependencies=[PUBLIC])
async def request_password_reset(
    body: EmailIn, request: Request, session: SessionDep, services: ServicesDep
) -> Accepted:
    """Always 202: the answer never tells whether the email has an account."""
    await _limit_mail(services, request, body.email)
    user = await users.by_email(session, body.email)
    if user is not None and user.is_active:
        token = await users.issue_token(
            session,
            user,
            TokenPurpose.RESET_PASSWORD,
            timedelta(hours=services.settings.email_token_expire_hours),
        )
        await mail.send(services, session, user.email, *mail.password_reset(services, token))
    return Accepted(detail="if the email has an account, a reset token is on its way")


@router.post("/password/reset/confirm", dependencies=[PUBLIC])
async def confirm_password_reset(
    body: PasswordReset, session: SessionDep, services: ServicesDep
) -> Accepted:
    """Set a new password with the emailed token; every session of the account ends."""
    user = await users.use_token(session, body.token, TokenPurpose.RESET_PASSWORD)
    check_password(body.new_password, email=user.email)
    user.password_hash = await hash_password(body.new_password)
    user.password_changed_at = datetime.now(UTC)
    if user.email_confirmed_at is None:  # the token proves the address
        user.email_confirmed_at = user.password_changed_at
    ended = await services.sessions_store.end_all(user.id)
    log.info("user.password_reset", user_id=str(user.id), sessions_ended=ended)
    return Accepted(detail=f"password changed; {ended} session(s) ended")
