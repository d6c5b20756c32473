"""The arguments and results that cross the Temporal boundary (workflows, updates, activities),
one module per workflow, imported alike by the workflows, their activities and the API that
calls them: neither side owns them, so neither depends on the other through them.

One pydantic model per argument, serialised by `pydantic_data_converter`. New fields must get
defaults so that running orders keep decoding. Who asked for an update (`by`, `requested_by`,
`started_by`) travels in its arguments, so the workflow's history says who did what.
"""
