"""Authentication and authorisation: passwords, tokens, sessions in Redis, rate limits and the
dependency every endpoint uses to declare what it needs."""
