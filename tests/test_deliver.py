"""Deliveries (qcity.delivery) against real local servers: an SMTP server (aiosmtpd, STARTTLS and a login) receives
the bulletin; a local HTTP server receives each group robot's JSON in its vendor's documented shape, DingTalk's and
Feishu's signatures verify; a failing endpoint is retried, then reported; each period goes once; a district's entry
carries that district only; the schedule's run times."""

import base64
import hashlib
import hmac
import io
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from docx import Document
from helpers import ENTRY, ServerLikePagesManager
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest, app_test

from qcity import i18n
from qcity.analysis import filters, narrative
from qcity.delivery import plan as plans
from qcity.delivery import run
from qcity.documents import deck, edition, story
from qcity.store import audit, db
from qcity.web import accounts, auth
from qcity.web import deliveries as web_deliveries

OCTOBER = "2026-10-06T09:00"  # the plan's monthly run of 6 October delivers Jan-Sep 2026
PUBLIC = "https://qcity.example.gov.cn"
SECRETS = {"QCITY_TEST_SMTP": "s3cret-pass", "QCITY_TEST_DING_SIGN": "SECdingsign", "QCITY_TEST_FEISHU_SIGN": "fs-sign"}


@pytest.fixture
def data(ytd_dir, tmp_path) -> Path:
    """A copy of the demo of a year in progress (synthetic, data through 2026-09-30)."""
    out = tmp_path / "data"
    shutil.copytree(ytd_dir, out)
    return out


def write_plan(data: Path, text: str) -> None:
    (data / plans.FILE).write_text(text, encoding="utf-8")


def folder_plan(share: Path, **entry) -> str:
    """A plan of one entry (monthly, Jan-Sep on 6 October, sent from the synthetic demo) to a folder."""
    entry = {"period": "ytd", "when": "0 8 6 * *", "to": ["share"], "send_synthetic": True, **entry}
    lines = "\n".join(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items())
    return f'[channels.share]\ntype = "folder"\npath = "{share}"\n\n[[delivery]]\n{lines}\n'


def options_of(data: Path) -> filters.Options:
    database = db.Database(data)
    options = filters.load_options(database.query, database.city())[0]
    database.con.close()
    return options


def deliver(data: Path, *args: str, now: str = OCTOBER) -> int:
    return run.main(["run", *args, "--now", now, "--data", str(data)])


def logged(data: Path) -> list[dict]:
    return run.history(data)


# --- the robots' server ----------------------------------------------------------------------------------------------


class Robots(ThreadingHTTPServer):
    """A local HTTP server standing for the three vendors' robot endpoints: it keeps every request and answers as
    the vendor does (/wecom and /dingtalk with errcode, /feishu with code); /broken answers 500, /flaky fails
    twice, then takes the message."""

    def __init__(self):
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _RobotHandler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def at(self, path: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["path"] == path]


class _RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the standard library's name)
        parts = urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.requests.append({"path": parts.path, "query": parse_qs(parts.query), "body": body})
            tries = len([r for r in self.server.requests if r["path"] == parts.path])
        if parts.path == "/broken" or (parts.path == "/flaky" and tries <= 2):
            self.send_response(500)
            self.end_headers()
            return
        answer = {"code": 0, "msg": "success"} if parts.path == "/feishu" else {"errcode": 0, "errmsg": "ok"}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def robots():
    server = Robots()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def robot_plan(robots: Robots, what: str = '["edition", "message"]', extra: str = "") -> str:
    return f"""
public_url = "{PUBLIC}"
retry_delays = [0, 0]

[channels.wecom]
type = "wecom"
webhook_secret = "QCITY_TEST_WECOM"

[channels.ding]
type = "dingtalk"
webhook_secret = "QCITY_TEST_DING"
sign_secret = "QCITY_TEST_DING_SIGN"

[channels.feishu]
type = "feishu"
webhook_secret = "QCITY_TEST_FEISHU"
sign_secret = "QCITY_TEST_FEISHU_SIGN"

[[delivery]]
name = "group"
what = {what}
period = "ytd"
when = "0 8 6 * *"
to = ["wecom", "ding", "feishu"]
send_synthetic = true
{extra}
"""


