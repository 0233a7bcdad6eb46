"""The documentation site builds with ``mkdocs build --strict``: a broken link or anchor, a page
missing from the nav, or an API reference entry whose object is gone fails the suite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")


def test_docs_build_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    reference = (tmp_path / "site" / "reference" / "index.html").read_text()
    # THEN the API reference holds the components' argument docstrings (as the schema does)
    assert "Name of the EKS cluster" in reference
    assert "merge_pod_template" in reference and "WidMocks" in reference


def test_a_broken_link_fails_the_build(tmp_path):
    # GIVEN a copy of the docs with one link to a page that does not exist
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\nSee [the missing page](missing.md).\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nstrict: true\nnav:\n  - index.md\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    # THEN strict mode refuses it
    assert result.returncode != 0 and "missing.md" in result.stdout + result.stderr
