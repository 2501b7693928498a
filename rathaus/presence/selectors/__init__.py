"""Reads of the presence app, one module per feature, always scoped through core.tenancy."""
