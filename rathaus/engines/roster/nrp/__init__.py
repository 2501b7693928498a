"""Adapter for the public nurse-rostering benchmark (Curtois & Qu 2014, Instances 1–24).

`parser` reads the text format; `construct` builds a complete start roster in plain Python
(no clock); `model` is the CP-SAT model, `lns` the large-neighbourhood search around an
incumbent; `bound` the column-generation lower bound (GLOP master, CP-SAT pricing) and the
price-and-branch roster over its rows; `solver.solve` runs them in that order and always returns a complete roster (or
INFEASIBLE with a note); `checker` re-validates a schedule on an independent code path (no
OR-Tools, no solver imports). Imports go one way: solver -> bound -> lns -> model -> parser, and
solver -> construct, checker -> parser (the import-linter contract "No import cycles inside
the engines" keeps it so).
"""

from rathaus.engines.roster.nrp.parser import NrpFormatError, NrpInstance, parse_file, parse_text

__all__ = ["NrpFormatError", "NrpInstance", "parse_file", "parse_text"]
