"""Zhuchka MES: the application shell (settings, logging, CLI, the embedded dev stack)."""
