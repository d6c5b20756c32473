"""Alerts reach people: the repository's Alertmanager configuration, written out by its own
render.sh for a test SMTP server and a webhook, run by a real Alertmanager. A critical alert
arrives by mail and at the webhook; the warning it explains is held back; warnings are routed to
mail alone."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import Webhook
from zhuchka.devstack.mail_sink import MailSink
from zhuchka.devstack.ports import free_port

ALERTMANAGER = Path(__file__).resolve().parents[2] / "monitoring" / "alertmanager"


def _binary(*names: str) -> str:
    found = next((path for name in names if (path := shutil.which(name))), None)
    assert found, (
        f"{names[0]} is missing: `make test` installs it (Debian's prometheus-alertmanager)"
    )
    return found


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture
def mail(tmp_path: Path) -> Iterator[MailSink]:
    sink = MailSink(tmp_path / "mail", free_port())
    sink.start()
    yield sink
    sink.stop()


def _render(tmp_path: Path, mail: MailSink, webhook: Webhook) -> Path:
    environment = {
        "SMTP_HOST": mail.host,
        "SMTP_PORT": str(mail.port),
        "SMTP_STARTTLS": "false",
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
        "MAIL_FROM": "Zhuchka MES <mes@tests.example>",
        "ALERT_EMAIL_TO": "ops@tests.example",
        "ALERT_WEBHOOK_URL": webhook.url,
    }
    rendered = subprocess.run(
        [str(ALERTMANAGER / "render.sh")], env=environment, capture_output=True, check=True
    )
    config = tmp_path / "alertmanager.yml"
    config.write_bytes(rendered.stdout)
    checked = subprocess.run(
        [_binary("amtool"), "check-config", str(config)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return config


def _route(config: Path, *labels: str) -> str:
    said = subprocess.run(
        [_binary("amtool"), "config", "routes", "test", f"--config.file={config}", *labels],
        capture_output=True,
        text=True,
        check=True,
    )
    return said.stdout.strip()


def _alert(name: str, severity: str, **labels: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, "severity": severity, **labels},
        "annotations": {"summary": f"{name} in the test"},
        "startsAt": datetime.now(UTC).isoformat(),
    }


async def _until(what: str, check: Any, seconds: float = 60) -> Any:
    try:
        async with asyncio.timeout(seconds):
            while not (found := await check()):
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(f"no {what} within {seconds} s") from None
    return found


@pytest.fixture
def alertmanager(tmp_path: Path, mail: MailSink, webhook: Webhook) -> Iterator[tuple[str, Path]]:
    """A real Alertmanager on the rendered configuration: its address and the configuration."""
    config = _render(tmp_path, mail, webhook)
    port = free_port()
    with (tmp_path / "alertmanager.log").open("wb") as log:
        process = subprocess.Popen(
            [
                _binary("alertmanager", "prometheus-alertmanager"),
                f"--config.file={config}",
                f"--storage.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            ],
            stdout=log,
            stderr=log,
        )
    yield f"http://127.0.0.1:{port}", config
    process.terminate()
    process.wait(timeout=30)


async def test_a_critical_alert_reaches_mail_and_webhook_and_holds_back_what_it_explains(
    alertmanager: tuple[str, Path], mail: MailSink, webhook: Webhook
) -> None:
    address, config = alertmanager
    assert _route(config, "severity=critical") == "ops-mail-and-webhook"
    assert _route(config, "severity=warning") == "ops-mail"
    async with httpx.AsyncClient(base_url=address) as client:

        async def ready() -> bool:
            try:
                return (await client.get("/-/ready")).status_code == 200
            except httpx.TransportError:
                return False

        await _until("Alertmanager", ready)
        down = _alert("ZhuchkaPostgresDown", "critical", job="postgres")
        symptom = _alert("ZhuchkaApiNotReady", "warning", job="api", instance="api:8001")
        posted = await client.post("/api/v2/alerts", json=[down, symptom])
        assert posted.status_code == 200, posted.text

        async def held_back() -> bool:
            alerts = (await client.get("/api/v2/alerts")).json()
            states = {a["labels"]["alertname"]: a["status"] for a in alerts}
            return bool(states.get("ZhuchkaApiNotReady", {}).get("inhibitedBy"))

        await _until("inhibition of the API's symptom", held_back)

    async def mailed() -> list[str]:
        texts = [p.read_text(errors="replace") for p in mail.folder.glob("*.eml")]
        return [t for t in texts if "ZhuchkaPostgresDown" in t]

    [message] = await _until("mail", mailed)
    assert "ops@tests.example" in message
    assert "ZhuchkaApiNotReady" not in message

    async def posted_to_hook() -> bool:
        return any(
            alert["labels"]["alertname"] == "ZhuchkaPostgresDown"
            for body in webhook.received
            for alert in body["alerts"]
        )

    await _until("webhook call", posted_to_hook)