@pytest.fixture
def robot_secrets(robots, monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # a proxy set for the machine must not catch the local robots
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("QCITY_TEST_WECOM", robots.url("/wecom") + "?key=WECOMKEY123")
    monkeypatch.setenv("QCITY_TEST_DING", robots.url("/dingtalk") + "?access_token=DINGTOKEN123")
    monkeypatch.setenv("QCITY_TEST_FEISHU", robots.url("/feishu"))
    monkeypatch.delenv(edition.PUBLIC_URL_ENV, raising=False)


def headline_lines(data: Path, lang: str) -> list[str]:
    """The Overview's card values for Jan-Sep 2026, as narrative.card words them."""
    database = db.Database(data)
    options = filters.load_options(database.query, database.city())[0]
    period = edition.period_of({"period": "ytd", "through": "2026-09"}, options)
    cards = edition.Headline.of(story.Context(database.query, database.city(), data), period).cards
    database.con.close()
    return [narrative.card(card, lang).value for card in cards]


def test_each_robot_receives_its_vendors_message_with_the_figures_and_the_editions_link(data, robots, robot_secrets):
    write_plan(data, robot_plan(robots))
    started = time.time()
    assert deliver(data, "--due") == 0
    link = f"{PUBLIC}/editions/default/2026-ytd-09/"
    assert (data / "editions" / "default" / "2026-ytd-09" / "zh.html").is_file()  # published before it was linked
    values = headline_lines(data, "zh")
    (wecom,) = robots.at("/wecom")
    assert wecom["query"] == {"key": ["WECOMKEY123"]} and wecom["body"]["msgtype"] == "markdown"
    content = wecom["body"]["markdown"]["content"]
    assert content.startswith("**【合成演示数据】长沙市质量工作通报（2026年1–9月）**")
    assert all(value in content for value in values) and f"({link})" in content
    assert len(content.encode()) <= 4096

    (ding,) = robots.at("/dingtalk")
    stamp, sign = ding["query"]["timestamp"][0], ding["query"]["sign"][0]
    expected = hmac.new(b"SECdingsign", f"{stamp}\nSECdingsign".encode(), hashlib.sha256).digest()
    assert base64.b64decode(sign) == expected  # parse_qs has undone the URL encoding
    assert abs(int(stamp) / 1000 - started) < 60 and ding["query"]["access_token"] == ["DINGTOKEN123"]
    assert ding["body"]["msgtype"] == "markdown" and set(ding["body"]["markdown"]) == {"title", "text"}
    assert ding["body"]["markdown"]["title"] == "【合成演示数据】长沙市质量工作通报（2026年1–9月）"
    assert all(value in ding["body"]["markdown"]["text"] for value in values)

    (feishu,) = robots.at("/feishu")
    body = feishu["body"]
    key = f"{body['timestamp']}\nfs-sign".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"] == {"tag": "plain_text", "content": ding["body"]["markdown"]["title"]}
    (element,) = body["card"]["elements"]
    assert element["text"]["tag"] == "lark_md" and f"({link})" in element["text"]["content"]

    lines = [(e["channel"], e["outcome"], e["period"], e["recipients"]) for e in logged(data)]
    assert lines == [
        ("wecom", "sent", "2026-ytd-09", "wecom robot 'wecom'"),
        ("ding", "sent", "2026-ytd-09", "dingtalk robot 'ding'"),
        ("feishu", "sent", "2026-ytd-09", "feishu robot 'feishu'"),
    ]
    log_text = (data / audit.FILE).read_text(encoding="utf-8")
    assert not [secret for secret in ("WECOMKEY123", "DINGTOKEN123", *SECRETS.values()) if secret in log_text]


def test_a_failing_endpoint_is_retried_then_reported_and_a_flaky_one_gets_through(
    data, robots, robot_secrets, monkeypatch, capsys
):
    monkeypatch.setenv("QCITY_TEST_WECOM", robots.url("/broken") + "?key=WECOMKEY123")
    monkeypatch.setenv("QCITY_TEST_DING", robots.url("/flaky") + "?access_token=DINGTOKEN123")
    write_plan(data, robot_plan(robots, '["message"]'))
    assert deliver(data, "--due") == 1  # reported: a non-zero exit
    assert len(robots.at("/broken")) == 3 and len(robots.at("/flaky")) == 3  # the first try and two retries
    outcomes = {e["channel"]: (e["outcome"], e["ok"], e["attempts"]) for e in logged(data)}
    assert outcomes == {"wecom": ("failed", False, 3), "ding": ("sent", True, 3), "feishu": ("sent", True, 1)}
    failed = next(e for e in logged(data) if e["outcome"] == "failed")
    assert failed["note"] == f"127.0.0.1:{robots.server_address[1]}: HTTP 500 Internal Server Error"
    said = capsys.readouterr().out
    assert "failed: group 2026-ytd-09 → wecom" in said and "WECOMKEY123" not in said
    assert deliver(data, "--due") == 1  # the next run tries the failed channel only
    assert len(robots.at("/broken")) == 6 and len(robots.at("/flaky")) == 3 and len(robots.at("/feishu")) == 1
    assert deliver(data, "--due") == 1
    assert deliver(data, "--due") == 0  # three failed runs: the timer gives up; the Data page shows it
    assert len(robots.at("/broken")) == 9
    assert "gave up: group 2026-ytd-09 → wecom" in capsys.readouterr().out
    assert deliver(data, "--only", "group") == 1 and len(robots.at("/broken")) == 12  # by hand it tries again


def test_each_period_goes_once_a_new_one_waits_for_its_data_and_unchanged_data_is_not_sent_again(
    data, robots, robot_secrets, capsys
):
    write_plan(data, robot_plan(robots, '["message"]'))
    assert deliver(data, "--due", now="2026-09-06T08:00") == 0  # 6 September: Jan-Aug
    assert deliver(data, "--due", now="2026-09-20T08:00") == 0  # the same period: nothing
    assert len(robots.at("/wecom")) == 1
    assert deliver(data, "--due", now="2026-10-06T08:00") == 0  # Jan-Sep, but the data have not changed
    assert deliver(data, "--due", now="2026-10-06T08:15") == 0
    assert len(robots.at("/wecom")) == 1
    skips = [e for e in logged(data) if e["outcome"] == "skipped"]
    assert [(e["period"], e["note"]) for e in skips] == [
        ("2026-ytd-09", f"no new data since 2026-ytd-08 was delivered (data {edition.data_version(data)})")
    ]  # said once, though two runs skipped it
    assert deliver(data, "--due", now="2026-11-06T08:00") == 0  # Jan-Oct: the data end in September
    assert "skipped: group 2026-ytd-10 (the data do not reach 2026-ytd-10 yet (as of 2026-09-30))" in (
        capsys.readouterr().out
    )
    assert deliver(data, "--only", "group", "--force", now="2026-10-06T08:00") == 0  # by hand, with --force
    assert len(robots.at("/wecom")) == 2 and "2026年1–9月" in robots.at("/wecom")[-1]["body"]["markdown"]["content"]


def test_a_dry_run_says_what_would_go_where_and_sends_writes_and_logs_nothing(data, robots, robot_secrets, capsys):
    write_plan(data, robot_plan(robots))
    assert deliver(data, "--due", "--dry-run") == 0
    said = capsys.readouterr().out
    assert "would send: group 2026-ytd-09 → ding (edition, message to dingtalk robot 'ding')" in said
    assert robots.requests == [] and not (data / "editions").exists() and logged(data) == []
    assert deliver(data, "--list") == 0
    listed = capsys.readouterr().out
    assert "group: edition, message of the ytd period, '0 8 6 * *' (next 2026-11-06 08:00)" in listed
    assert "    wecom (wecom robot 'wecom'): nothing yet" in listed


def test_synthetic_data_go_out_only_when_the_entry_says_so_and_then_labelled(data, robots, robot_secrets):
    write_plan(data, robot_plan(robots, '["message"]').replace("send_synthetic = true\n", ""))
    assert deliver(data, "--due") == 0
    assert robots.requests == []
    assert [e["outcome"] for e in logged(data)] == ["skipped"]
    assert "send_synthetic" in logged(data)[0]["note"]


# --- e-mail ----------------------------------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd's handler: keeps each message with its envelope and the session's TLS and login."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "message": message_from_bytes(envelope.content, policy=policy.default),
                "tls": session.ssl is not None,
                "login": session.authenticated and session.auth_data,
            }
        )
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"qcity" and auth_data.password == SECRETS["QCITY_TEST_SMTP"].encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture
def smtp(tmp_path):
    """An SMTP server on 127.0.0.1 that requires STARTTLS (a certificate made here) and a login."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its server by connecting to the port it was given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_require_tls=True,
    )
    controller.start()
    yield inbox, controller, cert
    controller.stop()


def email_plan(smtp, what: list[str]) -> str:
    """A plan of one monthly entry to the leaders by the test's SMTP server: STARTTLS with its certificate, and a
    login whose password is the secret QCITY_TEST_SMTP."""
    _, controller, cert = smtp
    return f"""
