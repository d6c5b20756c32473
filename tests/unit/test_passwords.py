import pytest

from domain.errors import InvalidInput
from domain.passwords import check_password


@pytest.mark.parametrize(
    "password",
    ["Keyswitch-lube-42", "correct horse battery staple", "Zhuchka-demo-2026", "9 stabilisers!"],
)
def test_good_passwords_pass(password: str) -> None:
    check_password(password, email="anna@zhuchka.example")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1", "at least 10 characters"),
        ("onlyletters", "two kinds"),
        ("1234567890", "two kinds"),
        ("password123", "common"),
        ("Qwerty12", "at least 10"),
        ("aaaaaaaaa1", "5 different"),
        ("anna.petrova-77", "leave the email address out"),
        ("x" * 257 + "1", "at most 256"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        check_password(password, email="anna.petrova@zhuchka.example")
