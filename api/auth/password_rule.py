"""The password rule: long enough, hard to guess, nothing taken from the account, no control
characters. (Not in `domain/`, which uses nothing but the standard library: the rule leans on
zxcvbn.)

"Hard to guess" is zxcvbn's estimate (score 3 of 4: about 10^8 guesses or more), which knows the
leaked-password lists, keyboard walks, dates, l33t substitutions and repeats, and is told the
account's own words and the workshop's. Passwords this project ever published (the demo one of
early versions) are refused outright.
"""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn

from domain.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_SCORE = 3
# zxcvbn judges at most 72 characters (it refuses longer ones); a longer password is judged by
# its first 72, which a guesser would have to match first.
_JUDGED_LENGTH = 72
# Words anyone would try against this system.
SITE_WORDS = ("zhuchka", "zhuchkakeyboards", "keyboard", "keyboards", "mes", "demo", "admin")
PUBLISHED = frozenset({"zhuchka-demo-2026"})


def check_password(password: str, *, email: str = "") -> None:
    """Raise InvalidInput naming what is wrong with `password`."""
    problems: list[str] = []
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in password):
        problems.append("leave out control characters (NUL, tabs, line breaks)")
    if len(password) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"use at most {MAX_LENGTH} characters")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        problems.append("leave the email address out")
    if password.lower() in PUBLISHED:
        problems.append("choose one that was never published")
    if not problems:
        problems += _guessable(password, email)
    if problems:
        raise InvalidInput("the password is too weak: " + "; ".join(problems), field="password")


def _guessable(password: str, email: str) -> list[str]:
    own_words = [email, *email.replace("@", ".").replace("-", ".").split(".")]
    verdict = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=[*SITE_WORDS, *own_words])
    if verdict["score"] >= MIN_SCORE:
        return []
    feedback = verdict["feedback"]
    hint = feedback["warning"] or " ".join(feedback["suggestions"][:1])
    return [f"it is too easy to guess{': ' + hint.rstrip('.').lower() if hint else ''}"]
