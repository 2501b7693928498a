"""Adapter for the public nurse-rostering benchmark (Curtois & Qu 2014, Instances 1–24).

`parser` reads the text format, `solver` builds and solves a CP-SAT model, and `checker`
re-validates a schedule on an independent code path (no OR-Tools, no solver imports).
"""

from rathaus.engines.roster.nrp.parser import NrpFormatError, NrpInstance, parse_file, parse_text

__all__ = ["NrpFormatError", "NrpInstance", "parse_file", "parse_text"]
