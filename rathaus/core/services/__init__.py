"""Writes of the core app: keyword-only, atomic, audited (``<entity>_<verb>``)."""
