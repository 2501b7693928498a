"""Reads of the elections app, one module per feature.

``elections``: the elections a staff member may see, the published ones, the runoff date.
``results``: the computed report of an election (totals, § 46c decision, rows) and its CSV.
"""
