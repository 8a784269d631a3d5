"""`python -m qcity.accounts`: add, remove and list the named accounts; hash a password.

The documented command; the code is qcity.web.accounts.
"""

from qcity.web.accounts import main

if __name__ == "__main__":
    raise SystemExit(main())
