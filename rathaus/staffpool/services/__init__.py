"""Writes of the staff pool: members, requests, matching, secondments, ledger."""
