"""Temporal workflows: deterministic and thin; the rules they follow live in `domain/`."""
