"""One archive that installs the dashboard on a machine with no network at all (`python3 scripts/dev.py bundle`).

    python3 scripts/dev.py bundle [--out DIR] [--python-version 3.11]

Built on a machine that reaches the package registries and runs the same Debian release and architecture as the
target. The archive `qcity-bundle-<commit>.tar` holds:

    app/         the application (the repository's files, without tests/ and bench/), and the documentation
                 site built into app/static/docs/ (served by the app at /app/static/docs/, by nginx at /docs/)
    wheels/      every wheel requirements.txt needs (`pip download --only-binary=:all:`)
    debs/        Debian's chromium, fonts-noto-cjk, nginx and python3-venv with everything they may depend on
                 (`apt-get download`), indexed as a local apt repository (dpkg-scanpackages)
    install.sh   installs it all with apt from that folder and `pip install --no-index` (deploy/install.sh)

On the target: `tar xf qcity-bundle-*.tar && sudo qcity-bundle-*/install.sh /opt/qcity`, then
`python3 /opt/qcity/scripts/dev.py start` (or the systemd unit, deploy/qcity@.service).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEBIAN_PACKAGES = ["chromium", "fonts-noto-cjk", "nginx", "python3-venv"]
LEFT_OUT = ("tests/", "bench/")  # the app needs neither; the tests need the development requirements


def app_files() -> list[str]:
    """The repository's tracked files that the application needs."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.splitlines() if not name.startswith(LEFT_OUT) and (ROOT / name).is_file()]


def build_docs(site: Path) -> None:
    """The documentation site, built strictly (a broken link stops the bundle), so the archive holds it ready."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # not --quiet: it hides the warnings --strict counts, and the build would pass with a broken link
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    built = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if built.returncode:
        raise RuntimeError(f"the documentation site does not build strictly:\n{built.stderr}")


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def debian_closure(packages: list[str]) -> list[str]:
    """The packages and everything they depend on (not recommends), as apt would install them on a bare system."""
    out = subprocess.run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            *packages,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({line.strip() for line in out.splitlines() if line and not line.startswith((" ", "<"))})


def download_debs(folder: Path) -> None:
    """The packages and their closure (alternatives included: the target's apt picks), as a flat apt repository:
    apt on the target then installs only what is missing, resolving dependencies as from the mirror."""
    folder.mkdir(parents=True)
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    names = debian_closure(DEBIAN_PACKAGES)
    # apt-get download writes into the current folder; one call for all, so a failure names the package
    subprocess.run(["apt-get", "download", "-qq", *names], cwd=folder, check=True)
    index = subprocess.run(
        ["dpkg-scanpackages", "--multiversion", ".", "/dev/null"], cwd=folder, capture_output=True, check=True
    ).stdout
    (folder / "Packages").write_bytes(index)
    (folder / "WANTED").write_text(" ".join(DEBIAN_PACKAGES) + "\n")


def download_wheels(folder: Path, python_version: str | None) -> None:
    target = ["--python-version", python_version] if python_version else []
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            *target,
            "-r",
            ROOT / "requirements.txt",
            "-d",
            folder,
        ],
        check=True,
    )


def step(number: int, text: str, started: float) -> None:
    """One of the build's four steps, as it begins, with the seconds since the start (a minute or more in all)."""
    print(f"[{number}/4 at {time.monotonic() - started:4.0f} s] {text}", flush=True)


def build(out: Path, python_version: str | None = None) -> Path:
    """Write the archive into `out`, saying each step; returns its path."""
    started = time.monotonic()
    name = f"qcity-bundle-{commit()}"
    staging = out / name
    if staging.exists():
        shutil.rmtree(staging)
    files = app_files()
    step(1, f"the application: {len(files)} files", started)
    for file in files:
        (staging / "app" / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / file, staging / "app" / file)
    build_docs(staging / "app" / "static" / "docs")
    step(2, "the wheels of requirements.txt (pip download)", started)
    download_wheels(staging / "wheels", python_version)
    step(3, f"Debian's {', '.join(DEBIAN_PACKAGES)} and what they depend on (apt-get download)", started)
    download_debs(staging / "debs")
    shutil.copy2(ROOT / "deploy" / "install.sh", staging / "install.sh")
    archive = out / f"{name}.tar"
    step(4, f"the archive {archive.name}", started)
    with tarfile.open(archive, "w") as tar:  # wheels and debs are compressed already
        tar.add(staging, arcname=name)
    shutil.rmtree(staging)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 scripts/dev.py bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts", help="folder for the archive (artifacts/)")
    parser.add_argument("--python-version", help="the target's Python, e.g. 3.12 (default: this one's)")
    args = parser.parse_args(argv)
    if not shutil.which("apt-get") or not shutil.which("dpkg-scanpackages"):
        sys.exit(
            "the bundle takes Debian packages: build it on the target's Debian release, with apt-get and "
            "dpkg-dev (apt-get install dpkg-dev)"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    archive = build(args.out.resolve(), args.python_version)
    print(f"{archive}: {archive.stat().st_size / 1e6:.0f} MB, built in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
