"""The signed-in user's own account: sign-up with email confirmation, sign-in, tokens,
sign-out, password change and reset."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import mail
from api.auth.access import PUBLIC, CurrentUser
from api.auth.password_rule import check_password
from api.auth.passwords import DUMMY_HASH, hash_password, verify_password
from api.auth.rate_limit import RateLimiter
from api.auth.sessions import SessionStore, TokenPair
from api.deps import (
    LimiterDep,
    SessionDep,
    SettingsDep,
    SignInsDep,
    TokensDep,
    Workflows,
    WorkflowsDep,
)
from api.errors import ErrorOut
from api.idempotency import digest
from core.settings import Settings
from domain.access import Action, Role, may, stages_reported_by
from domain.errors import Forbidden, InvalidInput, Unauthenticated
from domain.stages import Stage
from persistence.database import after_commit
from persistence.tables import User
from services.accounts import users
from services.accounts.users import TokenPurpose

router = APIRouter()
log = structlog.get_logger(__name__)
ACCOUNT_BACKSTOP = 20  # wrong passwords a window at one account from all addresses, per limit
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorOut, "description": "Too many attempts; see Retry-After"}
}


class SignUp(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)
    phone_number: str | None = Field(None, pattern=r"^\+?[0-9 ()-]{5,32}$")
    full_name: str | None = Field(None, max_length=200)


class ConfirmIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=1, max_length=256, description="As chosen at sign-up")


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


class MeOut(UserOut):
    actions: list[Action] = Field(
        description="What the session's roles allow: what the web app offers this user"
    )
    stages: list[Stage] = Field(
        description="The manual stages whose work this session may report, in route order"
    )


class Accepted(BaseModel):
    detail: str


def _tokens(pair: TokenPair) -> TokensOut:
    return TokensOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


def _client(request: Request) -> str:
    """The caller's address: the peer, or what a configured proxy says (FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


def _account_key(email: str) -> str:
    """An account as the rate limits name it: however the address is typed, and short."""
    return f"account:{digest(users.normalise_email(email))[:32]}"


async def _limit(
    limiter: RateLimiter, settings: Settings, request: Request, bucket: str, email: str
) -> None:
    """Per client address and per account (however the address is typed): what sends mail."""
    await limiter.hit(bucket, f"ip:{_client(request)}", settings.rate_limit_per_ip)
    await limiter.hit(bucket, _account_key(email), settings.rate_limit_per_account)


async def _mail_asked(
    body: EmailIn, request: Request, limiter: LimiterDep, settings: SettingsDep
) -> EmailIn:
    """The address a message is asked for, once the client and the account are within the
    limits of what sends mail."""
    await _limit(limiter, settings, request, "mail", body.email)
    return body


MailAsked = Annotated[EmailIn, Depends(_mail_asked)]


async def _mail_token(
    workflows: Workflows,
    session: SessionDep,
    user: User,
    purpose: TokenPurpose,
    compose: Callable[[Settings, str], tuple[str, str]],
    *,
    password_hash: str | None = None,
) -> None:
    """A single-use token for the account (a confirmation with its sign-up's password), mailed
    to it."""
    settings = workflows.settings
    hours = timedelta(hours=settings.email_token_expire_hours)
    token = await users.issue_token(session, user, purpose, hours, password_hash=password_hash)
    await mail.send(workflows, session, user.email, *compose(settings, token))


async def end_sessions(
    sign_ins: SessionStore, session: AsyncSession, user: User, *, keep: str | None = None
) -> int:
    """End the account's sessions (but `keep`) once this change is committed, so no session
    started meanwhile keeps what it changes; returns how many there are. The database notes
    that every session before now ended (it is what is checked while Redis is down, where
    `keep` cannot be told apart: it ends there too)."""
    users.end_sessions(user)
    ending = await sign_ins.others(user.id, keep=keep)
    after_commit(session, lambda: sign_ins.end_all(user.id, keep=keep))
    return ending


async def _set_password(
    sign_ins: SessionStore, session: AsyncSession, user: User, new: str, *, keep: str | None
) -> int:
    """Set a checked new password; ends the account's sessions (but `keep`), returns how many."""
    await asyncio.to_thread(check_password, new, email=user.email)
    user.password_hash = await hash_password(new)
    user.password_changed_at = datetime.now(UTC)
    return await end_sessions(sign_ins, session, user, keep=keep)


