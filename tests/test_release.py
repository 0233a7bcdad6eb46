"""The release check: the sdist and the wheel build, pass ``twine check --strict``, and carry
the metadata a package index shows (version from pulumi_wid.__version__, license, URLs,
dependencies), with the package's data and nothing else.

Builds a copy of the source tree (the build writes *.egg-info beside the sources) with
``--no-isolation``: the dev extra installs setuptools, build and twine, so nothing is
downloaded and the check takes a few seconds.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import pulumi_wid

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "site", "*.egg-info", "__pycache__",
                              ".pytest_cache", ".ruff_cache", ".hypothesis", "node_modules")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("release") / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    out = source / "dist"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out)],
                   cwd=source, check=True, capture_output=True, text=True)
    return out


def _one(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_twine_check_passes(dist):
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_the_artifacts_are_named_by_the_one_version(dist):
    version = pulumi_wid.__version__
    assert sorted(p.name for p in dist.iterdir()) == [
        f"pulumi_wid-{version}-py3-none-any.whl",
        f"pulumi_wid-{version}.tar.gz",
    ]


def test_pyproject_reads_the_version_from_the_package():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pulumi_wid.__version__"}


def test_wheel_metadata(dist):
    wheel = _one(dist, "*.whl")
    with zipfile.ZipFile(wheel) as archive:
        meta = email.message_from_bytes(archive.read(f"pulumi_wid-{pulumi_wid.__version__}.dist-info/METADATA"))
        names = archive.namelist()
        entry_points = archive.read(f"pulumi_wid-{pulumi_wid.__version__}.dist-info/entry_points.txt").decode()
    assert meta["Name"] == "pulumi-wid"
    assert meta["Version"] == pulumi_wid.__version__
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["License-File"] == "LICENSE"
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["Description-Content-Type"] == "text/markdown"
    requires = meta.get_all("Requires-Dist")
    assert "pulumi<4,>=3.237.0" in requires
    assert any(r.startswith("pulumi-aws") and 'extra == "aws"' in r for r in requires)
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Programming Language :: Python :: 3.10" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # the license expression says it (PEP 639)
    assert "pulumi-wid = pulumi_wid.cli:main" in entry_points
    # THEN the wheel holds the package, its typing marker and data, and no tests or docs
    assert "pulumi_wid/py.typed" in names
    assert "pulumi_wid/verify/model.py" in names
    assert f"pulumi_wid-{pulumi_wid.__version__}.dist-info/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "examples/", "benchmarks/"))]
    shipped_json = sorted(n for n in names if n.endswith(".json"))
    in_tree = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pulumi_wid").rglob("*.json"))
    assert shipped_json == in_tree


def test_sdist_holds_the_license_and_readme(dist):
    sdist = _one(dist, "*.tar.gz")
    prefix = f"pulumi_wid-{pulumi_wid.__version__}/"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    for name in ("LICENSE", "README.md", "pyproject.toml", "pulumi_wid/__init__.py", "pulumi_wid/py.typed"):
        assert prefix + name in names, name


@pytest.mark.parametrize("example,extra", [("aws-eks", "aws"), ("azure-aks", "azure"), ("gcp-gke", "gcp")])
def test_examples_install_the_checkout_with_the_package_ranges(example, extra):
    # GIVEN an example's requirements.txt (pip runs it in the example's folder)
    lines = [line for line in (ROOT / "examples" / example / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    # THEN pulumi-wid comes from this checkout, with the cloud's extra, and pulumi has the package's range
    assert lines[0] == f"../..[{extra}]"
    assert (ROOT / "examples" / example / "../../pyproject.toml").resolve() == ROOT / "pyproject.toml"
    pulumi_range = next(d for d in _project()["dependencies"] if d.startswith("pulumi>"))
    assert pulumi_range in lines
    assert not any(line.startswith("pulumi-wid") for line in lines)  # not on PyPI yet: it could not install


def _project() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_changelog_keeps_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog\n")
    assert "https://keepachangelog.com/en/1.1.0/" in text and "https://semver.org/spec/v2.0.0.html" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## [Unreleased]"
