"""The ``planlib`` command.

Bad data is a message naming the file, row and field, and exit status 1 — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from planlib import __version__
from planlib.errors import DataError


def report_check(lines: Sequence[str], problems: Sequence[object]) -> int:
    """Print what a check found (summary lines, then every problem on stderr); the exit status: 1 on problems."""
    for line in lines:
        print(line)
    if problems:
        print(f"发现 {len(problems)} 个问题:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from planlib.inputs.observations import check_files

    return report_check(*check_files([Path(f) for f in args.files]))


def _cmd_process(args: argparse.Namespace) -> int:
    from planlib._paths import processed_dir
    from planlib.inputs.processing import messages_in_place, process

    out = Path(args.out) if args.out else processed_dir()
    before = messages_in_place(out)  # what the run that made the files in place said
    result = process(out, plan=args.plan, wait=_wait_seconds(args.wait), incremental=True)
    for line in _new_messages(result.report.lines(), before, verbose=args.verbose, where=result.outputs[1]):
        print(line)
    for path in result.outputs:
        print(f"写入 {path}" if result.rewritten else f"未变化 {path}")
    print(f"完成:{result.rows} 行清洗后的观测值。")
    return 0


def _new_messages(lines: list[str], before: list[str] | None, *, verbose: bool, where: Path) -> list[str]:
    """What ``planlib process`` prints of its load report: the first line (files and rows read), then only the
    lines the previous run (``before``, its stored messages) did not print — new or changed conflicts,
    names, notices — and one line counting the others; every line with ``verbose`` or without a previous run."""
    if verbose or before is None:
        return list(lines)
    head, rest = lines[:1], lines[1:]
    seen = set(before)
    fresh = [line for line in rest if line not in seen]
    same = len(rest) - len(fresh)
    gone = len(set(before[1:]) - set(rest))
    out = head + fresh
    if same or gone:
        parts = [f"另有 {same} 条提示与上次相同,不再列出"] if same else []
        parts += [f"上次的 {gone} 条提示已不再出现"] if gone else []
        out.append(f"{';'.join(parts)}(全部提示见 {where} 的 messages,或加 -v 全部列出)。")
    return out


def _cmd_plan(args: argparse.Namespace) -> int:
    from planlib.inputs.plan import load_plan
    from planlib.presentation.narrative import target_text

    plan = load_plan(args.plan)
    frame = plan.all_targets
    print(f"{plan.title}({plan.meta.period_start}—{plan.meta.period_end},基期 {plan.meta.baseline_year})")
    print(f"主要指标 {len(plan.indicators)} 项,其他量化目标 {len(plan.targets)} 项。")
    counts = frame.groupby("section", sort=False).size()
    for section, n in counts.items():
        print(f"  {section}: {n}")
    if args.verbose or args.ids:
        for rec in frame.to_dict("records"):  # the target in the words of the reports
            wanted = (target_text(rec) if rec["target"] == rec["target"]
                      or rec["comparator"] in ("higher_than", "steady_growth") else "目标数值暂缺")  # fmt: skip
            attribute = f"（{rec['attribute']}）" if isinstance(rec.get("attribute"), str) and rec["attribute"] else ""
            ident = f" [{rec['id']}]" if args.ids else ""
            print(f"  [{rec['section']}] {rec['name']}：{wanted}{attribute}{ident}")
    if plan.unassessed:  # rows of the headline table the plan records but does not assess
        print(f"未评估 {len(plan.unassessed)} 项(主要指标表中目标无法评估的行):")
        for row in plan.unassessed:
            print(f"  {row.name}:{row.reason}")
    if plan.review:
        print(f"尚有 {len(plan.review)} 处待复核(review 字段):")
        for where, why in plan.review:
            print(f"  {where}:{why}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from planlib._paths import project_root
    from planlib.publish.engines import FORMATS
    from planlib.publish.manifest import load_manifest
    from planlib.publish.staging import site_dir

    manifest = load_manifest()
    root, site = project_root(), site_dir()
    current = _current_digests(manifest, root, site)
    for r in manifest.reports:
        exists = (root / r.notebook).is_file()
        built = [ext for ext in FORMATS if (site / f"{r.id}.{ext}").is_file()]
        print(f"{r.id:14s} {r.title}  [{r.notebook}]  数据截至 {r.cutoff}  "
              f"{_list_state(exists, built, current.get(r.id, {}))}")  # fmt: skip
    return 0


def _current_digests(manifest, root: Path, site: Path) -> dict[str, dict[str, bool]]:
    """Report id → format → whether the file in the site was built from what the report would be built from
    now (with the offline engine, or Quarto where one is on PATH): the build record of the site
    (``.planlib-build.json``) against :func:`planlib.publish.build.report_digests`. A failed build leaves
    the previous files and their record, so a file that is not current is either older or from a build
    that failed."""
    import json

    from planlib.publish import offline, quarto
    from planlib.publish.build import SEEN_CACHE, STATE_FILE, inputs_hash, report_digests

    try:
        state = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    engines = [f"offline {offline.fingerprint()}"]
    if quarto.find_quarto() is not None:
        engines.append(f"quarto {quarto.fingerprint()}")
    shared = inputs_hash(root)
    digests = [report_digests(manifest, root, engine, shared, {SEEN_CACHE: state.get(SEEN_CACHE)})
               for engine in engines]  # fmt: skip
    out: dict[str, dict[str, bool]] = {}
    for r in manifest.reports:
        record = state.get(r.id) if isinstance(state.get(r.id), dict) else {}
        now = {d[r.id] for d in digests if d.get(r.id)}
        out[r.id] = {fmt: record.get(fmt) in now for fmt in record if fmt != "notice"}
    return out


def _list_state(exists: bool, built: list[str], current: dict[str, bool]) -> str:
    """'最新:网页版、PDF、Word 版', '网页版为旧版(…)', '尚未生成' or '笔记本不存在' for ``planlib list``."""
    from planlib.publish.build import LABELS

    if not exists:
        return "笔记本不存在" + (",网站中是以前生成的版本" if built else "")
    if not built:
        return "尚未生成"
    old = [LABELS[f] for f in built if not current.get(f)]
    if old:
        return (f"{'、'.join(old)}不是最新版(上次生成后数据或代码有变化,或上次生成失败,网站中保留的是上一版);"
                "运行 planlib build 更新")  # fmt: skip
    return "最新:" + "、".join(LABELS[f] for f in built)


def _cmd_build(args: argparse.Namespace) -> int:
    from planlib.publish import quarto
    from planlib.publish.build import build

    formats = tuple(f.strip() for f in args.to.split(",") if f.strip())
    if not formats:
        raise ValueError(f"--to 没有给出任何格式(“{args.to}”);可选 html、pdf、docx,用逗号分隔")
    engine = args.engine
    if engine == "auto":  # Quarto only where it is on PATH and of a version the engine supports
        engine = "offline"
        if quarto.find_quarto() is not None:
            try:
                quarto.check()
                engine = "quarto"
            except quarto.QuartoUnavailable as exc:
                print(f"使用离线引擎(Quarto 引擎不可用:{exc})", file=sys.stderr)
    from planlib.publish.executors import SchedulerUnavailable

    try:
        result = build(args.only or None, formats, jobs=args.jobs, progress=not args.quiet, force=args.force,
                       wait=_wait_seconds(args.wait), engine=engine, manifest=args.manifest,
                       scheduler=args.scheduler)  # fmt: skip
    except quarto.QuartoUnavailable as exc:
        print(f"无法使用 Quarto 引擎:{exc}", file=sys.stderr)
        return 1
    except SchedulerUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for notice in result.notices:
        print(notice)
    for rid in result.no_notebook:
        print(f"跳过 {rid}:笔记本尚不存在")
    print(f"引擎 {engine}:生成 {len(result.built)} 份,未变化 {len(result.unchanged)} 份,失败 {len(result.failed)} 份,"
          f"用时 {result.seconds:.1f} 秒 → {result.site}")
    for rid, message in result.failed.items():
        print(f"  失败 {rid}:{message}", file=sys.stderr)
    return 0 if result.ok else 1


def _readable_output() -> None:
    """A terminal that cannot show a character gets an escape (\\u365f) instead of a crash (GBK or ASCII
    consoles, LC_ALL=C)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _wait_seconds(value: float | None) -> float:
    """``--wait`` alone waits for ever, ``--wait N`` up to N seconds; without it a held lock is an error."""
    if value is None:
        return 0
    return float("inf") if value == _FOREVER else value


