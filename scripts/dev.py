"""The two commands a newcomer needs; each sets itself up first (a .venv with the pinned requirements).

python3 scripts/dev.py start [streamlit options]   # the dashboard on the demo data, http://localhost:8501
python3 scripts/dev.py test [pytest options]       # ruff, sqlfluff, the docs and the whole test suite
(both install Debian's chromium and CJK fonts when they can: chart images, decks and reports are drawn
with it, and the browser tests drive it; the tests also install nginx and a Java runtime for deploy/)
python3 scripts/dev.py bench [--sizes N,N,...]     # benchmarks into bench/RESULTS.md (not a test)
python3 scripts/dev.py bundle [--out DIR]          # one archive that installs offline (deploy/bundle.py)
python3 scripts/dev.py setup                       # only the set-up: .venv (the offline install runs it)
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".qcity-requirements"


def ensure_environment(requirements: str) -> None:
    """Create .venv and install the requirements, again only when they changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is what a newcomer runs with any python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    wanted = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print(f"installing {requirements} into .venv ...", flush=True)
        subprocess.run(
            [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements],
            check=True,
        )
        STAMP.write_text(wanted)


def build_docs() -> None:
    """Build the documentation site from docs/ into static/docs/ (the app serves it at /app/static/docs/, nginx at
    /docs/), again only when its sources changed. The test command checks it strictly (tests/test_docs.py)."""
    sources = [ROOT / "mkdocs.yml", *sorted(path for path in (ROOT / "docs").rglob("*") if path.is_file())]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    stamp = ROOT / "static" / "docs" / ".qcity-sources"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print("building the documentation site into static/docs/ ...", flush=True)
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's notice of its successor, on every build
    subprocess.run([PYTHON, "-m", "mkdocs", "build", "--quiet"], cwd=ROOT, env=environment, check=True)
    stamp.write_text(digest.hexdigest())


def compile_messages() -> None:
    """Compile the message catalogues (qcity/locale/*/LC_MESSAGES/qcity.po -> .mo) when a .po is newer; without a
    current .mo the app compiles the .po in memory on every start instead."""
    locale = ROOT / "qcity" / "locale"
    compiled = [(po, po.with_suffix(".mo")) for po in sorted(locale.glob("*/LC_MESSAGES/qcity.po"))]
    if all(mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime for po, mo in compiled):
        return
    command = [PYTHON, "-m", "babel.messages.frontend", "compile", "-d", locale, "-D", "qcity"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def start(args: list[str]) -> int:
    ensure_environment("requirements.txt")
    compile_messages()
    build_docs()
    ensure_browser()
    if not os.environ.get("QCITY_DATA_DIR") and not (ROOT / "data" / "city.json").exists():
        subprocess.run([PYTHON, "-m", "qcity.demo", "--city", "changsha", "--out", ROOT / "data"], cwd=ROOT, check=True)
    return subprocess.call([PYTHON, "-m", "qcity.serve", *args], cwd=ROOT)  # streamlit run dashboard.py, warmed


def setup(args: list[str]) -> int:
    """The set-up `start` does, without starting: the offline install runs it with pip's PIP_NO_INDEX."""
    ensure_environment("requirements.txt")
    compile_messages()
    build_docs()
    ensure_browser()
    return 0


def bundle(args: list[str]) -> int:
    ensure_environment("requirements.txt")
    return subprocess.call([PYTHON, "-m", "deploy.bundle", *args], cwd=ROOT)


def bench(args: list[str]) -> int:
    ensure_environment("requirements-dev.txt")
    return subprocess.call([PYTHON, "-m", "bench.run", *args], cwd=ROOT)


BROWSER_PACKAGES = ["chromium", "fonts-noto-cjk"]  # Debian's: nothing here ever downloads a browser
# what the tests of deploy/ run: nginx in front of replicas (and its HTTPS config, with an openssl certificate),
# Java for Spark (PySpark in local mode)
TEST_PACKAGES = {"nginx": "/usr/sbin/nginx", "default-jre-headless": "/usr/bin/java", "openssl": "/usr/bin/openssl"}


def ensure_browser() -> None:
    """Install Debian's chromium and CJK fonts (chart images, decks, reports, browser tests) when they are missing
    and apt can be used."""
    if not os.environ.get("QCITY_CHROMIUM") and not Path("/usr/bin/chromium").exists():
        apt_install(BROWSER_PACKAGES, "chart images, decks, browser tests")


def apt_install(packages: list[str], why: str) -> None:
    """Install Debian packages with apt-get (as root, or with sudo when it needs no password), else say how."""
    if not shutil.which("apt-get"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"] if shutil.which("sudo") else None
    if sudo is None:
        print(f"{why} need Debian's {', '.join(packages)}: apt-get install -y " + " ".join(packages))
        return
    print(f"installing {', '.join(packages)} ({why}) ...", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], env=environment, check=False)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=environment, check=False
    )


def test(args: list[str]) -> int:
    ensure_environment("requirements-dev.txt")
    compile_messages()
    build_docs()  # the browser tests open it in the app; tests/test_docs.py builds it again with --strict
    ensure_browser()
    if missing := [package for package, program in TEST_PACKAGES.items() if not Path(program).exists()]:
        apt_install(missing, "the nginx and Spark tests")
    lint = subprocess.call([PYTHON, "-m", "ruff", "check", "."], cwd=ROOT)
    lint |= subprocess.call([PYTHON, "-m", "ruff", "format", "--check", "."], cwd=ROOT)
    lint |= subprocess.call([PYTHON, "-m", "sqlfluff", "lint", "queries", "--disable-progress-bar"], cwd=ROOT)
    # every marker's program (chromium, nginx, Java) was installed above: a test that finds one missing fails
    tests = subprocess.call([PYTHON, "-m", "pytest", *args], cwd=ROOT, env={**os.environ, "QCITY_REQUIRE_TOOLS": "1"})
    return lint or tests


if __name__ == "__main__":
    commands = {"start": start, "test": test, "bench": bench, "setup": setup, "bundle": bundle}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