retry_delays = [0, 0]
[channels.leaders]
type = "email"
host = "127.0.0.1"
port = {controller.port}
user = "qcity"
password_secret = "QCITY_TEST_SMTP"
ca_file = "{cert}"
sender = "质量强市 <qcity@example.gov.cn>"
to = ["leader@example.gov.cn", "office@example.gov.cn"]

[[delivery]]
name = "monthly"
what = {json.dumps(what)}
period = "ytd"
when = "0 8 6 * *"
to = ["leaders"]
send_synthetic = true
"""


@pytest.mark.browser
def test_an_smtp_server_receives_the_bulletin_for_the_period_with_its_subject(data, smtp, monkeypatch):
    inbox = smtp[0]
    monkeypatch.setenv("QCITY_TEST_SMTP", SECRETS["QCITY_TEST_SMTP"])
    write_plan(data, email_plan(smtp, ["bulletin", "message"]))
    assert deliver(data, "--due") == 0
    (mail,) = inbox.messages
    assert mail["tls"] and mail["login"].login == b"qcity"
    assert mail["to"] == ["leader@example.gov.cn", "office@example.gov.cn"]
    message = mail["message"]
    assert message["Subject"] == "【合成演示数据】长沙市质量工作通报（2026年1–9月）"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "bulletin-2026-ytd-09-zh.docx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(attachment.get_content()))
    assert "2026年1–9月" in document.paragraphs[0].text  # the bulletin's title names the period
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("> 合成演示数据，非真实统计") and all(v in body for v in headline_lines(data, "zh"))
    page = message.get_body(("html",)).get_content()  # the same text for mail readers that show HTML
    assert "<blockquote>\n<p>合成演示数据，非真实统计</p>\n</blockquote>" in page
    assert "<li><strong>食品抽检合格率</strong> " in page and "**" not in page
    assert [(e["outcome"], e["recipients"]) for e in logged(data)] == [
        ("sent", "leader@example.gov.cn, office@example.gov.cn")
    ]
    assert SECRETS["QCITY_TEST_SMTP"] not in (data / audit.FILE).read_text(encoding="utf-8")


def test_a_wrong_password_is_reported_without_the_password(data, smtp, monkeypatch):
    inbox = smtp[0]
    monkeypatch.setenv("QCITY_TEST_SMTP", "wrong-pass")
    write_plan(data, email_plan(smtp, ["message"]))
    assert deliver(data, "--due") == 1
    assert inbox.messages == []
    (line,) = logged(data)
    assert line["outcome"] == "failed" and "535" in line["note"] and "wrong-pass" not in json.dumps(line)
    assert line["attempts"] == 1  # a refused login is not tried again: it would be refused again


# --- districts, folders and the plan's checks -----------------------------------------------------------------------


def test_a_districts_entry_carries_its_own_rows_only(data, tmp_path):
    share = tmp_path / "share"
    write_plan(data, folder_plan(share, name="yuelu", what=["worklist", "message"], district="430104"))
    assert deliver(data, "--due") == 0
    assert sorted(p.name for p in share.iterdir()) == ["worklist-2026-ytd-09-430104-zh.xlsx", "yuelu-2026-ytd-09.md"]
    names = pd.read_csv(data / "districts.csv", dtype=str).set_index("district_code").name_zh
    others = [name for code, name in names.items() if code != "430104"]
    rows = pd.read_excel(share / "worklist-2026-ytd-09-430104-zh.xlsx", header=None, engine="openpyxl")
    cells = " ".join(str(v) for v in rows.to_numpy().ravel() if pd.notna(v))
    assert "区县：岳麓区" in cells and len(rows) > 5  # the filter note, and signals
    assert [name for name in others if name in cells] == []
    signals = rows.iloc[4:]
    firms = signals[signals[1] == i18n.t("signal.repeat", "zh")][2]  # 企业 · 区县
    assert len(firms) and all(s.endswith(" · 岳麓区") for s in firms)
    text = (share / "yuelu-2026-ytd-09.md").read_text(encoding="utf-8")
    assert text.startswith("# 【合成演示数据】长沙市岳麓区质量工作通报（2026年1–9月）")
    assert [name for name in others if name in text] == [] and "/editions/" not in text


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ('district = "430104"\nwhat = ["edition"]', "edition is city-wide"),
        ('district = "999999"', "district '999999' is not one of the data's"),
        ('what = ["bulletin"]\nto = ["group"]', "group is a group robot and takes a message, not a bulletin"),
        ('when = "every month"', "is not a cron expression"),
        ('period = "month"', "period must be one of ytd, quarter, year"),
        ('what = "message"', "what must be a list of bulletin, deck, report, worklist, edition, message"),
        ("what = [[1]]", "what must be a list of"),
        ('to = ["nowhere"]', "unknown: nowhere"),
    ],
)
def test_the_plan_is_checked_whole_and_the_error_names_the_entry(data, capsys, change, complaint):
    entry = {"name": '"figures"', "what": '["message"]', "period": '"ytd"', "when": '"0 8 6 * *"', "to": '["share"]'}
    for line in change.splitlines():
        key, value = line.split(" = ")
        entry[key] = value
    body = "\n".join(f"{key} = {value}" for key, value in entry.items())
    write_plan(
        data,
        f'[channels.share]\ntype = "folder"\npath = "/tmp/x"\n[channels.group]\ntype = "wecom"\n'
        f'webhook_secret = "W"\n[[delivery]]\n{body}\n',
    )
    assert deliver(data, "--due") == 2
    error = capsys.readouterr().err
    assert "deliveries.toml, [[delivery]] 1 (figures)" in error and complaint in error
    assert logged(data) == []


def test_secrets_are_named_never_written_and_a_secrets_file_must_be_its_owners_alone(data, tmp_path, capsys):
    write_plan(data, '[channels.group]\ntype = "wecom"\nwebhook = "https://qyapi.weixin.qq.com/?key=K"\n')
    assert deliver(data, "--due") == 2
    assert "secrets are named, never written in the plan" in capsys.readouterr().err
    write_plan(data, '[channels.share]\ntype = "folder"\npath = 3\n')
    assert deliver(data, "--due") == 2
    assert "[channels.share]: path must be text in quotes, not 3" in capsys.readouterr().err
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('QCITY_TEST_FILE_SECRET = "from-the-file"\n', encoding="utf-8")
    secrets.chmod(0o644)
    write_plan(data, f'secrets_file = "{secrets}"\n')
    plan = plans.load(data, options_of(data))
    with pytest.raises(plans.PlanError, match=r"readable by others \(mode 644\); chmod 600"):
        plan.secret("QCITY_TEST_FILE_SECRET")
    secrets.chmod(0o600)
    assert plan.secret("QCITY_TEST_FILE_SECRET") == "from-the-file"
    with pytest.raises(plans.PlanError, match="secret QCITY_TEST_NONE: not in the environment nor in"):
        plan.secret("QCITY_TEST_NONE")


# --- the schedule ----------------------------------------------------------------------------------------------------


def entry(when: str, period: str = "ytd") -> plans.Entry:
    return plans.Entry("e", ("message",), period, when, ("share",), "zh", None, "default", False)


def test_the_schedule_names_the_run_that_is_due_and_the_next_one():
    monthly = entry("0 8 6 * *")
    assert monthly.scheduled(datetime(2026, 10, 6, 7, 59)) == datetime(2026, 9, 6, 8, 0)
    assert monthly.scheduled(datetime(2026, 10, 6, 8, 0)) == datetime(2026, 10, 6, 8, 0)
    assert monthly.next_run(datetime(2026, 10, 6, 8, 0)) == datetime(2026, 11, 6, 8, 0)
    weekdays = entry("30 9 * * 1-5")  # 9:30 on working days
    assert weekdays.next_run(datetime(2026, 12, 4, 10, 0)) == datetime(2026, 12, 7, 9, 30)  # Friday -> Monday
    quarterly = entry("0 9 10 1,4,7,10 *", "quarter")
    assert quarterly.next_run(datetime(2026, 10, 10, 9, 0)) == datetime(2027, 1, 10, 9, 0)


@pytest.mark.parametrize(
    ("period", "at", "query", "name"),
    [
        ("ytd", datetime(2026, 10, 6), {"period": "ytd", "through": "2026-09"}, "2026-ytd-09"),
        ("ytd", datetime(2027, 1, 6), {"period": "ytd", "through": "2026-12"}, "2026-ytd-12"),
        ("quarter", datetime(2026, 10, 10), {"period": "q", "quarter": "2026Q3"}, "2026-q3"),
        ("quarter", datetime(2027, 2, 1), {"period": "q", "quarter": "2026Q4"}, "2026-q4"),
        ("year", datetime(2027, 1, 15), {"period": "year", "to": "2026"}, "2026"),
    ],
)
def test_each_kind_of_period_is_the_last_complete_one(period, at, query, name):
    assert plans.period_query(period, at) == (query, name)


def test_the_commands_name_is_documented_and_the_timer_runs_it_every_quarter_hour():
    root = Path(__file__).resolve().parent.parent
    timer = (root / "deploy" / "qcity-deliver.timer").read_text(encoding="utf-8")
    service = (root / "deploy" / "qcity-deliver.service").read_text(encoding="utf-8")
    assert re.search(r"^OnCalendar=\*:0/15$", timer, re.M) and "Persistent=true" in timer
    assert re.search(r"^ExecStart=.* -m qcity\.deliver run --due$", service, re.M)
    assert i18n.t("deliver.title", "en", place="X", period="Y") == "X quality report, Y"


# --- the Data page ---------------------------------------------------------------------------------------------------


@pytest.fixture
def data_page(data, robots, robot_secrets, monkeypatch):
    """The Data page in English on the demo copy with the robots' plan, as the analyst wang."""
    write_plan(data, robot_plan(robots, '["message"]'))

    class October(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromisoformat(OCTOBER)

    monkeypatch.setattr(web_deliveries, "datetime", October)  # the page's clock: 6 October, as the command's --now
    monkeypatch.setenv("QCITY_DATA_DIR", str(data))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)

    def open_as(user: accounts.User | None):
        at = AppTest.from_file(ENTRY, default_timeout=60)
        at.query_params["lang"] = "en"
        at.run()
        at.switch_page("pages/data.py").run()
        if user is not None:
            at.session_state[auth.USER_KEY] = user
            at.run()
        return at

    return data, open_as


