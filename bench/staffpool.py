"""Staff pool benchmark as issue 15 names it: the matching engine at 5,000 pool members ×
300 requests × 12 weeks, with real time limits of 1 s and 10 s, seeds 0 and 1.

    python bench/staffpool.py [same options as bench/matching.py]

Runs `bench/matching.py` (which prints the command line, cores, load average, the table and
the peak memory); kept as a separate name so that the issue's command works as written.
"""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).with_name("matching.py")), run_name="__main__")
