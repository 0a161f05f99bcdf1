"""``scholarkg validate``: any graph against the bundled shapes, with a readable report."""

from __future__ import annotations

from rdflib import Graph, Namespace

from scholarkg.cli import cli

from conftest import TESTS

SH = Namespace("http://www.w3.org/ns/shacl#")
CASE = TESTS / "export_cases" / "two_pages"


def _export(runner, tmp_path):
    out = tmp_path / "g.trig"
    assert runner.invoke(cli, ["export", str(CASE), "-o", str(out), "--as-of", "2026-11-24"]).exit_code == 0
    return out


def test_an_export_conforms_and_exits_zero(runner, tmp_path):
    out = _export(runner, tmp_path)
    result = runner.invoke(cli, ["validate", str(out)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("Conforms:")


def test_a_broken_graph_is_reported_per_violation_and_exits_one(runner, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        "<https://example.org/p1> a schema:ScholarlyArticle ; schema:name \"A\", \"B\" .\n"
        "<https://example.org/x> a schema:Person .\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.ttl"
    result = runner.invoke(cli, ["validate", str(broken), "--report", str(report)])
    assert result.exit_code == 1
    assert result.stdout.startswith("Does not conform:")
    assert "https://example.org/p1: paper must have exactly one schema:name" in result.stdout
    assert "https://example.org/x:" in result.stdout
    graph = Graph().parse(report)
    assert (None, SH.conforms, None) in graph
    focus = {str(o) for o in graph.objects(None, SH.focusNode)}
    assert {"https://example.org/p1", "https://example.org/x"} <= focus


def test_unreadable_rdf_is_a_one_line_input_error(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {bad}: cannot read RDF")
    assert len(result.stderr.strip().splitlines()) == 1


def test_both_validators_print_the_same_report(runner, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix skg: <https://w3id.org/scholarkg/vocab#> .\n"
        "<https://example.org/p1> a schema:ScholarlyArticle ; schema:name \"A\", \"B\" ;\n"
        "  skg:authorship <https://example.org/a1>, <https://example.org/a2> .\n"
        "<https://example.org/a1> skg:position 1 .\n<https://example.org/a2> skg:position 1 .\n",
        encoding="utf-8",
    )
    fast = runner.invoke(cli, ["validate", str(broken)])
    reference = runner.invoke(cli, ["validate", str(broken), "--validator", "pyshacl"])
    assert fast.exit_code == reference.exit_code == 1
    assert "two authorships of this paper share position 1" in fast.stdout
    assert fast.stdout == reference.stdout


def test_an_unknown_validator_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path / "x.ttl"), "--validator", "jena"])
    assert result.exit_code == 2