def test_the_data_page_shows_the_plan_and_what_failed_and_an_analyst_sends_an_entry_now(data_page, robots, monkeypatch):
    data, open_as = data_page
    assert "Deliveries" not in [s.value for s in open_as(None).subheader]  # readers do not see the plan
    monkeypatch.setenv("QCITY_TEST_WECOM", robots.url("/broken") + "?key=WECOMKEY123")
    assert deliver(data, "--due") == 1
    at = open_as(accounts.User("wang", "analyst"))
    assert not at.exception and "Deliveries" in [s.value for s in at.subheader]
    plan_table = next(d.value for d in at.dataframe if "Schedule (cron)" in d.value.columns)
    assert plan_table["Entry"].tolist() == ["group"] and plan_table["Schedule (cron)"].tolist() == ["0 8 6 * *"]
    port = robots.server_address[1]
    assert [w.value for w in at.warning if w.value.startswith("Failed")] == [
        f"Failed and not yet delivered: group 2026-ytd-09 → wecom (127.0.0.1:{port}: HTTP 500 Internal Server Error)"
    ]
    latest = next(d.value for d in at.dataframe if "Recipients" in d.value.columns)
    assert sorted(latest["Outcome"]) == ["failed", "sent", "sent"]
    monkeypatch.setenv("QCITY_TEST_WECOM", robots.url("/wecom") + "?key=WECOMKEY123")  # the robot is mended
    at.button(key="data_deliver_now").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert [s.value for s in at.success][0].startswith("Done: sent: group 2026-ytd-09 → wecom")
    assert len(robots.at("/wecom")) == 1 and len(robots.at("/dingtalk")) == 2  # sent now, again where it had been
    assert not [w for w in at.warning if w.value.startswith("Failed")]  # delivered now
    mine = [e for e in logged(data) if e["user"] == "wang"]
    assert [(e["channel"], e["outcome"]) for e in mine] == [("wecom", "sent"), ("ding", "sent"), ("feishu", "sent")]


