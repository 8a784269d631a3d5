"""`python -m qcity.rollups`: rebuild the inspections rollup of a data directory.

The documented command; the code is qcity.store.rollups.
"""

from qcity.store.rollups import main

if __name__ == "__main__":
    raise SystemExit(main())
