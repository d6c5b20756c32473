"""Notices for the workshop's people: told in the transaction of what they are about, kept in
each user's inbox, mailed through the outbox and posted to the team webhook."""
