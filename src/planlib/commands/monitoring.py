"""``planlib monitor``: check record-level monitoring files and compute a month's indicators.

    planlib monitor check FILE …                       # validate; names file, line, field; exit 1 on problems
    planlib monitor run --registers R.csv [--enterprises E.parquet] [--postings P.csv] --month 2026-10
    planlib build --only monthly-2026-10               # after adding monthly-2026-10 to reports/manifest.yaml

``run`` writes only disclosure-controlled results to ``data/monitoring/<month>/`` (or ``--out``); the
bulletin notebook reads them from there. Its last line says how to build the bulletin: how to add its
entry to ``reports/manifest.yaml``, or, when the entry is there, only the build command.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add ``planlib monitor check`` and ``planlib monitor run``."""
    monitor = subparsers.add_parser("monitor", help="月度就业监测:校验登记、企业样本、招聘求职记录文件并计算月度指标")
    sub = monitor.add_subparsers(dest="monitor_command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="校验记录文件(CSV 或 Parquet,类型由表头判断),逐条指出文件、行、字段和问题")
    check.add_argument("files", nargs="+", metavar="FILE", help="要校验的记录文件")
    check.set_defaults(func=_cmd_check)

    run = sub.add_parser("run", help="由记录文件计算某月的监测指标(公布规则已应用),写入 data/monitoring/<月份>")
    run.add_argument("--month", required=True, help="监测月份,YYYY-MM(如 2026-10)")
    run.add_argument("--registers", nargs="+", default=[], metavar="FILE", help="就业失业登记文件")
    run.add_argument("--enterprises", nargs="+", default=[], metavar="FILE", help="失业动态监测企业样本文件")
    run.add_argument("--postings", nargs="+", default=[], metavar="FILE", help="招聘求职文件")
    run.add_argument("--out", help="输出目录(默认 data/monitoring/<月份>)")
    run.add_argument("--memory-limit", default=None, help="DuckDB 内存上限,如 2GB(超出部分写入临时文件)")
    run.add_argument("--threads", type=int, default=None, help="DuckDB 线程数(默认:CPU 核数)")
    run.set_defaults(func=_cmd_run)


def _cmd_check(args: argparse.Namespace) -> int:
    from planlib.cli import report_check
    from planlib.inputs.records import check_files

    return report_check(*check_files([Path(f) for f in args.files]))


def _cmd_run(args: argparse.Namespace) -> int:
    import time

    from planlib.indicators.monitoring import compute_monthly, monitoring_dir
    from planlib.inputs.records import open_records

    started = time.perf_counter()
    out = Path(args.out) if args.out else monitoring_dir() / args.month
    with open_records(args.registers, args.enterprises, args.postings, memory_limit=args.memory_limit,
                      threads=args.threads) as records:  # fmt: skip
        result = compute_monthly(records, args.month)
    for line in result.notices:
        print(line)
    paths = result.save(out)
    for path in paths:
        print(f"写入 {path}")
    hidden = int(result.values["suppressed"].sum())
    alerts = int((result.alerts["month"] == args.month).sum())
    print(f"完成:{result.month} 及以前共 {len(result.values):,} 个区县月度数值,其中 {hidden:,} 个按公布规则隐去;"
          f"本月预警 {alerts} 条;用时 {time.perf_counter() - started:.1f} 秒。")  # fmt: skip
    if result.synthetic:
        print("注意:输入是合成测试数据(synthetic),结果均已标注,不得作为监测结果发布。")
    rid = f"monthly-{args.month}"
    if _in_manifest(rid):  # the entry is there: only the build is left to do
        print(f"生成简报:运行 planlib build --only {rid}(reports/manifest.yaml 中已有 {rid})")
    else:
        print(f"生成简报:在 reports/manifest.yaml 中加入“- id: {rid}  notebook: notebooks/monthly.ipynb”,"
              f"然后运行 planlib build --only {rid}")  # fmt: skip
    return 0


def _in_manifest(report_id: str) -> bool:
    """Whether the project's ``reports/manifest.yaml`` lists ``report_id`` (False when it cannot be read:
    the hint then says how to add it)."""
    from planlib.errors import DataError
    from planlib.publish.manifest import load_manifest

    try:
        return any(r.id == report_id for r in load_manifest().reports)
    except (DataError, OSError, ValueError):
        return False
