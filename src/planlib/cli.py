"""The ``planlib`` command.

Bad data is a message naming the file, row and field, and exit status 1 — never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planlib import __version__
from planlib.errors import DataError


def _cmd_check(args: argparse.Namespace) -> int:
    from planlib.observations import check_files

    lines, problems = check_files([Path(f) for f in args.files])
    for line in lines:
        print(line)
    if problems:
        print(f"发现 {len(problems)} 个问题:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    return 0


def _cmd_process(args: argparse.Namespace) -> int:
    from planlib.processing import process

    result = process(Path(args.out) if args.out else None, plan=args.plan)
    for line in result.report.lines():
        print(line)
    for path in result.outputs:
        print(f"写入 {path}")
    print(f"完成:{result.rows} 行清洗后的观测值。")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from planlib.plan import KIND_ZH, load_plan

    plan = load_plan(args.plan)
    frame = plan.all_targets
    print(f"{plan.title}({plan.meta.period_start}—{plan.meta.period_end},基期 {plan.meta.baseline_year})")
    print(f"主要指标 {len(plan.indicators)} 项,其他量化目标 {len(plan.targets)} 项。")
    counts = frame.groupby("section", sort=False).size()
    for section, n in counts.items():
        print(f"  {section}: {n}")
    if args.verbose:
        for rec in frame.to_dict("records"):
            target = "—" if rec["target"] != rec["target"] else f"{rec['target']:g}"
            if rec["target_high"] == rec["target_high"]:
                target += f"—{rec['target_high']:g}"
            print(f"  [{rec['section']}] {rec['id']}: {rec['name']} {rec['comparator']} {target} {rec['unit']}"
                  f"({KIND_ZH[rec['kind']]})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planlib",
        description="重庆市就业促进“十四五”规划评估工具:校验原始数据、生成清洗数据、查看规划目标。",
    )
    parser.add_argument("--version", action="version", version=f"planlib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="校验原始观测数据文件(CSV),逐条指出文件、行、字段和问题")
    check.add_argument("files", nargs="+", metavar="FILE", help="要校验的 CSV 文件")
    check.set_defaults(func=_cmd_check)

    proc = sub.add_parser("process", help="由 data/raw 生成 data/processed(原子写入)")
    proc.add_argument("--out", help="输出目录(默认 data/processed)")
    proc.add_argument("--plan", default="cq-employment-14th", help="规划 id 或 YAML 路径")
    proc.set_defaults(func=_cmd_process)

    plan = sub.add_parser("plan", help="列出规划的指标和目标(按专栏计数)")
    plan.add_argument("--plan", default="cq-employment-14th", help="规划 id 或 YAML 路径")
    plan.add_argument("-v", "--verbose", action="store_true", help="逐条列出")
    plan.set_defaults(func=_cmd_plan)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print(f"数据有误,未写入任何文件({len(exc.problems)} 个问题):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"找不到文件:{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
