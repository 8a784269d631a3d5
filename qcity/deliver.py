"""`python -m qcity.deliver run --due | --only NAME | --list [--dry-run] [--force]`: send what the delivery plan
(DATA_DIR/deliveries.toml) says is due.

The documented command; the code is qcity.delivery.run.
"""

from qcity.delivery.run import main

if __name__ == "__main__":
    raise SystemExit(main())
