"""The embedded stack for `zhuchka dev` and the tests: PostgreSQL, Redis and Temporal run as
local processes from their PyPI wheels, with their data under one folder."""
