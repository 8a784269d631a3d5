"""`python -m qcity.demo`: synthetic data for a city, labelled so.

The documented command; the code is qcity.intake.demo.
"""

from qcity.intake.demo import main

if __name__ == "__main__":
    raise SystemExit(main())
