"""The wheel carries the shapes, the queries and the package data, and they load installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (path,) = out.glob("*.whl")
    return path


def test_wheel_contains_shapes_queries_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shapes = {p.name for p in (REPO / "shapes").glob("*.ttl")}
    queries = {p.name for p in (REPO / "queries").glob("*.rq")}
    assert shapes and queries
    assert {f"scholarkg/shapes/{n}" for n in shapes} <= names
    assert {f"scholarkg/queries/{n}" for n in queries} <= names
    assert "scholarkg/data/vocab.ttl" in names
    assert "scholarkg/data/arxiv_categories.tsv" in names


def test_installed_wheel_finds_its_shapes_and_queries(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "import scholarkg.resources as r, scholarkg.queries as q;"
        "assert r.shapes_dir().is_relative_to(r._PACKAGE_DIR);"
        "print(len(q.list_queries()), len(list(r.shapes_dir().glob('*.ttl'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(target), "PATH": ""}, check=False)
    assert result.returncode == 0, result.stderr
    n_queries, n_shapes = map(int, result.stdout.split())
    assert n_queries == len(list((REPO / "queries").glob("*.rq")))
    assert n_shapes == len(list((REPO / "shapes").glob("*.ttl")))


def test_wheel_carries_the_web_apps_templates_and_static_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    serve = REPO / "src" / "scholarkg" / "serve"
    files = [p.relative_to(serve.parent.parent).as_posix() for folder in ("templates", "static")
             for p in (serve / folder).iterdir()]
    assert any(f.endswith("person.html") for f in files) and any(f.endswith("search.js") for f in files)
    assert set(files) <= names
