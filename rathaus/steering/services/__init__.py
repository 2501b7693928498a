"""Writes of the steering app: reports, indicator values and analysis, steering cases."""
