"""Writes of the meetings app: keyword-only, atomic, audited, ``now`` as a parameter."""
