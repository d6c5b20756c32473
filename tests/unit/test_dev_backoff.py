"""The pause before `zhuchka dev` starts a child again: doubling up to a cap while it keeps
dying, back to the start once it has stayed up a while. It never runs out."""

from __future__ import annotations

from zhuchka.devstack.supervision import Backoff


def test_it_doubles_up_to_the_cap_and_never_gives_up() -> None:
    backoff = Backoff(first=1.0, cap=30.0, steady=60.0)
    delays = [backoff.after_exit(uptime=0.5) for _ in range(100)]
    assert delays[:7] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert set(delays[5:]) == {30.0}


def test_it_starts_again_from_one_second_after_a_steady_run() -> None:
    backoff = Backoff(first=1.0, cap=30.0, steady=60.0)
    for _ in range(6):
        backoff.after_exit(uptime=2.0)
    assert backoff.after_exit(uptime=61.0) == 1.0
    assert backoff.after_exit(uptime=3.0) == 2.0
