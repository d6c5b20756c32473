"""Items, warehouses and bins, the stock ledger, reservations, stocktakes, the CSV files and
the stock reports."""
