"""The password rule: long enough, not one kind of character, not guessable from the account."""

from __future__ import annotations

import string

from domain.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 256
# The most common choices, which every list of leaked passwords starts with.
COMMON = frozenset(
    {
        "password", "password1", "password12", "password123", "passw0rd", "qwerty", "qwertyuiop",
        "123456", "12345678", "123456789", "1234567890", "1q2w3e4r", "1q2w3e4r5t", "iloveyou",
        "letmein", "welcome", "welcome1", "admin", "administrator", "abc123", "monkey",
        "dragon", "football", "baseball", "sunshine", "princess", "trustno1", "zaq12wsx",
        "keyboard", "mechanical", "zhuchka",
    }
)  # fmt: skip


def check_password(password: str, *, email: str = "") -> None:
    """Raise InvalidInput naming what is wrong with `password`."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"use at most {MAX_LENGTH} characters")
    classes = sum(
        any(c in chars for c in password)
        for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    ) + any(not c.isalnum() for c in password)
    if classes < 2:
        problems.append("mix at least two kinds of characters (letters, digits, symbols)")
    lowered = password.lower()
    local = email.split("@", 1)[0].lower()
    if lowered in COMMON or any(
        lowered.startswith(c) and len(lowered) - len(c) <= 3 for c in COMMON
    ):
        problems.append("avoid the common passwords")
    if len(local) >= 4 and local in lowered:
        problems.append("leave the email address out")
    if len(set(password)) < 5:
        problems.append("use at least 5 different characters")
    if problems:
        raise InvalidInput("the password is too weak: " + "; ".join(problems), field="password")
