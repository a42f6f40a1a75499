"""Builds never lose work: one build at a time, all-or-nothing reports, interrupted and killed builds.

Every test uses a throwaway copy of the project (real data and notebooks); builds are real offline builds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planlib._io import previous_dir, recover_dir, replace_dir
from planlib._lock import LockedError, run_lock
from planlib.publish import build as B
from tests.conftest import make_project

PLANLIB = Path(sys.executable).with_name("planlib")
TWO = [{"id": "annual-2022", "notebook": "notebooks/annual.ipynb"},
       {"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}]  # fmt: skip


def _site_bytes(root: Path) -> dict[str, bytes]:
    site = root / "reports" / "_site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _edit_data(root: Path) -> None:
    """A data edit every report sees (a new, valid row), so the next build must redo them."""
    raw = root / "data" / "raw" / "chongqing_municipal_observations.csv"
    raw.write_text(raw.read_text(encoding="utf-8") + "地区生产总值,2019,23605.77,亿元,annual,测试来源(合成数据;仅供测试),"
                   "https://example.org/t,low,synthetic test row\n", encoding="utf-8")  # fmt: skip


def _hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the build lock, as a concurrent `planlib build` would."""
    code = ("import sys, time; from pathlib import Path; from planlib._lock import run_lock\n"
            "with run_lock(Path(sys.argv[1]), '报告构建'):\n"
            "    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
            "Path(sys.argv[1] + '.released').write_text('x')\n")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code, str(B.lock_path(root)), str(seconds)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout.readline().strip() == "held"
    return proc


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_build(root: Path, *args: str, session: bool = False) -> tuple[subprocess.Popen, list[int]]:
    """`planlib build` in a subprocess, returned once two notebook kernels are running (mid-build).

    ``session``: in a session of its own with SIGINT at its default (as a terminal runs it), so that a
    signal can be sent to its whole process group, as Ctrl-C and a hang-up are."""
    env = dict(os.environ, PLANLIB_ROOT=str(root))
    reset = (lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if session else None
    proc = subprocess.Popen([str(PLANLIB), "build", "--quiet", "--engine", "offline", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=session, preexec_fn=reset)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kids = _descendants(proc.pid)
        kernels = [k for k in kids if b"ipykernel" in Path(f"/proc/{k}/cmdline").read_bytes()] if kids else []
        if len(kernels) >= (2 if "--jobs" in args and "2" in args else 1):
            return proc, kids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError("the build never started a kernel")


def _wait_gone(pids: list[int], seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if _alive(p)]
        if not alive:
            return []
        time.sleep(0.2)
    return alive


@pytest.fixture(scope="session")
def built_template(tmp_path_factory):
    """Two reports built once; each test gets its own copy (the build state does not depend on the path)."""
    with pytest.MonkeyPatch.context() as mp:  # undone even when the build fails
        root = make_project(tmp_path_factory.mktemp("template"), mp, TWO)
        assert sorted(B.build(progress=False, jobs=2).built) == ["annual-2022", "annual-2023"]
    return root


@pytest.fixture
def project(built_template, tmp_path, monkeypatch):
    """A project with two reports already built."""
    root = tmp_path / "proj"
    shutil.copytree(built_template, root)
    monkeypatch.setenv("PLANLIB_ROOT", str(root))
    return root


# ------------------------------------------------------------------ one build at a time


def test_a_second_build_refuses_and_names_the_holder(project, capsys):
    from planlib.cli import main

    holder = _hold_lock(project, 30)
    try:
        info = json.loads(Path(str(B.lock_path(project)) + ".json").read_text(encoding="utf-8"))
        before = _site_bytes(project)
        assert main(["build", "--quiet", "--engine", "offline"]) == 1
        expected = (f"另一个报告构建正在进行:进程 {holder.pid}(主机 {socket.gethostname()},开始于 {info['started']},"
                    f"命令“-c {B.lock_path(project)} 30”);请等它结束后再运行,或加 --wait 等待其结束。\n")
        assert capsys.readouterr().err == expected
        assert _site_bytes(project) == before
    finally:
        holder.kill()
        holder.wait()


def test_wait_lets_the_holder_finish_first(project):
    holder = _hold_lock(project, 2)
    result = B.build(progress=False, wait=60)
    released = Path(str(B.lock_path(project)) + ".released")
    assert released.is_file()  # the build ran only after the holder let go
    assert result.ok and result.unchanged == ["annual-2022", "annual-2023"]
    holder.wait()
    with pytest.raises(LockedError), run_lock(B.lock_path(project), "报告构建"):
        B.build(progress=False)  # held by ourselves in this block: refused, not deadlocked


def test_two_real_builds_at_once_never_lose_the_site(project):
    _edit_data(project)
    env = dict(os.environ, PLANLIB_ROOT=str(project))
    cmd = [str(PLANLIB), "build", "--quiet", "--engine", "offline", "--jobs", "1"]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _out2, err2 = second.communicate(timeout=300)
    out1, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 1
    assert err2.startswith(f"另一个报告构建正在进行:进程 {first.pid}(") and err2.endswith("或加 --wait 等待其结束。\n")
    site = project / "reports" / "_site"
    for rid in ("annual-2022", "annual-2023"):
        assert (site / f"{rid}.html").is_file() and (site / f"{rid}.pdf").is_file()
    assert "生成 2 份" in out1


# ------------------------------------------------------------------ killed and interrupted builds


def test_killed_build_keeps_the_site_kills_its_workers_and_is_cleaned_up_next_time(project):
    _edit_data(project)
    before = _site_bytes(project)
    proc, kids = _start_build(project, "--jobs", "2")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _wait_gone(kids) == [], "workers or kernels outlived the killed build"
    assert _site_bytes(project) == before  # never a half-built site
    leftovers = sorted(p.name for p in (project / "reports").iterdir())
    assert ".site-staging" in leftovers and "_build" in leftovers and ".planlib-build.lock.json" in leftovers
    result = B.build(progress=False, jobs=2)
    assert result.ok and sorted(result.built) == ["annual-2022", "annual-2023"]
    assert result.notices[0].startswith(f"上次构建(进程 {proc.pid}(主机 ") and result.notices[0].endswith("未正常结束")
    assert result.notices[1:] == ["删除了残留的 .site-staging", "删除了残留的 _build"]
    assert sorted(p.name for p in (project / "reports").iterdir()) == [".planlib-build.lock", "_site", "manifest.yaml"]


@pytest.mark.parametrize(("sig", "jobs"), [(signal.SIGINT, "2"), (signal.SIGTERM, "1")])
def test_interrupted_build_stops_in_order(project, sig, jobs):
    _edit_data(project)
    before = _site_bytes(project)
    proc, kids = _start_build(project, "--jobs", jobs)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == "\n已中断,上一版报告保持不变。\n"  # no traceback, no kernel chatter
    assert _wait_gone(kids) == []
    assert _site_bytes(project) == before
    assert sorted(p.name for p in (project / "reports").iterdir()) == [".planlib-build.lock", "_site", "manifest.yaml"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP])
def test_ctrl_c_or_a_hang_up_at_the_terminal_is_quiet(project, sig):
    """A terminal signals the whole process group: the build, its workers and multiprocessing's helpers."""
    _edit_data(project)
    before = _site_bytes(project)
    proc, kids = _start_build(project, "--jobs", "2", session=True)
    os.killpg(proc.pid, sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err == "\n已中断,上一版报告保持不变。\n"  # no traceback from any process
    assert _wait_gone(kids) == [] and _site_bytes(project) == before


def test_a_swap_cut_in_half_is_undone_before_anything_else(project):
    site = project / "reports" / "_site"
    before = _site_bytes(project)
    site.rename(previous_dir(site))  # what a build killed between the two renames of the fallback leaves
    result = B.build(progress=False)
    assert result.notices == [f"恢复了 {site}"] and result.unchanged == ["annual-2022", "annual-2023"]
    assert _site_bytes(project) == before


# ------------------------------------------------------------------ one report is all or nothing


def test_a_report_failing_in_its_last_stage_keeps_every_previous_file(project, monkeypatch):
    from planlib.publish import offline

    before = _site_bytes(project)
    _edit_data(project)

    def broken_pdf(*args, **kwargs):
        raise RuntimeError("合成故障:PDF 排版失败(测试)")

    monkeypatch.setattr(offline, "render_pdf", broken_pdf)
    result = B.build(progress=False, only=["annual-2023"])
    assert result.failed == {"annual-2023": "报告 annual-2023:排版失败:RuntimeError: 合成故障:PDF 排版失败(测试)"}
    after = _site_bytes(project)
    # the monitoring pages follow the edited data (and the build record their digest): not the report's files
    site_pages = ("indicators/", "districts/", "data/", "pagefind/", "search.html", ".planlib-build.json")
    changed = sorted(k for k in before if after.get(k) != before[k] and not k.startswith(site_pages))
    assert changed == ["index.html"]  # HTML, PDF, figures and tables of the report as they were
    index = after["index.html"].decode()
    assert "<td>本次生成失败,显示的是上一版</td>" in index
    assert "<td>网页版、PDF、Word 版为旧版(未随数据或代码更新)</td>" in index  # annual-2022 was not rebuilt


def test_a_first_build_that_fails_says_there_is_no_version(tmp_path, monkeypatch):
    from planlib.publish import offline

    root = make_project(tmp_path, monkeypatch, TWO[:1])
    monkeypatch.setattr(offline, "render_html", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("合成故障")))
    result = B.build(progress=False)
    assert list(result.failed) == ["annual-2022"]
    site = root / "reports" / "_site"
    assert sorted(p.name for p in site.iterdir()) == [".planlib-build.json", "fonts", "index.html"]  # no report
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<td>生成失败,尚无可用版本</td>" in index and "kept" not in index and "保留上一版" not in index


def test_html_only_leaves_the_pdf_alone_and_says_it_is_older(project):
    before = _site_bytes(project)
    _edit_data(project)
    result = B.build(progress=False, only=["annual-2022"], formats=("html",))
    assert result.built == ["annual-2022"]
    after = _site_bytes(project)
    assert after["annual-2022.pdf"] == before["annual-2022.pdf"]
    assert after["annual-2022.docx"] == before["annual-2022.docx"]
    assert "<td>PDF、Word 版为旧版(未随数据或代码更新)</td>" in after["index.html"].decode()
    assert 'href="annual-2022.pdf"' in after["annual-2022.html"].decode()  # the older PDF is still offered
    assert 'href="annual-2022.docx"' in after["annual-2022.html"].decode()  # and the older Word file
    again = B.build(progress=False, only=["annual-2022"])
    assert again.built == ["annual-2022"]  # only the stale PDF needed work
    state = json.loads((project / "reports" / "_site" / B.STATE_FILE).read_text(encoding="utf-8"))
    assert state["annual-2022"]["html"] == state["annual-2022"]["pdf"] == state["annual-2022"]["docx"]
    assert "<td>最新</td>" in (project / "reports" / "_site" / "index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ folders swapped in one step


def test_replace_dir_exchanges_and_recovers(tmp_path, monkeypatch):
    from planlib import _io

    target, new = tmp_path / "site", tmp_path / "staging"
    target.mkdir()
    (target / "a").write_text("old")
    new.mkdir()
    (new / "a").write_text("new")
    replace_dir(new, target)
    assert (target / "a").read_text() == "new" and not new.exists()
    # where the filesystem cannot exchange: two renames, and a crash between them is undone next time
    monkeypatch.setattr(_io, "_renameat2_exchange", lambda a, b: False)
    new.mkdir()
    (new / "a").write_text("newer")
    replace_dir(new, target)
    assert (target / "a").read_text() == "newer" and not previous_dir(target).exists()
    target.rename(previous_dir(target))
    assert recover_dir(target) is True and (target / "a").read_text() == "newer"
    assert recover_dir(target) is False


def test_process_replaces_the_whole_set_or_nothing(repo_copy, monkeypatch):
    from planlib.inputs import processing

    out = repo_copy / "data" / "processed"
    (out / "README.md").write_text("说明\n", encoding="utf-8")
    first = {p.name: p.read_bytes() for p in processing.process().outputs}
    assert (out / "README.md").read_text(encoding="utf-8") == "说明\n"

    class Broken:
        def to_csv(self, *args, **kwargs):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(processing, "load_clusters", lambda: Broken())
    with pytest.raises(OSError):
        processing.process()
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != "README.md"} == first
    assert sorted(p.name for p in out.parent.iterdir()) == [".processed.lock", "processed", "raw"]


def test_process_refuses_while_another_run_writes(repo_copy):
    from planlib.inputs import processing

    lock = repo_copy / "data" / ".processed.lock"
    with run_lock(lock, "数据处理"), pytest.raises(LockedError) as info:
        processing.process()
    assert str(info.value).startswith(f"另一个数据处理正在进行:进程 {os.getpid()}(主机 ")


# ------------------------------------------------------------------ a user's mistake is a message


def _write_manifest(root: Path, text: str) -> None:
    (root / "reports" / "manifest.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site:\n  title: 测试\nreports:\n  - id: annual-2023\n    notebook: [notebooks/annual.ipynb\n",
         ",第 5 行:YAML 语法错误:方括号 [ 开始的列表没有闭合(始于第 5 行第 15 列,到第 6 行第 1 列仍未结束;"
         "while parsing a flow sequence expected ',' or ']', but got '<stream end>');应为:检查该处的缩进、冒号、括号和引号"),
        ("site:\n  title: 年度: 评估\n",
         ",第 2 行:YAML 语法错误:此处不能出现“键: 值”:值里含冒号时请给整个值加引号,或检查缩进(第 12 列;"
         "mapping values are not allowed here);应为:检查该处的缩进、冒号、括号和引号"),
        ("reports:\n  - id: annual-2023\n    notebook: notebooks/annual.ipynb\n    parameters: {as_of: \"2023\"}\n",
         ",reports[0] (id=annual-2023),字段“parameters.as_of”:“2023”加了引号,是文字而不是整数;应为:去掉引号,写成 as_of: 2023"),
        ("reports:\n  - id: 2023\n    notebook: notebooks/annual.ipynb\n",
         ",reports[0] (id=2023),字段“id”:2023 应为文字"),
        ("reports:\n  - id: annual-2023\n    notebok: notebooks/annual.ipynb\n",
         ",reports[0] (id=annual-2023),字段“notebook”:缺少必填字段\n"
         "  {m},reports[0] (id=annual-2023),字段“notebok”:未知字段(值为 'notebooks/annual.ipynb'),请检查拼写"),
        ("- annual-2023\n", ":文件内容不是一个映射(键: 值);应为:含 site(title、plan)和 reports(每份报告的 id、notebook、parameters)"),
    ],
)  # fmt: skip
def test_manifest_mistakes_are_messages(tmp_path, monkeypatch, capsys, text, expected):
    from planlib.cli import main

    root = make_project(tmp_path, monkeypatch, TWO)
    _write_manifest(root, text)
    manifest = root / "reports" / "manifest.yaml"
    assert main(["build", "--quiet", "--engine", "offline"]) == 1
    err = capsys.readouterr().err
    count = expected.count("\n") + 1
    assert err == f"数据有误,未写入任何文件({count} 个问题):\n  {manifest}" + expected.format(m=manifest) + "\n"


