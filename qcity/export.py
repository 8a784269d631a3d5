"""`python -m qcity.export`: a storyline or one view as a PPTX deck or an A4 PDF report.

The documented command; the code is qcity.documents.deck.
"""

from qcity.documents.deck import main

if __name__ == "__main__":
    raise SystemExit(main())
