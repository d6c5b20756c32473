"""The HTTP API (FastAPI): planners, floor workers, buyers and storekeepers use it."""