def test_settings_mistakes_are_messages(tmp_path):
    from planlib.errors import DataError
    from planlib.indicators.alerts import load_rules
    from planlib.indicators.assessment import load_settings
    from planlib.indicators.heat_index import load_spec

    bad = tmp_path / "assessment.yaml"
    bad.write_text("schedule:\n  ahead: \"1.1\"\n  sooner: 2\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_settings(bad)
    assert str(info.value) == (f"{bad},schedule,字段“ahead”:“1.1”加了引号,是文字而不是数字;去掉引号,写成 1.1\n"
                               f"{bad},schedule,字段“sooner”:未知字段(值为 2),请检查拼写")  # fmt: skip
    bad.write_text("series: x\nceiling: 5.5\nrules:\n  - {id: a, level: 红色, test: above, threshold: 1, text: t}\n",
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError) as info:
        load_rules(bad)
    assert str(info.value) == (f"{bad},rules[0] (id=a),字段“test”:取值 'above' 不在允许范围内,"
                               "允许:'at_least', 'near_ceiling' or 'yoy_rise'")  # fmt: skip
    bad.write_text("name: x\ngoalposts: pooled\nweights: equal\nmin_components: 2\ncomponents:\n"
                   "  - {id: a, label: A, series: gdp, direction: up}\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError) as info:
        load_spec(bad)
    assert str(info.value) == (f"{bad},components[0] (id=a),字段“direction”:取值 'up' 不在允许范围内,"
                               "允许:'higher' or 'lower'")  # fmt: skip
    bad.write_text("schedule: [1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_settings(bad)
    assert str(info.value).startswith(f"{bad},第 1 行:YAML 语法错误:方括号 [ 开始的列表没有闭合")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(13, "Permission denied", "/srv/x/reports/_site"),
         "没有写入权限:/srv/x/reports/_site(Permission denied);请检查该文件夹的权限,或换一个可写的位置。\n"),
        (OSError(28, "No space left on device", "/srv/x/reports/.site-staging"),
         "磁盘空间不足:无法写入 /srv/x/reports/.site-staging;本次构建的临时文件已删除,上一版报告保持不变,"
         "请腾出空间后重试。\n"),
        (OSError(30, "Read-only file system", "/srv/x/reports/.site-staging"),
         "文件操作失败:/srv/x/reports/.site-staging(Read-only file system)\n"),
        (KeyboardInterrupt(), "\n已中断,上一版报告保持不变。\n"),
    ],
)  # fmt: skip
def test_system_errors_and_ctrl_c_are_messages(monkeypatch, capsys, error, expected):
    from planlib import cli

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(B, "build", fail)
    code = cli.main(["build", "--engine", "offline", "--quiet"])
    assert code == (130 if isinstance(error, KeyboardInterrupt) else 1)
    assert capsys.readouterr().err == expected


