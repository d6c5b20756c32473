"""How the workflows run their activities: one time limit and retry policy for every step,
and, for a step an update runs, a broken rule that fails the update (answered at the API with
the rule's status) instead of the workflow.

Every step is a short database transaction (or a call to Temporal), so each runs as a local
activity: in the worker, inside the workflow task that asked for it. That saves the server
round trips of scheduling, dispatching and completing a task (three events in the history
become one marker), and keeps Temporal's guarantees: a step whose result is not recorded yet
is run again on replay, and every step is idempotent. Retries past a minute wait on a durable
timer instead of in the worker. Orders and purchase orders started before this (without the
`local-steps` patch marker) run their steps as regular activities to the end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from contracts.failures import as_application_error, as_domain_error
from domain.errors import Conflict, DomainError

LOCAL_STEPS = "local-steps"
TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))

A = TypeVar("A")
R = TypeVar("R")
S = TypeVar("S")  # the activities class


async def run_step(activity: Callable[[S, A], Awaitable[R]], argument: A, summary: str) -> R:
    """An activity, retried until it succeeds or reports a broken rule."""
    if workflow.patched(LOCAL_STEPS):
        return await workflow.execute_local_activity_method(
            activity, argument, start_to_close_timeout=TIMEOUT, retry_policy=RETRY, summary=summary
        )
    return await workflow.execute_activity_method(
        activity, argument, start_to_close_timeout=TIMEOUT, retry_policy=RETRY, summary=summary
    )


async def attempt_step(activity: Callable[[S, A], Awaitable[R]], argument: A, summary: str) -> R:
    """An activity run for an update: a rule it reports broken fails the update."""
    try:
        return await run_step(activity, argument, summary)
    except ActivityError as failure:
        raise refusal(failure) from failure


def refusal(failure: ActivityError) -> ApplicationError:
    """An activity's failure, handed to the update's caller as the rule it broke."""
    return as_application_error(as_domain_error(failure) or Conflict(str(failure.cause or failure)))


def reject_unless(check: Callable[[A], R], argument: A) -> R:
    """What `check` says of `argument`; a broken rule becomes the update's failure."""
    try:
        return check(argument)
    except DomainError as error:
        raise as_application_error(error) from error