_FOREVER = -1.0


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"等待秒数应为不小于 0 的数,而不是 {text}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数,而不是 {text}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数(至少 1),而不是 {text}")
    return value


def _add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", nargs="?", type=_seconds, const=_FOREVER, default=None, metavar="SECONDS",
                        help="另一个同类任务正在运行时等待它结束(可给最长秒数);默认立即报错退出")  # fmt: skip


# Modules that add their own subcommands: each has ``add_commands(subparsers)``; imports in it stay lazy.
COMMAND_MODULES: list[str] = ["planlib.commands.monitoring", "planlib.commands.data", "planlib.commands.commentary",
                               "planlib.commands.plan_import"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planlib",
        description="重庆市就业促进“十四五”规划评估工具:校验原始数据、生成清洗数据、查看规划目标、生成评估报告。",
    )
    parser.add_argument("--version", action="version", version=f"planlib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    what = "校验观测数据文件(CSV 或 .xlsx 工作簿),逐条指出文件、工作表、行、字段和问题"
    check = sub.add_parser("check", help=what, description=what)
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="要校验的文件:CSV(UTF-8)或 .xlsx 工作簿(如 planlib template 生成的填报模板);"
                            ".xls、.ods 等请先另存为 .xlsx 或 CSV UTF-8")  # fmt: skip
    check.set_defaults(func=_cmd_check)

    proc = sub.add_parser("process", help="由 data/raw 生成 data/processed(原子写入)")
    proc.add_argument("--out", help="输出目录(默认 data/processed)")
    proc.add_argument("--plan", default="cq-employment-14th", help="规划 id 或 YAML 路径")
    proc.add_argument("-v", "--verbose", action="store_true",
                      help="列出全部提示(默认只列出与上次运行不同的提示,其余只计数)")
    _add_wait(proc)
    proc.set_defaults(func=_cmd_process)

    plan = sub.add_parser("plan", help="列出规划的指标和目标(按专栏计数)")
    plan.add_argument("--plan", default="cq-employment-14th", help="规划 id 或 YAML 路径")
    plan.add_argument("-v", "--verbose", action="store_true", help="逐条列出,目标的写法与报告相同")
    plan.add_argument("--ids", action="store_true",
                      help="逐条列出并附上每项的 id(在 Python 中使用,如 planlib.charts.trajectory(plan, obs, id))")
    plan.set_defaults(func=_cmd_plan)

    lst = sub.add_parser("list", help="列出清单中的报告及其生成状态")
    lst.set_defaults(func=_cmd_list)

    bld = sub.add_parser("build", help="生成报告网站和 PDF(reports/_site)")
    bld.add_argument("--only", nargs="+", metavar="ID", help="只生成这些报告(如 annual-2023)")
    bld.add_argument("--manifest", type=Path, default=None, metavar="PATH",
                     help="另一个站点的清单(如 reports/national/manifest.yaml),生成到它旁边的 _site")
    bld.add_argument("--to", default="html,pdf,docx", help="输出格式,逗号分隔:html,pdf,docx(Word)")
    bld.add_argument("--engine", choices=["auto", "offline", "quarto"], default="auto",
                     help="auto:PATH 中有受支持版本的 quarto 则用 quarto,否则用离线引擎")
    bld.add_argument("--jobs", type=_positive, default=min(4, os.cpu_count() or 1),
                     help="并行生成的报告数(默认:CPU 核数,最多 4)")
    bld.add_argument("--scheduler", metavar="ADDRESS", default=None,
                     help="在 dask.distributed 集群上生成报告(调度器地址,如 tcp://127.0.0.1:8786;需 planlib[scale])")
    bld.add_argument("--force", action="store_true", help="忽略缓存,全部重新生成")
    bld.add_argument("--quiet", action="store_true", help="不显示进度条")
    _add_wait(bld)
    bld.set_defaults(func=_cmd_build)
    for module in COMMAND_MODULES:  # commands that live beside what they drive
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _readable_output()
    args = build_parser().parse_args(argv)
    from planlib._lock import LockedError

    try:
        return args.func(args)
    except BrokenPipeError:  # `planlib plan -v | head`: the reader has what it wanted
        sys.stderr.close()  # nothing more to say, and Python must not complain at exit either
        return 0
    except DataError as exc:
        print(f"数据有误,未写入任何文件({len(exc.problems)} 个问题):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except LockedError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        kept = {"build": "上一版报告保持不变", "process": "data/processed 保持不变"}.get(args.command, "未写入任何文件")
        print(f"\n已中断,{kept}。", file=sys.stderr)
        return 130
    except ValueError as exc:  # parameter errors (a year outside the plan period, an unknown format)
        print(f"参数有误:{exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"找不到文件:{_os_error_text(exc)}", file=sys.stderr)
        return 1
    except PermissionError as exc:
        print(f"没有写入权限:{_os_error_text(exc)};请检查该文件夹的权限,或换一个可写的位置。", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, read-only filesystem …: the system's words, never a traceback
        if _disk_full(exc):
            print(disk_full_text(args.command, exc), file=sys.stderr)
        else:
            print(f"文件操作失败:{_os_error_text(exc)}", file=sys.stderr)
        return 1


# what a full disk leaves as it was, per command (the build and process clean their staging copies up)
_KEPT_ON_FULL_DISK = {"build": "本次构建的临时文件已删除,上一版报告保持不变",
                      "process": "临时文件已删除,data/processed 保持不变"}  # fmt: skip


def _disk_full(exc: OSError) -> bool:
    """ENOSPC, also inside a ``shutil.Error`` (which carries each failed copy as text)."""
    import errno
    import shutil

    if exc.errno == errno.ENOSPC:
        return True
    failures = exc.args[0] if isinstance(exc, shutil.Error) and exc.args else None
    return isinstance(failures, list) and any(f"[Errno {errno.ENOSPC}]" in str(f) for f in failures)


def disk_full_text(command: str | None, exc: OSError) -> str:
    """The one sentence for a full disk: where it could not write, what was kept, what to do."""
    where = f":无法写入 {exc.filename}" if exc.filename and not isinstance(exc.filename, list) else ""
    kept = _KEPT_ON_FULL_DISK.get(command or "")
    return f"磁盘空间不足{where};{kept + ',' if kept else ''}请腾出空间后重试。"


def _os_error_text(exc: OSError) -> str:
    """'/path/file(Permission denied)' — the path first, then the system's reason; of a failed folder copy
    (``shutil.Error``, one entry per file) the first failure and how many there were, never the whole list."""
    import shutil

    failures = exc.args[0] if isinstance(exc, shutil.Error) and exc.args else None
    if isinstance(failures, list) and failures:
        first = failures[0]
        text = f"{first[1]}({first[2]})" if isinstance(first, tuple) and len(first) == 3 else str(first)
        return text + (f"等 {len(failures)} 个文件" if len(failures) > 1 else "")
    if exc.filename is None:
        return str(exc)
    return f"{exc.filename}({exc.strerror or exc})"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
