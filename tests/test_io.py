"""Atomic output: a failure never leaves a half-written file nor destroys the previous output."""

from __future__ import annotations

import pytest

from planlib._io import write_all_atomic, write_atomic
from planlib.errors import DataError


def test_successful_write_replaces(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    write_atomic(target, lambda p: p.write_text("new\n", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.csv"]


def test_failing_writer_keeps_previous_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def half_then_crash(path):
        path.write_text("ne", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, half_then_crash)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.csv"]


def test_set_of_outputs_is_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a-old", encoding="utf-8")
    b.write_text("b-old", encoding="utf-8")

    def boom(path):
        raise KeyboardInterrupt  # an interrupted run behaves like a failed one

    with pytest.raises(KeyboardInterrupt):
        write_all_atomic({a: lambda p: p.write_text("a-new", encoding="utf-8"), b: boom})
    assert a.read_text(encoding="utf-8") == "a-old"
    assert b.read_text(encoding="utf-8") == "b-old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_process_failure_keeps_previous_processed_output(repo_copy):
    from planlib.inputs.processing import process

    first = process()
    before = {p.name: p.read_bytes() for p in first.outputs}
    assert set(before) == {"observations.csv", "observations.meta.json", "plan_targets.csv", "districts.csv"}

    raw = repo_copy / "data" / "raw" / "chongqing_municipal_observations.csv"
    lines = raw.read_text(encoding="utf-8").splitlines(keepends=True)
    idx = next(i for i, line in enumerate(lines) if ",2022,70.67," in line)
    lines[idx] = lines[idx].replace(",70.67,", ",70.67.1,", 1)
    raw.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        process()
    assert f"第 {idx + 1} 行" in str(info.value) and "value" in str(info.value)
    after = {p.name: p.read_bytes() for p in (repo_copy / "data" / "processed").iterdir() if p.suffix != ".md"}
    assert after == before


def test_process_is_deterministic(repo_copy):
    from planlib.inputs.processing import process

    first = {p.name: p.read_bytes() for p in process().outputs}
    second = {p.name: p.read_bytes() for p in process().outputs}
    assert first == second
