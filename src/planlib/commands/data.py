"""``planlib template`` and ``planlib add``: the way in for a user's own figures.

``planlib template [-o FILE] [--plan ID]`` writes the Excel 填报模板 of a plan
(:mod:`planlib.inputs.template`). ``planlib add FILE …`` checks each file like ``planlib check`` and,
only if it has no problem, copies it unchanged into ``data/raw/user/`` (a CSV gets a name ending in
``_observations.csv`` so that ``planlib process`` loads it) with a provenance file beside it
(``<name>.provenance.json``: where it came from, its SHA-256, when and by whom it was added, what the
check said). Nothing already in ``data/raw`` is ever edited or replaced: a published row is corrected
by adding a row, and the choice rule says which value a report uses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

USER_DIR = "user"  # data/raw/user/: files added with planlib add


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``template`` and ``add`` on the ``planlib`` parser (see :data:`planlib.cli.COMMAND_MODULES`)."""
    tpl = subparsers.add_parser("template", help="生成规划的 Excel 填报模板(全市、区县两张表,单位固定,下拉列表)")
    tpl.add_argument("-o", "--out", help="输出文件(默认:当前目录下的 <规划id>-填报模板.xlsx)")
    tpl.add_argument("--plan", default=None, help="规划 id 或 YAML 路径(默认:本项目的规划)")
    tpl.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    tpl.set_defaults(func=_cmd_template)

    add = subparsers.add_parser("add", help="校验并把自己的数据文件(CSV 或 .xlsx)加入 data/raw/user/,记下来源")
    add.add_argument("files", nargs="+", metavar="FILE", help="要加入的观测数据文件(CSV 或填好的 .xlsx 模板)")
    add.add_argument("--name", help="在 data/raw/user/ 中使用的文件名(只加入一个文件时可用)")
    add.add_argument("--note", default="", help="写进来源说明的备注(数据从哪里来、谁整理的)")
    add.set_defaults(func=_cmd_add)


def _cmd_template(args: argparse.Namespace) -> int:
    from planlib.inputs.plan import DEFAULT_PLAN
    from planlib.inputs.template import write_template

    out = Path(args.out or f"{Path(str(args.plan or DEFAULT_PLAN)).stem}-填报模板.xlsx")
    if out.suffix.lower() != ".xlsx":
        print(f"参数有误:输出文件“{out}”的扩展名应为 .xlsx", file=sys.stderr)
        return 2
    if out.exists() and not args.force:
        print(f"{out} 已存在;换一个文件名(-o),或加 --force 覆盖", file=sys.stderr)
        return 1
    info = write_template(out, args.plan)
    districts = ",“区县”工作表按行填写" if info.districts else "(本规划没有区县工作表)"
    print(f"写入 {info.path}:规划 {info.plan_id},“{info.region}”工作表预列 {len(info.series)} 个指标 × 年份共 "
          f"{info.municipal_rows} 行{districts};填写说明见第一张工作表。")  # fmt: skip
    if info.missing:
        print(f"注意:以下规划指标在 series.yaml 中没有序列,暂不能填报:{'、'.join(info.missing)}")
    print(f"填好后:planlib check {info.path} → planlib add {info.path} → planlib process")
    return 0


def destination_name(source: Path) -> str:
    """The name a file gets in data/raw/user/: a CSV ends in ``_observations.csv`` so that it loads."""
    from planlib.inputs.observations import load_raw_file_rules

    if source.suffix.lower() == ".csv" and not load_raw_file_rules().loads(source.name):
        return f"{source.stem}_observations.csv"
    return source.name


def _cmd_add(args: argparse.Namespace) -> int:
    from planlib._paths import raw_dir
    from planlib.inputs.observations import check_files, load_raw_file_rules

    files = [Path(f) for f in args.files]
    if args.name and len(files) > 1:
        print("参数有误:--name 只能在加入一个文件时使用", file=sys.stderr)
        return 2
    raw = raw_dir().resolve()
    target_dir = raw / USER_DIR
    refused = []
    plans: list[tuple[Path, Path]] = []
    for source in files:
        dest = target_dir / (args.name or destination_name(source))
        if source.exists() and raw in source.resolve().parents:
            refused.append(f"{source}:已在 data/raw 中;planlib add 只加入 data/raw 之外的文件")
        elif dest.exists():
            refused.append(f"{source}:{dest.relative_to(raw.parent.parent)} 已存在。planlib 不修改或替换已加入的文件"
                           f"(更正请加一行较新的数据);请用 --name 另取文件名")  # fmt: skip
        elif not load_raw_file_rules().loads(f"{USER_DIR}/{dest.name}"):
            refused.append(f"{source}:只能加入 CSV 或 .xlsx 文件(文件名“{dest.name}”不会被载入)")
        else:
            plans.append((source, dest))
    if refused:
        print(f"未加入任何文件({len(refused)} 个问题):", file=sys.stderr)
        for line in refused:
            print(f"  {line}", file=sys.stderr)
        return 1
    lines, problems = check_files([source for source, _ in plans])
    if problems:
        print(f"未加入任何文件:校验发现 {len(problems)} 个问题:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    # the file-name notice of check does not apply: add gives a CSV a name that loads
    lines = [line for line in lines if "planlib add 添加" not in line]
    for line in lines:
        print(line)
    for source, dest in plans:
        sidecar = _add_one(source, dest, args.note, lines)
        root = raw.parent.parent
        print(f"已加入 {dest.relative_to(root)}(来源说明 {sidecar.relative_to(root)})")
    print("运行 planlib process 更新 data/processed,再用 planlib build 生成报告。")
    return 0


def _add_one(source: Path, dest: Path, note: str, check_lines: list[str]) -> Path:
    """Copy ``source`` to ``dest`` byte for byte and write its provenance beside it (both or neither)."""
    import datetime as dt
    import getpass
    import hashlib
    import json
    import shutil

    from planlib import __version__
    from planlib._io import write_all_atomic

    data = source.read_bytes()
    provenance = {
        "file": dest.name,
        "original_name": source.name,
        "original_path": str(source.resolve()),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "added_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "added_by": _user(getpass),
        "planlib_version": __version__,
        "note": note,
        "check": check_lines,
        "rule": "planlib add 原样复制,不修改 data/raw 中已有的文件;同一指标、地区、时期的多个数值按 "
        "src/planlib/settings/choice.yaml 的规则选用",
    }
    sidecar = dest.with_name(f"{dest.name}.provenance.json")
    text = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    write_all_atomic({dest: lambda tmp: shutil.copyfile(source, tmp),
                      sidecar: lambda tmp: tmp.write_text(text, encoding="utf-8")})  # fmt: skip
    return sidecar


def _user(getpass) -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container
        return ""
