"""The workshop's rules as plain Python: no database, no Temporal, no HTTP.

Everything here is deterministic and unit-tested without I/O, so workflows may import it
inside the sandbox and the API and activities can share one definition of each rule.
"""
