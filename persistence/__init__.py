"""Persistence: the SQLAlchemy tables, the engine and the units of work that change them.

Shared by the API (one session per request) and the activities (one transaction per call).
"""