def test_unwritable_reports_folder_is_a_message(project):
    """A real permission problem: the reports folder made immutable (root may otherwise write anywhere)."""
    reports = project / "reports"
    _edit_data(project)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(reports)]).returncode != 0:
        pytest.skip("chattr +i is not available here, so no folder can be made unwritable for this user")
    try:
        env = dict(os.environ, PLANLIB_ROOT=str(project))
        proc = subprocess.run([str(PLANLIB), "build", "--quiet", "--engine", "offline"], env=env, capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run(["chattr", "-i", str(reports)], check=True)
    holder = reports / ".planlib-build.lock.json"  # the lock file exists already; naming the holder fails
    assert proc.returncode == 1
    assert proc.stderr == f"没有写入权限:{holder}(Operation not permitted);请检查该文件夹的权限,或换一个可写的位置。\n"


# ------------------------------------------------------------------ found by a tester (issue 10 review)


def test_a_report_named_twice_is_built_once(project):
    result = B.build(progress=False, only=["annual-2023", "annual-2023"], force=True, jobs=2)
    assert result.ok and result.built == ["annual-2023"]


def test_a_damaged_build_record_means_rebuild_and_is_said(project):
    state = project / "reports" / "_site" / B.STATE_FILE
    for damage in (b'{"annual-2023": ', b"[1, 2]", b"\xff\xfe"):
        state.write_bytes(damage)
        result = B.build(progress=False, only=["annual-2022"])
        assert result.ok and result.built == ["annual-2022"]
        kind = {b"[1, 2]": "ValueError", b"\xff\xfe": "UnicodeDecodeError"}.get(damage, "JSONDecodeError")
        assert result.notices == [f"构建记录 {state} 已损坏({kind}),本次重新生成所有报告"]


def test_a_file_that_cannot_be_deleted_is_named(project):
    site = project / "reports" / "_site"
    stuck = site / "annual-2023" / "tables" / "sources.csv"
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(stuck)]).returncode != 0:
        pytest.skip("chattr +i is not available here, so no file can be made undeletable")
    try:
        _edit_data(project)
        first = B.build(progress=False, only=["annual-2022"])  # the old site cannot be removed after the swap
        assert first.ok and first.notices == [f"未能删除临时文件夹 {project / 'reports' / '.site-staging'};下次构建前会再试并说明原因"]
        with pytest.raises(PermissionError) as info:
            B.build(progress=False, only=["annual-2022"], force=True)
        staging = project / "reports" / ".site-staging"
        assert info.value.strerror == (f"无法删除上次构建留下的 {staging}:其中的 {staging / 'annual-2023' / 'tables' / 'sources.csv'} 删不掉"
                                       "(Operation not permitted);请解除该文件的锁定或只读属性后手动删除")
    finally:
        for path in (stuck, project / "reports" / ".site-staging" / "annual-2023" / "tables" / "sources.csv"):
            if path.exists():
                subprocess.run(["chattr", "-i", str(path)])


