"""Temporal activities: the I/O of the order workflow, each one short transaction, idempotent."""
