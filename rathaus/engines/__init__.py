"""Django-free algorithms: plain dataclasses in, plain dataclasses out.

An import-linter contract (pyproject.toml) fails the build if anything here imports Django.
"""
