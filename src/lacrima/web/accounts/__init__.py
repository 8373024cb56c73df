"""Accounts: users with a role, therapist links, consent, invitations and API tokens."""
