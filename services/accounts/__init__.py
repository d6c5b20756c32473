"""Accounts, their single-use tokens, and the mail they are sent."""
