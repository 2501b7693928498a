"""Roster engine: Django-free staff scheduling (municipal hybrid work and the NRP benchmark)."""
