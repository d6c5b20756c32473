"""Persistence: the SQLAlchemy tables, the engine, sessions and locks. The units of work that
change them are in `services/`.

Shared by the API (one session per request) and the activities (one transaction per call).
"""
