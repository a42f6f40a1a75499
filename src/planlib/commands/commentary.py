"""``planlib commentary <id>``: a commentary file to start from, for one report of the manifest.

Writes ``reports/commentary/<id>.md`` (:func:`planlib.sections.commentary.skeleton`): the report's places and,
under each, the facts its data support as references, which the author keeps, rewrites or deletes. An existing
file is never overwritten without ``--force``; ``-o FILE`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``commentary`` on the ``planlib`` parser (see :data:`planlib.cli.COMMAND_MODULES`)."""
    cmd = subparsers.add_parser("commentary", help="为一份报告生成分析意见文件的初稿(各位置及数据支持的要点,均为引用)")
    cmd.add_argument("report", metavar="ID", help="清单中的报告 id,如 annual-2024")
    cmd.add_argument("-o", "--out", help="输出文件(默认 站点清单旁的 commentary/<id>.md,即 reports/commentary/<id>.md)")
    cmd.add_argument("--manifest", metavar="PATH", help="另一站点的报告清单(如 reports/national/manifest.yaml)")
    cmd.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    cmd.set_defaults(func=_cmd_commentary)


def _cmd_commentary(args: argparse.Namespace) -> int:
    import datetime as dt

    from planlib._io import write_atomic
    from planlib.inputs.commentary import commentary_path
    from planlib.publish.manifest import load_manifest
    from planlib.sections import commentary, report

    manifest = load_manifest(Path(args.manifest) if args.manifest else None)
    found = manifest.get(args.report)
    if found.kind == "monthly":
        print(f"报告“{found.id}”是月度简报,没有分析意见位置;应为:年度、中期或终期评估报告", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else commentary_path(found.id, folder=found.commentary_dir)
    if out.exists() and not args.force:
        print(f"{out} 已存在,未改动;加 --force 覆盖", file=sys.stderr)
        return 1
    ctx = report.context(as_of=found.as_of, report_kind=found.kind, plan=found.parameters.get("plan", manifest.plan),
                         vintage=found.vintage, observations=found.parameters.get("observations"))  # fmt: skip
    text = commentary.skeleton(ctx, found.id, dt.date.today().isoformat())
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))  # never half a file
    print(f"写入 {out}:{len(commentary.places(ctx))} 个位置。"
          f"填写 authors 并改写各处文字后,planlib build --only {found.id}")
    return 0
