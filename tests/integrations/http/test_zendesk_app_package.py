"""The Zendesk app package (integrations/zendesk_app) as Zendesk reads it: the manifest, its
settings and their labels, the iframe page and its assets, the vendored ZAF SDK (fast, no server).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from integrations.cli import cli
from integrations.zendesk_app.package import build

APP = Path(__file__).resolve().parents[3] / "integrations" / "zendesk_app"
ASSETS = APP / "assets"  # the app's own files (the SDK, the logos)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as ``kbassist zendesk-app DEST`` writes it."""
    dest = tmp_path_factory.mktemp("zendesk") / "app"
    result = CliRunner().invoke(cli, ["zendesk-app", str(dest), "--zip"])
    assert result.exit_code == 0, result.output
    return dest


def manifest() -> dict[str, Any]:
    found: dict[str, Any] = json.loads((APP / "manifest.json").read_text(encoding="utf-8"))
    return found


def test_the_app_is_a_private_ticket_sidebar_app_whose_page_is_in_the_package(
    package: Path,
) -> None:
    m = manifest()
    assert m["frameworkVersion"] == "2.0" and m["private"] is True
    assert {"name", "email", "url"} <= set(m["author"])
    location = m["location"]["support"]["ticket_sidebar"]
    assert location["url"] == "assets/iframe.html"
    assert (package / location["url"]).is_file()
    for logo in ("logo.png", "logo-small.png"):
        assert (package / "assets" / logo).read_bytes().startswith(b"\x89PNG"), logo
    with zipfile.ZipFile(f"{package}.zip") as archive:
        assert {"manifest.json", "assets/iframe.html", "translations/en.json"} <= set(
            archive.namelist()
        )


def test_the_kbassist_url_and_a_secure_api_key_are_the_settings() -> None:
    settings = {p["name"]: p for p in manifest()["parameters"]}
    assert set(settings) == {"kbassist_url", "api_key"}
    assert settings["kbassist_url"]["type"] == "url"
    assert not settings["kbassist_url"].get("secure")  # the page reads it from metadata()
    assert settings["api_key"]["secure"] is True  # only Zendesk's proxy ever sees it
    hosts = manifest()["domainWhitelist"]  # the secure key is sent to these hosts only
    assert hosts and all(re.fullmatch(r"[a-z0-9.-]+", h) for h in hosts), hosts


def test_every_setting_has_a_label_and_help_text() -> None:
    text = json.loads((APP / "translations" / "en.json").read_text(encoding="utf-8"))["app"]
    assert text["name"] == manifest()["name"]
    assert text["short_description"] and text["installation_instructions"]
    for parameter in manifest()["parameters"]:
        labels = text["parameters"][parameter["name"]]
        assert labels["label"].strip() and labels["helpText"].strip(), parameter["name"]


def test_the_app_carries_the_sidebar_as_it_is(package: Path) -> None:
    static = APP.parent / "http" / "static"
    for name in ("sidebar.js", "host.js", "markdown.js", "sidebar.css"):
        assert (package / "assets" / name).read_bytes() == (static / name).read_bytes(), name
    assert not (APP / "assets" / "sidebar.js").exists()  # built, never kept twice


def test_a_package_is_not_written_over_another(package: Path) -> None:
    result = CliRunner().invoke(cli, ["zendesk-app", str(package)])
    assert result.exit_code == 2 and "is not empty" in result.output


def test_the_page_loads_only_its_own_files_sdk_first_and_may_call_nothing(package: Path) -> None:
    page = (package / "assets" / "iframe.html").read_text(encoding="utf-8")
    loaded = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
    assert loaded == ["sidebar.css", "markdown.js", "zaf_sdk.js", "host.js", "sidebar.js"]
    assets = package / "assets"
    assert all((assets / name).is_file() for name in loaded)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "connect-src 'none'" in csp.group(1) and "default-src 'none'" in csp.group(1)
    for path in sorted(assets.iterdir()):
        if path.suffix in (".html", ".js", ".css"):
            code = re.sub(
                r"/\*.*?\*/|^\s*//.*$", "", path.read_text(encoding="utf-8"), flags=re.S | re.M
            )
            assert not re.findall(r"https?://|\bsrc=\"//|@import|\burl\(", code), path.name


def test_the_zaf_sdk_is_the_npm_package_with_its_version_and_licence() -> None:
    sdk = (ASSETS / "zaf_sdk.js").read_text(encoding="utf-8")
    assert sdk.startswith("/*! zendesk_app_framework_sdk 2.0.11, from the npm registry")
    assert "var ZAFClient = (() => {" in sdk and "iframe.handshake" in sdk
    assert (
        (ASSETS / "zaf_sdk.LICENSE")
        .read_text(encoding="utf-8")
        .lstrip()
        .startswith("Apache License")
    )


ZCLI_ENV = ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN")


@pytest.mark.slow
@pytest.mark.skipif(
    not all(os.environ.get(name) for name in ZCLI_ENV) or shutil.which("npx") is None,
    reason="zcli apps:validate uploads the package to Zendesk (POST /api/v2/apps/validate): "
    "it needs npx, the network and ZENDESK_SUBDOMAIN, ZENDESK_EMAIL, ZENDESK_API_TOKEN",
)
def test_zendesk_validates_the_package(tmp_path: Path) -> None:
    app = build(tmp_path / "zendesk_app")  # zcli writes tmp/ into the app folder
    done = subprocess.run(
        ["npx", "--yes", "@zendesk/zcli@1.0.1", "apps:validate", str(app)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No validation errors" in done.stdout
