"""The files IT staff install: the HTTPS nginx config serves the dashboard and its docs over TLS (and redirects plain
HTTP to it);
the systemd unit runs the installed app on its instance's port; the offline bundle takes the right files and
packages (deploy/check_offline.sh installs a whole bundle without network; too slow and large for the suite)."""

import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import write_tiny_city

from deploy import bundle, replicas
from qcity.documents import deck

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.nginx
def test_the_https_config_serves_the_dashboard_and_its_docs_over_tls_and_redirects_http(tmp_path):
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=qcity.test",
            "-keyout",
            tmp_path / "qcity.key",
            "-out",
            tmp_path / "qcity.crt",
        ],
        check=True,
        capture_output=True,
    )
    replica, plain, secure = replicas.free_port(), replicas.free_port(), replicas.free_port()
    # the documentation site, as the bundle builds it, where nginx's workers (nobody, under a root master) may read
    site = Path(tempfile.mkdtemp(prefix="qcity-docs-"))
    site.chmod(0o755)
    bundle.build_docs(site)
    data = write_tiny_city(tmp_path / "data")
    editions = site / "editions"  # an edition published as the archive keeps it, served from beside the docs here
    assert deck.main(["edition", "--year", "2025", "--period", "year", "--lang", "en", "--data", str(data),
                      "--out", str(editions / "default" / "2025")]) == 0  # fmt: skip
    config = (ROOT / "deploy" / "nginx-https.conf").read_text(encoding="utf-8")
    # the server's paths and ports, as an administrator edits them, made local to this test
    for server_value, local in [
        ("/etc/qcity/tls", str(tmp_path)),
        ("/run/nginx.pid", str(tmp_path / "nginx.pid")),
        ("/var/log/nginx", str(tmp_path)),
        ("/opt/qcity/static/docs/", f"{site}/"),
        ("/srv/qcity/data/editions/", f"{editions}/"),
        ("listen 80;", f"listen 127.0.0.1:{plain};"),
        ("listen 443 ssl", f"listen 127.0.0.1:{secure} ssl"),
    ]:
        assert server_value in config
        config = config.replace(server_value, local)
    upstreams = r"(        server 127\.0\.0\.1:\d+ max_fails=0;\n)+"
    config = re.sub(upstreams, f"        server 127.0.0.1:{replica};\n", config)
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr

    app = subprocess.Popen(
        replicas.streamlit_command(replica),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "QCITY_DATA_DIR": str(data)},
    )
    proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"])
    try:
        replicas.wait_healthy(f"http://127.0.0.1:{replica}", app)
        tls = ssl.create_default_context(cafile=str(tmp_path / "qcity.crt"))
        tls.check_hostname = False  # the certificate names qcity.test; the test speaks to 127.0.0.1
        deadline = time.monotonic() + 30
        while True:
            try:
                health = urllib.request.urlopen(f"https://127.0.0.1:{secure}/_stcore/health", context=tls, timeout=5)
                break
            except OSError:
                assert proxy.poll() is None and time.monotonic() < deadline, "nginx did not answer over TLS"
                time.sleep(0.2)
        assert health.read() == b"ok" and health.headers["Strict-Transport-Security"] == "max-age=31536000"
        sticky = [c for c in health.headers.get_all("Set-Cookie") if c.startswith("qcity_replica=")]
        assert len(sticky) == 1 and sticky[0].endswith("SameSite=Lax; Secure")  # the replica cookie, HTTPS only
        page = urllib.request.urlopen(f"https://127.0.0.1:{secure}/?lang=en", context=tls, timeout=5).read()
        assert b"<title>" in page and b"static/js" in page  # Streamlit's page, through nginx and TLS
        docs = urllib.request.urlopen(f"https://127.0.0.1:{secure}/docs/", context=tls, timeout=5)
        assert "<title>Quality City Dashboard" in docs.read().decode()  # the site's home, from nginx itself
        assert docs.headers["Strict-Transport-Security"] == "max-age=31536000"
        guide = urllib.request.urlopen(f"https://127.0.0.1:{secure}/docs/user-guide/pages.html", context=tls, timeout=5)
        assert 'id="spot_checks"' in guide.read().decode()
        edition_page = urllib.request.urlopen(
            f"https://127.0.0.1:{secure}/editions/default/2025/", context=tls, timeout=5
        )
        assert '<div class="cards">' in edition_page.read().decode()  # the edition, from nginx without a replica
        assert edition_page.headers["Cache-Control"] == "public, max-age=300"
        asset = next((editions / "default" / "2025" / "assets").glob("plotly.*.min.js"))
        packed = urllib.request.Request(
            f"https://127.0.0.1:{secure}/editions/default/2025/assets/{asset.name}", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(packed, context=tls, timeout=10) as answer:  # the .gz beside it, as it is
            assert (
                answer.headers["Content-Encoding"] == "gzip"
                and answer.read() == asset.with_suffix(".js.gz").read_bytes()
            )
            assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        try:
            urllib.request.build_opener(NoRedirect).open(f"http://127.0.0.1:{plain}/data?lang=en", timeout=5)
            raise AssertionError("plain HTTP was served")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 301 and redirect.headers["Location"] == "https://127.0.0.1/data?lang=en"
    finally:
        proxy.terminate()
        app.terminate()
        proxy.wait(timeout=20)
        app.wait(timeout=20)
        shutil.rmtree(site)


def test_the_systemd_unit_runs_the_installed_app_on_its_instance_port():
    unit = (ROOT / "deploy" / "qcity@.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/qcity/.venv/bin/python -m qcity.serve" in unit
    assert "Type=notify" in unit and "NotifyAccess=main" in unit  # ready only once warm (qcity.web.serve)
    assert "--server.port %i" in unit and "--server.address 127.0.0.1" in unit
    assert "EnvironmentFile=/etc/qcity/env" in unit and "User=qcity" in unit


def test_the_bundle_takes_the_app_without_tests_and_the_debian_closure_without_virtual_packages():
    files = bundle.app_files()
    assert {"dashboard.py", "requirements.txt", "deploy/install.sh", "queries/attention_months.sql"} <= set(files)
    assert not [f for f in files if f.startswith(("tests/", "bench/"))]
    closure = bundle.debian_closure(["python3-venv"])
    assert {"python3-venv", "libc6"} <= set(closure)  # the package and what it needs, down to the C library
    assert not [name for name in closure if name.startswith("<") or " " in name]  # virtual names apt cannot fetch