def test_a_viewer_has_no_send_button_and_a_forged_click_is_refused_and_logged(data_page, robots):
    data, open_as = data_page
    at = open_as(accounts.User("wang", "analyst"))
    button = at.button(key="data_deliver_now")
    at.session_state[auth.USER_KEY] = accounts.User("li", "viewer")  # the session changed under the button
    button.click().run()
    assert [e.value for e in at.error] == ["Not all delivered: li may not deliver"]
    assert robots.requests == []
    assert [(e["user"], e["action"], e["ok"]) for e in audit.entries(data) if e["action"] == "deliver"] == [
        ("li", "deliver", False)
    ]
    assert not [b for b in open_as(accounts.User("li", "viewer")).button if b.key == "data_deliver_now"]


def test_the_documented_example_plan_is_a_plan_this_code_accepts(data):
    guide = (Path(__file__).resolve().parent.parent / "docs" / "user-guide" / "deliveries.md").read_text("utf-8")
    example = re.search(r"```toml\n(# DATA_DIR/deliveries.toml\n.*?)```", guide, re.S).group(1)
    write_plan(data, example)
    plan = plans.load(data, options_of(data))
    assert plan.names == ["monthly-bulletin", "monthly-edition", "yuelu-worklist", "quarterly-deck"]
    assert {c.type for c in plan.channels.values()} == {"email", "folder", "wecom", "dingtalk", "feishu"}
    assert plan.entry("yuelu-worklist").district == "430104" and plan.retry_delays == (10.0, 60.0, 300.0)


