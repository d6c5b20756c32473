"""The client side of the workflows, for whoever calls Temporal from outside a workflow (the
API, the activities, the worker at its start, the CLI): connecting, starting a workflow by its
registered name, keeping the schedules and the search attributes a server needs. It names
workflows by string, never imports them: the sandboxed code in `workflows/` stays apart."""
