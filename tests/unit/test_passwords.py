import pytest

from api.auth.password_rule import check_password
from domain.errors import InvalidInput


@pytest.mark.parametrize(
    "password",
    [
        "Keyswitch-lube-42",
        "correct horse battery staple",
        "9 stabilisers!",
        "kB7#mQ2!xLp4",
        "a long passphrase about switches, stabilisers and the lube that keeps them quiet",
        # The longest allowed (256): judged by its first 72 characters.
        "".join(chr(65 + (n * 7) % 26) + str(n % 10) for n in range(128)),
    ],
)
def test_good_passwords_pass(password: str) -> None:
    check_password(password, email="anna@zhuchka.example")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1", "at least 10 characters"),
        ("password123", "too easy to guess"),
        ("qwerty12345", "too easy to guess"),
        ("P@ssw0rd2024", "too easy to guess"),
        ("1234567890", "too easy to guess"),
        ("aaaaaaaaa1", "too easy to guess"),
        ("Zhuchka-demo-2026", "never published"),
        ("zhuchka-DEMO-2026", "never published"),
        ("anna.petrova-77", "leave the email address out"),
        ("x" * 257 + "1", "at most 256"),
        ("Keyswitch\x00lube-42", "control characters"),
        ("Keyswitch\nlube-42", "control characters"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        check_password(password, email="anna.petrova@zhuchka.example")


def test_the_accounts_own_words_do_not_make_a_password() -> None:
    with pytest.raises(InvalidInput, match="too easy to guess"):
        check_password("Petrova2026!", email="anna.petrova@zhuchka.example")
