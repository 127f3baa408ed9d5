"""The package is named for what it is: installed, everything is under one
top-level name, ``frontdesk`` (no generic ``tui`` or ``widgets`` in
site-packages), and every source file and style is in the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' staging: a file removed since stays there
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=300)
    return next(out.glob("frontdesk-*.whl"))


def test_the_installed_package_has_one_top_level_name(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    names = {p.name for p in site.iterdir() if not p.name.endswith(".dist-info") and p.name != "bin"}
    assert names == {"frontdesk"}
    top_level = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in top_level if ".dist-info/" not in name} == {"frontdesk"}


def test_every_source_file_and_style_is_in_the_wheel(wheel):
    inside = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"frontdesk/{p.relative_to(ROOT / 'tui')}" for p in (ROOT / "tui").rglob("*.py")}
    wanted |= {f"frontdesk/widgets/{p.relative_to(ROOT / 'widgets')}" for p in (ROOT / "widgets").rglob("*.py")}
    wanted |= {f"frontdesk/_styles/{p.name}" for p in (ROOT / "styles").glob("*.tcss")}
    assert wanted - inside == set()
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in inside)