@router.post("/sign-up", status_code=202, dependencies=[PUBLIC], responses=LIMITED)
async def sign_up(
    body: SignUp,
    request: Request,
    session: SessionDep,
    workflows: WorkflowsDep,
    limiter: LimiterDep,
) -> Accepted:
    """Create an account (role `viewer`); it works once the emailed token is confirmed.

    The answer is the same whether or not the address already has an account (it gets a
    message instead: a new confirmation token if it waits for one, else a note that someone
    tried to sign up with it), so sign-up does not tell who has an account."""
    await _limit(limiter, workflows.settings, request, "sign-up", body.email)
    await asyncio.to_thread(check_password, body.password, email=body.email)
    password_hash = await hash_password(body.password)
    existing = await users.by_email(session, body.email)
    if existing is None:
        user = await users.create_user(
            session,
            email=body.email,
            password_hash=password_hash,
            roles=[Role.VIEWER],
            confirmed=False,
            phone_number=body.phone_number,
            full_name=body.full_name,
        )
        await _mail_token(
            workflows,
            session,
            user,
            TokenPurpose.CONFIRM_EMAIL,
            mail.confirmation,
            password_hash=password_hash,
        )
        log.info("user.signed_up", user_id=str(user.id))
    elif existing.email_confirmed_at is None:  # another sign-up: its own token and password
        await _mail_token(
            workflows,
            session,
            existing,
            TokenPurpose.CONFIRM_EMAIL,
            mail.confirmation,
            password_hash=password_hash,
        )
    else:
        already = mail.already_registered(workflows.settings)
        await mail.send(workflows, session, existing.email, *already)
        log.info("user.sign_up_for_existing_account", user_id=str(existing.id))
    return Accepted(detail="check your mail: a confirmation token is on its way")


@router.post("/email/confirm", dependencies=[PUBLIC])
async def confirm_email(body: ConfirmIn, session: SessionDep) -> UserOut:
    """Confirm the address with the mailed token and the password chosen at that sign-up: the
    account takes that password, so nobody who signed up first with someone else's address
    (the owner's mail shows their tokens, but not the stranger's password) can get in."""
    user, used = await users.use_token(session, body.token, TokenPurpose.CONFIRM_EMAIL)
    chosen = used.password_hash or user.password_hash
    if not await verify_password(chosen, body.password):
        raise InvalidInput("the password is not the one chosen at this sign-up", field="password")
    user.password_hash = chosen
    if user.email_confirmed_at is None:
        user.email_confirmed_at = datetime.now(UTC)
    log.info("user.email_confirmed", user_id=str(user.id))
    return UserOut.model_validate(user)


@router.post("/email/resend", status_code=202, dependencies=[PUBLIC], responses=LIMITED)
async def resend_confirmation(
    body: MailAsked, session: SessionDep, workflows: WorkflowsDep
) -> Accepted:
    """Send a new confirmation token to an unconfirmed account. Always 202."""
    user = await users.by_email(session, body.email)
    if user is not None and user.email_confirmed_at is None:
        await _mail_token(workflows, session, user, TokenPurpose.CONFIRM_EMAIL, mail.confirmation)
    return Accepted(detail="if the account waits for confirmation, a new token is on its way")


@router.post(
    "/sign-in",
    dependencies=[PUBLIC],
    responses={
        401: {"model": ErrorOut, "description": "Wrong email or password"},
        403: {"model": ErrorOut, "description": "Deactivated, or the email is not confirmed"},
        429: {"model": ErrorOut, "description": "Too many attempts; see Retry-After"},
    },
)
async def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    limiter: LimiterDep,
    settings: SettingsDep,
    sign_ins: SignInsDep,
) -> TokensOut:
    """OAuth2 password flow: `username` (the email) and `password` as a form.

    Wrong passwords are limited per account and client address, so a stranger guessing cannot
    lock the owner out; all attempts are limited per client address. Across all addresses an
    account takes `ACCOUNT_BACKSTOP` times as many wrong passwords a window: guessing spread
    over many addresses is limited too, and only such a spread could lock the owner out."""
    if len(form.username) > 320 or len(form.password) > 1024:
        raise Unauthenticated("wrong email or password")  # longer than any account's
    client = _client(request)
    account = _account_key(form.username)
    here = f"{account}:ip:{client}"
    await limiter.hit("sign-in", f"ip:{client}", settings.rate_limit_per_ip)
    wrong = "wrong passwords"
    await limiter.check("sign-in-failures", here, settings.rate_limit_per_account, what=wrong)
    backstop = settings.rate_limit_per_account * ACCOUNT_BACKSTOP
    await limiter.check("sign-in-failures", account, backstop, what=wrong)
    user = await users.by_email(session, form.username, share_lock=True)
    valid = await verify_password(user.password_hash if user else DUMMY_HASH, form.password)
    if user is None or not valid:
        await limiter.fail("sign-in-failures", here)
        await limiter.fail("sign-in-failures", account)
        raise Unauthenticated("wrong email or password")
    if not user.is_active:
        raise Forbidden("the account is deactivated")
    if user.email_confirmed_at is None:
        raise Forbidden("confirm the email address first (see the message we sent)")
    await limiter.forget("sign-in-failures", here)
    pair = await sign_ins.start(user.id, user.email, tuple(Role(r) for r in user.roles))
    log.info("user.signed_in", user_id=str(user.id))
    return _tokens(pair)


