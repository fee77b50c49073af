"""A real OpenID Connect provider for the tests (panva's oidc-provider, run by node from
`oidc_provider.mjs`), and the fixtures that point the app at it.

`oidc_provider`: a provider whose client's redirect URI is the test client's
(`http://testserver/oidc/callback/`), with single sign-on switched on in the settings.
`live_oidc_provider`: the same for the live server, for the browser tests. Each is started
once per test process, on a free port on 127.0.0.1, and stopped at the end; its accounts are
reset for every test. Without node (or without `npm ci`) the tests skip saying so; in CI
(UCP_REQUIRE_POSTGRES=1) they fail instead, like every other test that needs a service.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from sso.config import forget_discovery

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "ucp-tests"
CLIENT_SECRET = "tests-only-client-secret-0123456789"  # noqa: S105
PROVIDER_NAME = "Council Test ID"
STARTUP_SECONDS = 20


def _missing(message: str) -> None:
    """Skip, saying what is missing (node, or node_modules/oidc-provider), on a developer's
    machine without them; in CI the same message fails the run, so these tests never skip
    there."""
    if os.environ.get("UCP_REQUIRE_POSTGRES") == "1":  # CI: a missing provider is a failure
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class LocalProvider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen
    accounts: dict = field(default_factory=dict)

    def add_account(self, login: str, *, password: str, groups: list[str], **claims) -> None:
        """Someone who can sign in at the provider, with these groups in their tokens."""
        self.accounts[login] = {
            "password": password,
            "claims": {
                "email": f"{login}@council.example",
                "given_name": login.title(),
                "family_name": "Staff",
                "preferred_username": f"{login}@council.example",
                "groups": groups,
                **claims,
            },
        }
        self._write()

    def set_groups(self, login: str, groups: list[str]) -> None:
        self.accounts[login]["claims"]["groups"] = groups
        self._write()

    def reset(self) -> None:
        self.accounts = {}
        self._write()

    def _write(self) -> None:
        tmp = self.accounts_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.accounts))
        tmp.replace(self.accounts_file)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_provider(folder: Path, base_url: str) -> LocalProvider:
    node = shutil.which("node")
    if node is None:
        _missing("node is missing: the single sign-on tests run a local OpenID Connect "
                 "provider with it (apt-get install nodejs)")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        _missing("node_modules/oidc-provider is missing: run `npm ci` (or `make assets`)")
    folder.mkdir(parents=True, exist_ok=True)
    accounts_file = folder / "accounts.json"
    accounts_file.write_text("{}")
    base = base_url.rstrip("/")
    config = folder / "config.json"
    config.write_text(json.dumps({
        "accounts_file": str(accounts_file),
        "clients": [{
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{base}/oidc/callback/"],
            "post_logout_redirect_uris": [f"{base}/sign-in/"],
        }],
    }))
    process = subprocess.Popen(
        [node, str(SCRIPT), str(config)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(STARTUP_SECONDS)
    line = first[0] if first else ""
    if not line.startswith("listening "):
        process.kill()
        raise RuntimeError(f"the OpenID Connect provider did not start: {line!r} "
                           f"{process.stderr.read()[-2000:]}")
    issuer = line.split()[1]
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the OpenID Connect provider's discovery document never answered")
        time.sleep(0.1)
    # Its stderr (oidc-provider's development warnings) must not fill the pipe and block it.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return LocalProvider(issuer=issuer, accounts_file=accounts_file, process=process)


@pytest.fixture(scope="session")
def oidc_providers(tmp_path_factory) -> Iterator[Callable[[str], LocalProvider]]:
    """`oidc_providers(base_url)`: the provider whose client redirects to `base_url`."""
    started: dict[str, LocalProvider] = {}

    def get(base_url: str) -> LocalProvider:
        if base_url not in started:
            folder = tmp_path_factory.mktemp("oidc-provider")
            started[base_url] = start_provider(folder, base_url)
        return started[base_url]

    yield get
    for provider in started.values():
        provider.stop()


def _switch_on(settings, provider: LocalProvider) -> None:
    """Single sign-on as a council configures it, from the issuer's discovery document."""
    forget_discovery()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.issuer
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS", "LOGOUT"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", "")
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_SUBJECT_CLAIM = "sub"
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.BREAK_GLASS_ACCOUNTS = ["breakglass"]


@pytest.fixture
def oidc_provider(oidc_providers, settings) -> Iterator[LocalProvider]:
    provider = oidc_providers("http://testserver")
    provider.reset()
    _switch_on(settings, provider)
    yield provider
    forget_discovery()


@pytest.fixture
def live_oidc_provider(oidc_providers, live_server, settings) -> Iterator[LocalProvider]:
    provider = oidc_providers(live_server.url)
    provider.reset()
    _switch_on(settings, provider)
    yield provider
    forget_discovery()


def sign_in_at_provider(client, login: str, password: str, *, next_url: str = ""):
    """The whole round trip for Django's test client: the app's redirect to the provider,
    the provider's own sign-in page (a real HTTP session), and the callback back in the app,
    which exchanges the code at the provider's token endpoint. Returns the callback's
    response."""
    start = "/oidc/authenticate/" + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response
    url = response["Location"]
    browser = requests.Session()
    for _ in range(10):
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code in (301, 302, 303):
            url = urljoin(url, answer.headers["Location"])
        elif "<form" in answer.text and 'name="login"' in answer.text:
            answer = browser.post(
                url, data={"login": login, "password": password}, allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code in (302, 303), answer.text[:500]
            url = urljoin(url, answer.headers["Location"])
        else:
            raise AssertionError(f"unexpected page at the provider: {answer.text[:500]}")
        if url.startswith("http://testserver/"):
            parts = urlsplit(url)
            return client.get(f"{parts.path}?{parts.query}")
    raise AssertionError("the provider never sent the browser back")
