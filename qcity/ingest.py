"""`python -m qcity.ingest`: import an agency's file, list versions, roll back.

The documented command; the code is qcity.intake.ingest.
"""

from qcity.intake.ingest import main

if __name__ == "__main__":
    raise SystemExit(main())
