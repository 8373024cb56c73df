"""Append-only audit trail: who read which client's data, and account events."""
