"""``planlib plan import FILE --id ID``: a plan YAML draft from a plan's main-indicator table.

Reads the table from the plan's text (flattened as web and PDF copies are) or from a CSV/XLSX of it
(:func:`planlib.inputs.plan_import.import_plan`), writes ``src/planlib/plans/<id>.yaml`` (or ``-o PATH``) in
one step, and lists every row it could not read fully, with the reason. An existing file with other
content is never overwritten without ``--force``; the same input gives the same bytes, so a second run
says the file is unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add ``import`` under the ``planlib plan`` command (see :data:`planlib.cli.COMMAND_MODULES`)."""
    plan = subparsers.choices["plan"]
    actions = plan.add_subparsers(dest="plan_action", metavar="ACTION")
    cmd = actions.add_parser("import", help="从规划原文(或主要指标表的 CSV、XLSX)导入主要指标,生成规划 YAML 初稿")
    cmd.add_argument("file", metavar="FILE", help="规划原文 .txt,或主要指标表 .csv、.tsv、.xlsx")
    cmd.add_argument("--id", required=True, dest="plan_id", help="规划 id,如 hz-15th(小写字母、数字、- 和 _)")
    cmd.add_argument("--title", help="规划名称(默认读自原文开头)")
    cmd.add_argument("--issuer", help="发布机关(默认读自原文开头)")
    cmd.add_argument("--issued", type=_date, help="发布日期 YYYY-MM-DD(默认读自原文开头)")
    cmd.add_argument("--region", help="数据中该地区整体的名称,如 全市、全国(默认取自规划名称)")
    cmd.add_argument("-o", "--out", help="输出文件(默认 src/planlib/plans/<id>.yaml)")
    cmd.add_argument("--force", action="store_true", help="输出文件已存在且内容不同时覆盖")
    cmd.set_defaults(func=_cmd_import)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD(如 2026-03-19),而不是 {text}") from None


def _cmd_import(args: argparse.Namespace) -> int:
    from planlib._io import write_atomic
    from planlib.inputs.plan import PLANS_DIR
    from planlib.inputs.plan_import import import_plan

    result = import_plan(Path(args.file), args.plan_id, title=args.title, issuer=args.issuer, issued=args.issued,
                         region=args.region)  # fmt: skip
    out = Path(args.out) if args.out else PLANS_DIR / f"{args.plan_id}.yaml"
    data = result.text.encode("utf-8")
    if out.exists() and out.read_bytes() == data:
        state = f"未变化 {out}"
    elif out.exists() and not args.force:
        print(f"{out} 已存在且内容不同,未改动;加 --force 覆盖,或用 -o 写到别处", file=sys.stderr)
        return 1
    else:
        write_atomic(out, lambda tmp: tmp.write_bytes(data))  # never half a file
        state = f"写入 {out}"
    table = result.table
    print(f"{state}:{table.title or '主要指标表'}({table.file} {table.where}),读出 {result.rows} 行,"
          f"完整读出 {result.complete} 行;登记 {result.indicators} 项目标,另 {result.unassessed} 项未评估。")
    if result.review:
        print(f"须复核 {len(result.review)} 处(复核后删去各行的 review 字段):")
        for where, why in result.review:
            print(f"  {where}:{why}")
    print(f"下一步:逐行核对后,planlib plan --plan {out} -v")
    return 0
