"""`python -m qcity.serve [streamlit options]`: the dashboard's server, ready for its first reader.

The documented command; the code is qcity.web.serve.
"""

from qcity.web.serve import main

if __name__ == "__main__":
    main()
