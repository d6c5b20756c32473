"""Suppliers and what they offer, purchase orders from draft to receipt, and what to buy."""
