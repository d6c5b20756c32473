"""The business transactions: each function takes a session and does one unit of work on
stock, orders, purchase orders, the floor, quality or accounts, by the rules in `domain/`."""
