"""Write the message template qcity/locale/qcity.pot: every message id `pybabel extract` finds in the code, each with
its English text as a note for translators (message ids are keys, so the template alone would not say what to
translate). A new language starts from it:

    .venv/bin/python scripts/messages.py
    .venv/bin/pybabel init -i qcity/locale/qcity.pot -d qcity/locale -D qcity -l ja   # then translate in Poedit

tests/test_i18n.py checks the committed template holds exactly the catalogues' ids, each with its note.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from qcity import i18n  # noqa: E402

TEMPLATE = i18n.LOCALE_DIR / "qcity.pot"


def extract(out: Path) -> None:
    """`pybabel extract` over the code, with the keywords of qcity.i18n."""
    keywords = [arg for keyword in i18n.EXTRACT_KEYWORDS for arg in ("-k", keyword)]
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "qcity/locale/babel.cfg"]
    command += ["--no-default-keywords", *keywords, "--no-location", "--sort-output", "-o", str(out), "."]
    command += ["--project", "Quality City Dashboard", "--copyright-holder", "Quality City Dashboard"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def main() -> None:
    with (i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "qcity.po").open("rb") as source:
        english = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(source) if m.id}
    with tempfile.TemporaryDirectory() as folder:
        extracted = Path(folder) / "qcity.pot"
        extract(extracted)
        with extracted.open("rb") as source:
            template = read_po(source)
    for message in template:
        if message.id:
            text = english.get(message.id if isinstance(message.id, str) else message.id[0], "")
            message.auto_comments = [f"English: {' | '.join(text) if isinstance(text, tuple) else text}"]
    with TEMPLATE.open("wb") as out:
        write_po(out, template, width=0, sort_output=True)
    print(f"wrote {TEMPLATE.relative_to(ROOT)}: {sum(1 for m in template if m.id)} message ids")


if __name__ == "__main__":
    main()
