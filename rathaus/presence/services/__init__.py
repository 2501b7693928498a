"""Writes of the presence app, one module per feature: keyword-only, atomic, audited."""