def test_process_never_writes_into_data_raw_or_over_a_file(repo_copy, capsys):
    from planlib.cli import main

    raw = repo_copy / "data" / "raw"
    before = sorted(str(p.relative_to(raw)) for p in raw.rglob("*"))
    assert main(["process", "--out", str(raw)]) == 2
    assert capsys.readouterr().err == f"参数有误:输出文件夹 {raw} 在 data/raw 之内;data/raw 只放原始数据,planlib 从不写入,请换一个文件夹\n"
    target = raw / "district" / "clusters.csv"
    assert main(["process", "--out", str(target)]) == 2
    assert capsys.readouterr().err == f"参数有误:输出文件夹 {target} 在 data/raw 之内;data/raw 只放原始数据,planlib 从不写入,请换一个文件夹\n"
    elsewhere = repo_copy / "notes.txt"
    elsewhere.write_text("x", encoding="utf-8")
    assert main(["process", "--out", str(elsewhere)]) == 2
    assert capsys.readouterr().err == f"参数有误:输出位置 {elsewhere} 是一个已有的文件,不是文件夹;请给出一个文件夹\n"
    assert sorted(str(p.relative_to(raw)) for p in raw.rglob("*")) == before


def test_a_symlinked_raw_file_processes(repo_copy, tmp_path):
    from planlib.inputs.processing import process

    outside = tmp_path / "mine" / "my_observations.csv"
    outside.parent.mkdir()
    outside.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,note\n"
                       "地区生产总值,2019,23605.77,亿元,annual,测试来源(合成数据),https://example.org/t,low,synthetic\n",
                       encoding="utf-8")  # fmt: skip
    (repo_copy / "data" / "raw" / "my_observations.csv").symlink_to(outside)
    result = process()
    meta = json.loads((repo_copy / "data" / "processed" / "observations.meta.json").read_text(encoding="utf-8"))
    assert "data/raw/my_observations.csv" in meta["inputs"] and result.rows > 0


def test_arguments_that_make_no_sense_are_refused(capsys):
    from planlib.cli import main

    for argv, message in ((["build", "--jobs", "0"], "argument --jobs: 应为正整数(至少 1),而不是 0"),
                          (["build", "--wait", "-5"], "argument --wait: 等待秒数应为不小于 0 的数,而不是 -5")):  # fmt: skip
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2 and capsys.readouterr().err.endswith(f"planlib build: error: {message}\n")


def test_output_for_a_terminal_that_cannot_show_chinese_and_a_closed_pipe():
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    out = subprocess.run([str(PLANLIB), "plan"], env=env, capture_output=True, text=True, check=True).stdout
    assert out.startswith("\\u91cd\\u5e86\\u5e02")  # 重庆市, escaped instead of a crash
    head = subprocess.run(f"{PLANLIB} plan -v | head -1", shell=True, capture_output=True, text=True)
    assert head.returncode == 0 and head.stderr == "" and head.stdout.startswith("重庆市就业促进")
