"""Where the shared benchmark workload generator is, for every script in bench/.

It lives outside this repository (../shared/bench/gen_workload.py, next to the checkout); set
RENKEI_WORKLOAD_GEN to use another copy.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.environ.get("RENKEI_WORKLOAD_GEN") or os.path.join(REPO, "..", "shared", "bench", "gen_workload.py")


def need_generator():
    """Stops with what is missing instead of a traceback on a clone without ../shared."""
    if not os.path.exists(GEN):
        sys.exit(f"the workload generator is not at {os.path.normpath(GEN)}: put the shared folder "
                 "next to this repository (../shared/bench/gen_workload.py) or set "
                 "RENKEI_WORKLOAD_GEN to its path")