@router.post(
    "/token/refresh",
    dependencies=[PUBLIC],
    responses={401: {"model": ErrorOut, "description": "Expired, already used, or ended"}},
)
async def refresh(
    body: RefreshIn, session: SessionDep, tokens: TokensDep, sign_ins: SignInsDep
) -> TokensOut:
    """A new pair for the current refresh token; an older one ends the session (401). The
    account is read again: deactivated, it is refused; its roles are what the database says."""
    claims = tokens.decode(body.refresh_token, "refresh")
    user = await users.find_user(session, claims.user_id)
    if user is None or not user.is_active or user.email_confirmed_at is None:
        await sign_ins.end(claims.sid, claims.user_id)
        raise Unauthenticated("the session has ended; sign in again")
    roles = tuple(Role(r) for r in user.roles)
    return _tokens(await sign_ins.rotate(claims, roles))


@router.post("/sign-out", status_code=204)
async def sign_out(principal: CurrentUser, sign_ins: SignInsDep) -> Response:
    await sign_ins.end(principal.sid, principal.user_id)
    return Response(status_code=204)


@router.get("/me")
async def me(principal: CurrentUser, session: SessionDep) -> MeOut:
    """The signed-in account, with the roles of this session and what they allow."""
    account = UserOut.model_validate(await users.get_user(session, principal.user_id))
    allowed = [action for action in Action if may(principal.roles, action)]
    return MeOut(
        **account.model_dump() | {"roles": list(principal.roles)},
        actions=allowed,
        stages=stages_reported_by(principal.roles),
    )


@router.patch("/password/change", responses=LIMITED)
async def change_password(
    body: PasswordChange,
    principal: CurrentUser,
    session: SessionDep,
    limiter: LimiterDep,
    settings: SettingsDep,
    sign_ins: SignInsDep,
) -> Accepted:
    """Change the password; every other session of the account ends."""
    await limiter.hit(
        "password-change", f"account:{principal.user_id}", settings.rate_limit_per_account
    )
    user = await users.get_user(session, principal.user_id, lock=True)
    if not await verify_password(user.password_hash, body.old_password):
        raise InvalidInput("the old password is wrong", field="old_password")
    ended = await _set_password(sign_ins, session, user, body.new_password, keep=principal.sid)
    log.info("user.password_changed", user_id=str(user.id), sessions_ended=ended)
    return Accepted(detail=f"password changed; {ended} other session(s) ended")


@router.post("/password/reset/request", status_code=202, dependencies=[PUBLIC], responses=LIMITED)
async def request_password_reset(
    body: MailAsked, session: SessionDep, workflows: WorkflowsDep
) -> Accepted:
    """Always 202: the answer never tells whether the email has an account."""
    user = await users.by_email(session, body.email)
    if user is not None and user.is_active:
        reset = mail.password_reset
        await _mail_token(workflows, session, user, TokenPurpose.RESET_PASSWORD, reset)
    return Accepted(detail="if the email has an account, a reset token is on its way")


@router.post("/password/reset/confirm", dependencies=[PUBLIC])
async def confirm_password_reset(
    body: PasswordReset, session: SessionDep, sign_ins: SignInsDep
) -> Accepted:
    """Set a new password with the emailed token; every session of the account ends."""
    user, _ = await users.use_token(session, body.token, TokenPurpose.RESET_PASSWORD)
    ended = await _set_password(sign_ins, session, user, body.new_password, keep=None)
    if user.email_confirmed_at is None:  # the token proves the address
        user.email_confirmed_at = user.password_changed_at
    log.info("user.password_reset", user_id=str(user.id), sessions_ended=ended)
    return Accepted(detail=f"password changed; {ended} session(s) ended")
