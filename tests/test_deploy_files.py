"""The files IT staff install: the HTTPS nginx config is valid nginx; the systemd unit runs the installed app."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_https_nginx_config_passes_nginx_t_with_a_throwaway_certificate(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=qcity.test",
                    "-keyout", tmp_path / "qcity.key", "-out", tmp_path / "qcity.crt"], check=True, capture_output=True)
    config = (ROOT / "deploy" / "nginx-https.conf").read_text(encoding="utf-8")
    for server_path, local in [("/etc/qcity/tls", tmp_path), ("/run/nginx.pid", tmp_path / "nginx.pid"),
                               ("/var/log/nginx", tmp_path)]:
        assert server_path in config
        config = config.replace(server_path, str(local))
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    checked = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c",
                              str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_the_systemd_unit_runs_the_installed_app_on_its_instance_port():
    unit = (ROOT / "deploy" / "qcity@.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/qcity/.venv/bin/python -m streamlit run dashboard.py" in unit
    assert "--server.port %i" in unit and "--server.address 127.0.0.1" in unit
    assert "EnvironmentFile=/etc/qcity/env" in unit and "User=qcity" in unit
