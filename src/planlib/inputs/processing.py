"""The processing step: raw data → ``data/processed`` (clean observations, plan targets, districts).

Output is deterministic (no timestamps; inputs identified by SHA-256). The whole output set is written
into a staging folder beside ``data/processed`` and exchanged with it in one step, so a reader (or a
build) sees the previous set or the new one, never a mix; a failure or an interruption leaves the
previous set as it was. One run at a time (a lock beside the folder).

Incremental: a run whose outputs would be byte-identical to those in place rewrites nothing, and with
``incremental=True`` (``planlib process``) a run whose inputs are unchanged — the fingerprint recorded in
``observations.meta.json``: every file of data/raw, planlib's code and settings, the libraries' versions,
the plan and today's date — does not even recompute.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from planlib import __version__
from planlib._io import recover_dir, replace_dir, stage_copy
from planlib._lock import run_lock
from planlib._paths import PACKAGE_DIR, processed_dir, project_root, raw_dir
from planlib.inputs.observations import CHOICE_RULE, LoadReport, _today, load_observations, raw_observation_files
from planlib.inputs.plan import DEFAULT_PLAN, load_plan
from planlib.inputs.regions import load_clusters

COLUMN_DOCS = {
    "indicator_id": "序列 id(与规划指标 id 相同者即该指标);映射见 src/planlib/series.yaml",
    "region": "全市、区县标准名称、片区合计名称或特殊功能区",
    "region_code": "6 位行政区划代码(区县);其他为空",
    "region_kind": "municipality / district / cluster_total / special_zone",
    "includes": "区县数值所含的特殊功能区(如綦江区含万盛经开区);不含则为空",
    "year": "数值所属年份(跨年累计或无时间的为空)",
    "period_type": "full_year 全年 / year_end 年末 / partial_year 年内部分时期 / multi_year 跨年累计 / "
    "census_date 普查时点 / as_of 截至某日累计 / static 无时间",
    "period_start": "时期起始日期", "period_end": "时期结束日期", "period_label": "时期的中文说明",
    "value": "数值(已换算为 unit 列的单位;区间为空)", "value_low": "区间下限", "value_high": "区间上限",
    "bound": "原文为界限值时的方向(>, >=, <, <=),如“以上”为 >=", "approx": "原文为约数(约、左右)",
    "footnote": "原文数值后的脚注标记(①、*、注1…),已与数字分开;无则为空",
    "unit": "单位(序列的统一单位)", "is_annual": "可作为该年度值(全年或年末)",
    "preferred": "同一指标/地区/时期多条记录时被选用的一条",
    "conflict": "数值不同,且选用的数值不是凭修订字样或更晚发布日期胜出(来源有分歧)",
    "superseded": "被修订值或更晚发布日期的数值取代的旧版本(规则①②),不算冲突",
    "choice": "同一指标/地区/时期数值不同时的说明:选用了哪个数值、其他数值及来源、依据哪条规则;只有一个数值时为空",
    "published_name": "原文指标名称", "published_value": "原文数值", "published_unit": "原文单位",
    "source_title": "来源标题", "source_url": "来源网址",
    "confidence": "可信度 high/medium/low/test(test 为测试值,非公布数据)",
    "published": "published 列写明的来源发布日期(YYYY-MM-DD);未写则为空",
    "published_guess": "从来源标题或说明中识别的最晚日期(YYYY-MM-DD);无则为空",
    "revised": "来源标题、说明或指标名称含修订字样(settings/choice.yaml)",
    "status": "发布状态:preliminary 初步核算数 / final 最终核实数 / revised 修订数"
    "(时期后写明,见 settings/choice.yaml);无则为空",
    "quote": "来源中该数值所在的原文摘录(供核对);无则为空",
    "note": "采集说明", "source_file": "原始文件", "source_line": "原始文件中的行号(表头为第 1 行)",
}  # fmt: skip


OUTPUTS = ["observations.csv", "observations.meta.json", "plan_targets.csv", "districts.csv"]


@dataclass(frozen=True)
class ProcessResult:
    outputs: list[Path]
    rows: int
    report: LoadReport
    rewritten: bool = True  # False: the outputs in place were already what this run makes (nothing written)


@dataclass
class StoredLoadReport(LoadReport):
    """The load report of the run that made the outputs in place (an incremental run that did not recompute):
    its lines as that run printed them."""

    stored_lines: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return list(self.stored_lines)


def fingerprint(plan: str) -> str:
    """SHA-256 of everything the processed files depend on: each file under data/raw (path and bytes),
    planlib's code and settings (.py, .yaml, .csv, .json in the package), planlib's and the data libraries'
    versions, the plan and today's date (a period may not end after today)."""
    from importlib.metadata import version

    h = hashlib.sha256(json.dumps([__version__, plan, _today().isoformat(),
                                   *(version(lib) for lib in ("pandas", "pandera", "numpy"))]).encode())  # fmt: skip
    raw = raw_dir()
    for base, suffixes in ((raw, None), (PACKAGE_DIR, (".py", ".yaml", ".csv", ".json"))):
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if suffixes is None or path.suffix in suffixes:
                h.update(str(path.relative_to(base)).encode() + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _relative(path: Path, root: Path) -> str:
    """A raw file's path as the project names it (a symlinked file keeps its name in data/raw)."""
    try:
        return str(Path(path).absolute().relative_to(root))
    except ValueError:
        return str(path)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def process(out_dir: Path | None = None, plan: str = DEFAULT_PLAN, *, wait: float = 0,
            incremental: bool = False) -> ProcessResult:  # fmt: skip
    """Build every processed file from ``data/raw``; the whole set replaces the previous one at once, and only
    when it differs from the set in place (``rewritten`` says which). ``incremental``: when the outputs in
    place were made from the same inputs (:func:`fingerprint`), return them without recomputing.

    Raises :class:`planlib.errors.DataError` for bad input (nothing is written) and
    :class:`planlib._lock.LockedError` when another run is writing the same folder (``wait`` seconds
    to wait for it). Files in the folder that are not outputs (its README) are kept.
    """
    out = Path(out_dir or processed_dir())
    _check_output_folder(out)
    with run_lock(out.with_name(f".{out.name}.lock"), "数据处理", wait=wait):
        recover_dir(out)
        stamp = fingerprint(plan)
        if incremental:
            kept = _up_to_date(out, stamp)
            if kept is not None:
                return kept
        return _process_locked(out, plan, stamp)


def _up_to_date(out: Path, stamp: str) -> ProcessResult | None:
    """The outputs in place when they were made from inputs with fingerprint ``stamp``; else None."""
    if not all((out / name).is_file() for name in OUTPUTS):
        return None
    try:
        meta = json.loads((out / OUTPUTS[1]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("fingerprint") != stamp:
        return None
    report = StoredLoadReport(stored_lines=[str(line) for line in meta.get("messages", [])])
    return ProcessResult(outputs=[out / name for name in OUTPUTS], rows=int(meta.get("rows", 0)), report=report,
                         rewritten=False)  # fmt: skip


def messages_in_place(out_dir: Path | None = None) -> list[str] | None:
    """The load report lines of the run that made the files in ``out_dir`` (default ``data/processed``), as
    it printed them (``messages`` of ``observations.meta.json``); None when there are none to read."""
    path = Path(out_dir or processed_dir()) / OUTPUTS[1]
    try:
        messages = json.loads(path.read_text(encoding="utf-8")).get("messages")
    except (OSError, ValueError, AttributeError):
        return None
    return [str(m) for m in messages] if isinstance(messages, list) else None


def _check_output_folder(out: Path) -> None:
    """The output goes to a folder of its own: never into data/raw (immutable input), never over a file."""
    raw = raw_dir().resolve()
    target = out.resolve()
    if target == raw or raw in target.parents:
        raise ValueError(f"输出文件夹 {out} 在 data/raw 之内;data/raw 只放原始数据,planlib 从不写入,请换一个文件夹")
    if target.exists() and not target.is_dir():
        raise ValueError(f"输出位置 {out} 是一个已有的文件,不是文件夹;请给出一个文件夹")


def _process_locked(out: Path, plan: str, stamp: str) -> ProcessResult:
    files = raw_observation_files()
    obs, report = load_observations(files, with_report=True)
    the_plan = load_plan(plan)
    targets = the_plan.all_targets
    clusters = load_clusters()
    root = project_root()

    meta = {
        "title": "重庆市就业促进“十四五”规划评估:观测数据(清洗后)",
        "planlib_version": __version__,
        "plan": the_plan.id,
        "inputs": {_relative(f, root): sha256(f) for f in files},
        "rows": len(obs),
        "choice_rule": CHOICE_RULE,
        "columns": COLUMN_DOCS,
        "load_report": report.as_dict(),
        "notes": "只有 is_annual 为真的行可作为年度值;其他时期的数值保留并标注。缺失的数据不做估计。",
        "fingerprint": stamp,  # what these files were made from (planlib process: unchanged inputs, no rerun)
        "messages": report.lines(),
    }

    def write_csv(frame, path: Path) -> None:
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")

    staging = stage_copy(out)  # beside out, a copy that keeps what is not ours (README.md); nothing left on failure
    try:
        names = OUTPUTS
        write_csv(obs, staging / names[0])
        (staging / names[1]).write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")  # fmt: skip
        write_csv(targets, staging / names[2])
        write_csv(clusters, staging / names[3])
        # the same bytes as in place: leave the folder alone (its files keep their times; nothing is rewritten)
        same = all((out / n).is_file() and (out / n).read_bytes() == (staging / n).read_bytes() for n in names)
        if not same:
            replace_dir(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ProcessResult(outputs=[out / name for name in names], rows=len(obs), report=report, rewritten=not same)
