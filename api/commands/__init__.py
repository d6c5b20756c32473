"""What people change through a workflow, one module per family of use cases: each command
reads what it needs to find and call the workflow, calls it once, and returns what the
workflow answered when the caller has a use for it."""
