"""Translation between the presence app's rows and the Django-free roster engine.

`problem`: a planning period as the database holds it -> `engines.roster.model.Problem` (reads
through the selectors). `plan`: engine assignments <-> plan rows, and the checker's verdict in
planners' words. Services and the demo use it; views never do.
"""
