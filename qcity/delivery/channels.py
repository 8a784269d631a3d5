"""The ways a parcel leaves: a folder on a share, e-mail through SMTP (STARTTLS and a login), and the group robots
of WeChat Work (企业微信), DingTalk (钉钉) and Feishu (飞书), each in its vendor's documented JSON message format:
markdown with the figures and the edition's link, DingTalk's and Feishu's requests signed when the robot has a
signing secret. Intranet deployments of the three take the same messages at their own addresses, which is why a
robot's whole webhook address is the secret, not a key put into a public one.

An error never quotes a webhook's address or a password: only the channel's name and the host.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import markdown

from qcity.delivery.plan import Channel

TIMEOUT = 30  # seconds for a server to answer
WECOM_LIMIT = 4096  # bytes of a WeChat Work markdown message
REFUSED = (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused)
OOXML = "application/vnd.openxmlformats-officedocument"
MIME = {  # the attachments' types, named here: a machine without /etc/mime.types does not know the Office ones
    ".docx": f"{OOXML}.wordprocessingml.document",
    ".pptx": f"{OOXML}.presentationml.presentation",
    ".xlsx": f"{OOXML}.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


class SendError(Exception):
    """A send that did not arrive: what the server or the network said, without secrets. `final` when trying again
    cannot help (a refused login, a refused address)."""

    def __init__(self, message: str, final: bool = False):
        super().__init__(message)
        self.final = final


@dataclass(frozen=True)
class Parcel:
    """What one entry sends for one period."""

    title: str  # the subject line, the robot message's title
    text: str  # markdown: the figures, the early warnings in a sentence, the edition's link, the source or label
    stem: str  # the entry and the period, e.g. monthly-bulletin-2026-ytd-09: the folder's message file
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> content
    text_is_sent: bool = True  # whether the message itself is one of the things sent (a folder then keeps it)


def send(channel: Channel, parcel: Parcel, secret: Callable[[str], str]) -> None:
    """Send `parcel` through `channel`; `secret` reads a secret by its name. Raises SendError."""
    {"folder": _folder, "email": _email, "wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}[channel.type](
        channel.settings, parcel, secret
    )


def _folder(settings: dict, parcel: Parcel, secret) -> None:
    """Each file into the folder, written aside and renamed, so a reader on the share never opens half a file."""
    folder = Path(settings["path"])
    files = dict(parcel.files)
    if parcel.text_is_sent:
        files[f"{parcel.stem}.md"] = f"# {parcel.title}\n\n{parcel.text}\n".encode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            aside = folder / f".{name}.part"
            aside.write_bytes(content)
            os.replace(aside, folder / name)
    except OSError as error:
        raise SendError(f"folder {folder}: {error.strerror or error}") from None


def _email(settings: dict, parcel: Parcel, secret) -> None:
    message = EmailMessage()
    message["Subject"] = parcel.title
    message["From"] = settings["sender"]
    message["To"] = ", ".join(settings["to"])
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings["sender"].rsplit("@", 1)[-1].strip("> "))
    message.set_content(parcel.text)
    inert = parcel.text.replace("&", "&amp;").replace("<", "&lt;")  # markdown passes HTML through; the text has none
    body = markdown.markdown(inert, output_format="html")  # the same text, as mail readers show it best
    message.add_alternative(f'<!doctype html><html><body style="font-family: sans-serif">{body}</body></html>', "html")
    for name, content in parcel.files.items():
        maintype, subtype = MIME.get(Path(name).suffix, "application/octet-stream").split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    host, port = settings["host"], int(settings["port"])
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT) as smtp:
            if settings["starttls"]:
                smtp.starttls(context=ssl.create_default_context(cafile=settings["ca_file"]))
            if settings["user"]:
                smtp.login(settings["user"], secret(settings["password_secret"]))
            smtp.send_message(message)
    except REFUSED as error:
        raise SendError(f"SMTP {host}:{port}: {error}", final=True) from None
    except (OSError, smtplib.SMTPException) as error:  # ssl errors are OSErrors
        raise SendError(f"SMTP {host}:{port}: {error}") from None


def _wecom(settings: dict, parcel: Parcel, secret) -> None:
    """WeChat Work's group robot: {"msgtype": "markdown", "markdown": {"content": ...}}, at most 4,096 bytes."""
    content = f"**{parcel.title}**\n{parcel.text}".encode()
    if len(content) > WECOM_LIMIT:
        content = content[: WECOM_LIMIT - 3].decode("utf-8", errors="ignore").encode() + "…".encode()
    _post(secret(settings["webhook_secret"]), {"msgtype": "markdown", "markdown": {"content": content.decode()}})


def _dingtalk(settings: dict, parcel: Parcel, secret) -> None:
    """DingTalk's group robot: {"msgtype": "markdown", "markdown": {"title", "text"}}; with a signing secret, the
    address carries timestamp (ms) and sign = base64(HMAC-SHA256(secret, timestamp + "\\n" + secret))."""
    url = secret(settings["webhook_secret"])
    if settings["sign_secret"]:
        key = secret(settings["sign_secret"])
        stamp = str(round(time.time() * 1000))
        digest = hmac.new(key.encode(), f"{stamp}\n{key}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        url += f"{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
    _post(
        url, {"msgtype": "markdown", "markdown": {"title": parcel.title, "text": f"#### {parcel.title}\n{parcel.text}"}}
    )


def _feishu(settings: dict, parcel: Parcel, secret) -> None:
    """Feishu's group robot: an interactive card with the title as its header and the text as lark_md; with a
    signing secret, the body carries timestamp (s) and sign = base64(HMAC-SHA256(timestamp + "\\n" + secret, ""))."""
    body: dict = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": parcel.title}},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": parcel.text}}],
        },
    }
    if settings["sign_secret"]:
        stamp = str(int(time.time()))
        key = f"{stamp}\n{secret(settings['sign_secret'])}".encode()
        body = {
            "timestamp": stamp,
            "sign": base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode(),
            **body,
        }
    _post(secret(settings["webhook_secret"]), body)


def _post(url: str, body: dict) -> None:
    """POST the JSON; the three vendors answer 200 with a code, 0 when the message was taken (errcode for WeChat
    Work and DingTalk, code for Feishu)."""
    host = urllib.parse.urlsplit(url).netloc or "the robot's address"
    request = urllib.request.Request(
        url, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise SendError(f"{host}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise SendError(f"{host}: {getattr(error, 'reason', error)}") from None
    except ValueError:
        raise SendError(f"{host}: the answer is not JSON") from None
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
    if code != 0:
        raise SendError(f"{host}: {answer.get('errmsg') or answer.get('msg') or 'refused'} (code {code})")