@pytest.mark.browser
def test_a_quarterly_deck_and_report_are_the_storyline_for_the_last_complete_quarter(data, tmp_path, monkeypatch):
    share = tmp_path / "share"
    plan = folder_plan(
        share, name="quarterly-deck", what=["deck", "report"], period="quarter", when="0 9 10 1,4,7,10 *", lang="en"
    )
    write_plan(data, plan)
    drawn = []
    monkeypatch.setattr(deck, "chart_png", lambda slide, draw=deck.chart_png: drawn.append(slide) or draw(slide))
    assert deliver(data, "--due", now="2026-10-10T09:30") == 0
    names = sorted(p.name for p in share.iterdir())
    assert names == ["deck-2026-q3-en.pptx", "report-2026-q3-en.pdf"]  # no message: none was asked for
    slides = Presentation(share / "deck-2026-q3-en.pptx").slides
    scopes = [shape.text_frame.text for slide in list(slides)[1:] for shape in slide.shapes if shape.has_text_frame]
    assert any("Q3 2026" in text for text in scopes)  # the views read the quarter, not their saved periods
    assert len(PdfReader(share / "report-2026-q3-en.pdf").pages) == len(slides)  # a cover and a page per view
    assert len(drawn) == len(slides) - 1  # each chart drawn once for both files


def test_an_entry_that_cannot_be_built_is_reported_and_the_next_one_still_goes(data, tmp_path, capsys):
    share = tmp_path / "share"
    broken = folder_plan(share, name="lost-deck", what=["deck"], storyline="nosuch")
    write_plan(data, broken + folder_plan(share, name="figures", what=["message"]).split("\n\n", 1)[1])
    assert deliver(data, "--due") == 1
    said = capsys.readouterr().out
    assert "failed: lost-deck 2026-ytd-09 → share (not built: storylines/nosuch.json: no such storyline" in said
    assert "sent: figures 2026-ytd-09 → share" in said
    assert sorted(p.name for p in share.iterdir()) == ["figures-2026-ytd-09.md"]
