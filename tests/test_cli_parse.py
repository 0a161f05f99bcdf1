"""``scholarkg parse``: JSON Lines output, readable summary, bad input, exit statuses."""

from __future__ import annotations

import json
import shutil

from scholarkg.cli import cli

from conftest import CASES


def _copy_case(name, dest, filename=None):
    target = dest / (filename or f"{name}.txt")
    shutil.copy(CASES / name / "page.txt", target)
    return target


def test_json_lines_one_object_per_file_with_documented_fields(runner, tmp_path):
    _copy_case("spaced_tricky_names", tmp_path, "a.txt")
    _copy_case("compact_headerless_acronyms", tmp_path, "b.txt")
    result = runner.invoke(cli, ["parse", str(tmp_path), "--json", "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["file"].endswith("a.txt") and second["file"].endswith("b.txt")
    assert set(first) == {"file", "profile", "papers", "problems"}
    assert set(first["papers"][0]) == {
        "score", "category", "date", "year_given", "has_code", "title", "authors", "et_al",
        "affiliations", "abstract", "line",
    }
    assert second["profile"] is None
    assert second["papers"][0]["title"] == "Serving LLMs"


def test_file_path_is_reported_as_given(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _copy_case("spaced_tricky_names", tmp_path, "page.txt")
    result = runner.invoke(cli, ["parse", "page.txt", "--json", "--as-of", "2026-11-24"])
    assert json.loads(result.stdout)["file"] == "page.txt"


def test_summary_shows_profile_entries_and_inferred_years(runner, tmp_path):
    page = _copy_case("spaced_tricky_names", tmp_path)
    result = runner.invoke(cli, ["parse", str(page), "--as-of", "2026-11-24"])
    assert result.exit_code == 0
    assert "Émile Durand-Noël [LG] — h-index 12, 214 papers, 12,480 citations" in result.stdout
    assert "4 entries read, 0 problems" in result.stdout
    assert "2026-10-02*" in result.stdout
    assert "year inferred" in result.stdout


def test_binary_file_is_refused_but_other_files_are_still_parsed(runner, tmp_path):
    _copy_case("binary_file", tmp_path, "a_binary.txt")
    _copy_case("spaced_tricky_names", tmp_path, "b_good.txt")
    result = runner.invoke(cli, ["parse", str(tmp_path), "--json", "--as-of", "2026-11-24"])
    assert result.exit_code == 1
    assert "a_binary.txt: not a text file" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stdout.strip().splitlines()) == 1
    assert json.loads(result.stdout)["file"].endswith("b_good.txt")


def test_not_utf8_names_file_and_line(runner, tmp_path):
    page = _copy_case("latin1_file", tmp_path)
    result = runner.invoke(cli, ["parse", str(page), "--as-of", "2026-11-24"])
    assert result.exit_code == 3  # nothing could be read
    assert result.stderr.strip() == f"Error: {page}:2: not valid UTF-8 (byte 0xe9); save the page as UTF-8"


def test_bad_entries_are_warnings_with_lines_and_exit_one(runner, tmp_path):
    page = _copy_case("bad_entries_go_on", tmp_path)
    result = runner.invoke(cli, ["parse", str(page), "--json", "--as-of", "2026-11-24"])
    assert result.exit_code == 1
    assert f"Warning: {page}:12: date 'Feb 30' does not exist" in result.stderr
    assert f"Warning: {page}:16: entry cut off before its authors" in result.stderr
    record = json.loads(result.stdout)
    assert [p["title"] for p in record["papers"]] == ["Leap Day Consensus"]


def test_empty_file_gets_a_message_not_a_crash(runner, tmp_path):
    page = _copy_case("empty_file", tmp_path)
    result = runner.invoke(cli, ["parse", str(page), "--as-of", "2026-11-24"])
    assert result.exit_code == 1
    assert "empty page" in result.stderr
    assert "Traceback" not in result.output


def test_missing_path_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.txt'}: no such file or directory"


def test_bad_as_of_is_a_usage_error(runner, tmp_path):
    page = _copy_case("spaced_tricky_names", tmp_path)
    result = runner.invoke(cli, ["parse", str(page), "--as-of", "24/11/2026"])
    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_year_less_dates_follow_the_as_of_date(runner, tmp_path):
    page = _copy_case("spaced_tricky_names", tmp_path)
    early = runner.invoke(cli, ["parse", str(page), "--json", "--as-of", "2026-10-01"])
    dates = [p["date"] for p in json.loads(early.stdout)["papers"]]
    assert dates[1] == "2025-10-02"  # Oct 2 is after Oct 1, 2026: the year before
    assert dates[3] == "2025-11-24"


def test_explain_shows_each_glued_line_its_candidates_evidence_and_the_one_taken(runner, tmp_path):
    page = _copy_case("compact_headerless_acronyms", tmp_path)
    result = runner.invoke(cli, ["parse", "--explain", str(page), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"{page}:5: Fine-Tuning with LoRAÉmile Durand-Noël, Kenji Sato" in out
    block = out.split(f"{page}:5:")[1].split(f"{page}:8:")[0]
    taken = [line for line in block.splitlines() if line.startswith("  * ")]
    assert taken == ["  * -1.5  'Fine-Tuning with LoRA' | Émile Durand-Noël, Kenji Sato"]
    assert "refused: inside a hyphenated word" in block
    assert "refused: inside a run of capitals" in block
    assert "1 inner capital(s) left in the title" in block
    assert f"Warning: {page}:2: uncertain title/author split" in result.stderr


def test_explain_names_run_evidence_when_pages_share_a_paper(runner, tmp_path):
    (tmp_path / "a.txt").write_text("LGMar 3, 2024\nAdvanced Solution VoteTen\n\nKyra de Reede\n\nA.\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("LGMar 3, 2024\nAdvanced Solution VoteTenKyra de Reede\nA.\n",
                                    encoding="utf-8")
    result = runner.invoke(cli, ["parse", "--explain", str(tmp_path), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.stderr
    assert f"{tmp_path / 'a.txt'}: no glued title+author lines" in result.stdout
    taken = [line for line in result.stdout.splitlines() if line.startswith("  * ")]
    assert taken == ["  * +67.0  'Advanced Solution VoteTen' | Kyra de Reede"]
    assert "+50 same title printed on a spaced page" in result.stdout
    assert "+12 full name 'Kyra de Reede' printed unambiguously" in result.stdout
