"""`python -m qcity.city init CODE --out DIR`: a data directory skeleton for any Chinese city or province.

The documented command; the code is qcity.intake.city.
"""

from qcity.intake.city import main

if __name__ == "__main__":
    raise SystemExit(main())
