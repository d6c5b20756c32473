"""A customer order's records, the stock it reserves and consumes, and what it still awaits."""
