"""Views of the elections app, one module per feature.

``elections``: the staff list and overview, finalising, the staff export.
``results``: entering and approving district results (four eyes).
``runoff``: drawing the lot, creating the runoff.
``imports``: the votemanager CSV import with preview.
``public``: results for everyone, no login.
``common``: permission checks and the election in scope, shared by the staff views.
"""
