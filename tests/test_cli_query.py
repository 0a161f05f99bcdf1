"""``scholarkg queries``, ``query`` and ``load`` as a user runs them."""

from __future__ import annotations

import json
import socket

import pytest

from scholarkg.cli import cli
from scholarkg.export import ExportOptions, export
from scholarkg.queries import list_queries

from conftest import AS_OF, EXAMPLES
from oxigraph_server import running_oxigraph

AUTHOR = "Sven Schmidt-Abara"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph")
    export([EXAMPLES], output=out / "g.trig", options=ExportOptions(as_of=AS_OF), store_dir=out / "store")
    export([EXAMPLES], output=out / "g.ttl", options=ExportOptions(as_of=AS_OF))
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_queries_lists_every_bundled_query_with_parameters(runner):
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0
    for query in list_queries():
        assert query.name in result.stdout
    assert "author (string, required)" in result.stdout


def test_queries_show_prints_header_and_sparql(runner):
    result = runner.invoke(cli, ["queries", "show", "coauthors"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# title: Coauthors of an author")
    assert "SELECT" in result.stdout


def test_query_table_on_data_file(runner, graph):
    result = runner.invoke(cli, ["query", "coauthors", "--data", str(graph / "g.ttl"),
                                 "--param", f"author={AUTHOR.lower()}", "--param", "limit=2"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["coauthor", "jointPapers"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:2] == ["Wen", "McKenzie"]
    assert lines[-1] == "(2 rows)"


def test_query_json_and_csv_are_sparql_results_formats(runner, graph):
    args = ["query", "coauthors", "--store", str(graph / "store"), "--param", f"author={AUTHOR}"]
    as_json = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert as_json["head"]["vars"] == ["coauthor", "jointPapers"]
    first = as_json["results"]["bindings"][0]
    assert first["coauthor"] == {"type": "literal", "value": "Wen McKenzie"}
    as_csv = runner.invoke(cli, [*args, "--format", "csv"]).stdout_bytes  # .stdout folds CRLF
    assert as_csv.startswith(b"coauthor,jointPapers\r\nWen McKenzie,6\r\n")


@pytest.mark.parametrize("value", ["'; DROP GRAPH <urn:x> ;", '"} UNION {', 'x" . } #', "{}"])
def test_hostile_parameter_values_find_nothing_and_exit_zero(runner, graph, value):
    result = runner.invoke(cli, ["query", "coauthors", "--data", str(graph / "g.ttl"),
                                 "--param", f"author={value}"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("(0 rows)")


def test_missing_parameter_is_refused_with_the_parameter_list(runner, graph):
    result = runner.invoke(cli, ["query", "coauthors", "--data", str(graph / "g.ttl")])
    assert result.exit_code == 2
    assert "author (string, required)" in result.stderr
    assert "limit (integer, default 20)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_parameter_and_unknown_query_are_refused(runner, graph):
    bad_param = runner.invoke(cli, ["query", "coauthors", "--data", str(graph / "g.ttl"),
                                    "--param", f"author={AUTHOR}", "--param", "colour=red"])
    assert bad_param.exit_code == 2 and "colour" in bad_param.stderr
    unknown = runner.invoke(cli, ["query", "nope", "--data", str(graph / "g.ttl")])
    assert unknown.exit_code == 2 and "coauthors" in unknown.stderr


def test_query_needs_exactly_one_source(runner, graph):
    none = runner.invoke(cli, ["query", "recent-papers"])
    both = runner.invoke(cli, ["query", "recent-papers", "--data", str(graph / "g.ttl"),
                               "--store", str(graph / "store")])
    for result in (none, both):
        assert result.exit_code == 2
        assert "exactly one of --data FILE, --store DIR or --endpoint URL" in result.stderr


def test_own_query_file_runs(runner, graph, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://schema.org/ScholarlyArticle> }")
    result = runner.invoke(cli, ["query", "--file", str(rq), "--data", str(graph / "g.ttl"),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"n\r\n29\r\n"


def test_bad_data_file_names_file_and_position(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b .\n")
    result = runner.invoke(cli, ["query", "recent-papers", "--data", str(bad)])
    assert result.exit_code == 3
    assert str(bad) in result.stderr and "Traceback" not in result.output


def test_endpoint_down_is_a_one_line_error_with_exit_four(runner):
    url = f"http://127.0.0.1:{_free_port()}/query"
    result = runner.invoke(cli, ["query", "recent-papers", "--endpoint", url, "--timeout", "2"])
    assert result.exit_code == 4
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_load_to_a_down_store_is_a_one_line_error_with_exit_four(runner, graph):
    url = f"http://127.0.0.1:{_free_port()}/store"
    result = runner.invoke(cli, ["load", str(graph / "g.trig"), "--endpoint", url,
                                 "--retries", "0", "--timeout", "2"])
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1


def test_load_password_variable_must_exist(runner, graph):
    result = runner.invoke(cli, ["load", str(graph / "g.trig"), "--endpoint", "http://127.0.0.1:9/store",
                                 "--user", "u", "--password-env", "SCHOLARKG_NO_SUCH_VAR"])
    assert result.exit_code == 2
    assert "SCHOLARKG_NO_SUCH_VAR" in result.stderr


@pytest.mark.server
def test_load_then_query_the_server_and_reload_is_idempotent(runner, graph, tmp_path):
    with running_oxigraph(tmp_path / "server", union_default_graph=False) as server:
        first = runner.invoke(cli, ["load", str(graph / "g.trig"), "--endpoint", server.store_url])
        assert first.exit_code == 0, first.stderr
        count = server.triple_count()
        assert count > 2000
        again = runner.invoke(cli, ["load", str(graph / "g.trig"), "--endpoint", server.store_url])
        assert again.exit_code == 0
        assert server.triple_count() == count
        assert "Loaded" in again.stderr
