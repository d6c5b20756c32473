"""The compose stack's front door: the repository's Caddyfile run by a real Caddy in front of a
real API. HTTPS from Caddy's local authority (checked against its root, not skipped), HTTP sent
to HTTPS, the client's address passed on to the API, and the consoles without a sign-in of their
own behind the proxy's."""

from __future__ import annotations

import asyncio
import shutil
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import structlog

from core.settings import Settings
from persistence.database import SessionFactory
from tests.support import served_api
from zhuchka.devstack.ports import free_port

CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "caddy" / "Caddyfile"
OPS_PASSWORD = "ops-password-for-the-test"


def _caddy() -> str:
    found = shutil.which("caddy")
    assert found, "caddy is missing: `make test` installs Debian's caddy"
    return found


@pytest.fixture
async def proxy(
    settings: Settings, sessions: SessionFactory, tmp_path: Path
) -> AsyncIterator[tuple[str, str, Path]]:
    """Caddy on free ports in front of the API: the HTTPS and HTTP base URLs, and the local
    authority's root certificate."""
    hashing = await asyncio.create_subprocess_exec(
        _caddy(), "hash-password", "--plaintext", OPS_PASSWORD, stdout=asyncio.subprocess.PIPE
    )
    hashed = (await hashing.communicate())[0].decode().strip()
    https, http = free_port(), free_port()
    async with served_api(settings, forwarded_allow_ips="127.0.0.1") as api:
        environment = {
            "ZHUCHKA_DOMAIN": "localhost",
            "API_UPSTREAM_HOST": "localhost",
            "API_UPSTREAM_PORT": api.rsplit(":", 1)[1],
            "OPS_PASSWORD_HASH": hashed,
            "HTTP_PORT": str(http),
            "HTTPS_PORT": str(https),
            "CADDY_ADMIN": f"localhost:{free_port()}",
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "HOME": str(tmp_path),
        }
        with (tmp_path / "caddy.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                _caddy(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile",
                env=environment, stdout=log, stderr=log,
            )  # fmt: skip
        root = tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        try:
            async with asyncio.timeout(30):
                while not root.exists():
                    await asyncio.sleep(0.1)
            yield f"https://localhost:{https}", f"http://localhost:{http}", root
        finally:
            process.terminate()
            await process.wait()


def _trusting(root: Path) -> ssl.SSLContext:
    """Certificates of Caddy's local authority trusted, and no other."""
    return ssl.create_default_context(cafile=str(root))


async def _until_up(client: httpx.AsyncClient, url: str) -> httpx.Response:
    async with asyncio.timeout(30):
        while True:
            try:
                answer = await client.get(url)
            except httpx.TransportError:
                await asyncio.sleep(0.2)
                continue
            if answer.status_code != 502:  # not before its health check has seen the API
                return answer
            await asyncio.sleep(0.2)


async def test_https_in_front_of_the_api_with_the_client_named(
    proxy: tuple[str, str, Path],
) -> None:
    https, http, root = proxy
    async with httpx.AsyncClient(verify=_trusting(root), timeout=10) as client:
        with structlog.testing.capture_logs() as logs:
            health = await _until_up(client, f"{https}/api/health")
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"
        assert health.http_version in ("HTTP/1.1", "HTTP/2")
        lines = [e for e in logs if e["event"] == "http.request" and e["path"] == "/api/health"]
        assert lines
        assert lines[-1]["client"] == "127.0.0.1"  # the caller, passed on by the trusted proxy
        plain = await client.get(f"{http}/api/health")
        assert plain.status_code == 308
        assert plain.headers["Location"].startswith("https://localhost")


async def test_consoles_without_a_sign_in_sit_behind_the_proxys(
    proxy: tuple[str, str, Path],
) -> None:
    https, _, root = proxy
    async with httpx.AsyncClient(verify=_trusting(root), timeout=10) as client:
        await _until_up(client, f"{https}/api/health")
        for console in ("temporal", "mail"):
            # *.localhost need not resolve here: the Host header and the TLS name say it.
            host = {"Host": f"{console}.localhost"}
            name = {"sni_hostname": f"{console}.localhost"}
            refused = await client.get(f"{https}/", headers=host, extensions=name)
            assert refused.status_code == 401, console
            assert refused.headers["WWW-Authenticate"].startswith("Basic")
            signed_in = await client.get(
                f"{https}/", headers=host, extensions=name, auth=("ops", OPS_PASSWORD)
            )
            assert signed_in.status_code == 502  # past the sign-in: no console runs here
