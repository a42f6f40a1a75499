"""Reading planlib's YAML files (plans, manifest, settings) with one error style.

A YAML syntax error, a file that is not UTF-8 and a value of the wrong type all become a
:class:`planlib.errors.DataError` naming the file, the line (or the entry) and the field, in words a
researcher can act on — never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planlib.errors import DataError, Problem


def load_yaml(path: Path | str) -> Any:
    """The parsed content of a YAML file (``None`` for an empty file).

    Raises :class:`DataError` for a missing file, a file that is not UTF-8 and a YAML syntax error (with
    the line and column the parser stopped at).
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(Problem(file=str(path), problem="文件不存在")) from None
    except UnicodeDecodeError as exc:
        raise DataError(Problem(file=str(path), problem=f"不是 UTF-8 编码的文本(第 {exc.start} 字节处)",
                                expected="以 UTF-8 编码保存的 YAML 文件")) from None  # fmt: skip
    try:
        return yaml.load(text, Loader=_unique_keys_loader())  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise DataError(_syntax_problem(path, exc)) from None


def _unique_keys_loader() -> type:
    """PyYAML's SafeLoader, except that a key written twice in one mapping is an error (YAML says keys are
    unique; PyYAML would silently keep the last value)."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"found duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark)
                seen[key] = key_node.start_mark.line
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


# PyYAML's most frequent complaints, in words; the original stays in brackets so it can be looked up
_YAML_HINTS = (
    ("mapping values are not allowed", "此处不能出现“键: 值”:值里含冒号时请给整个值加引号,或检查缩进"),
    ("expected ',' or ']'", "方括号 [ 开始的列表没有闭合"),
    ("expected ',' or '}'", "花括号 { 开始的映射没有闭合"),
    ("found character '\\t'", "含制表符(Tab):YAML 只能用空格缩进"),
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("could not find expected ':'", "缺少冒号"),
    ("expected <block end>", "缩进不一致"),
    ("did not find expected key", "缩进不一致"),
    ("did not find expected '-' indicator", "列表项缩进不一致"),
    ("found duplicate anchor", "锚点(&)重复"),
    ("found duplicate key", "同一层里有重复的键(后写的会覆盖先写的)"),
)


def _syntax_problem(path: Path, exc: Exception) -> Problem:
    """Where the parser stopped (and where the unclosed construct began), with a hint in words."""
    problem_mark, context_mark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    original = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
    original = original or str(exc).splitlines()[0]
    hint = next((words for key, words in _YAML_HINTS if key in original), "无法解析")
    where = []
    mark = context_mark or problem_mark
    if context_mark is not None and problem_mark is not None and context_mark.line != problem_mark.line:
        where.append(f"始于第 {context_mark.line + 1} 行第 {context_mark.column + 1} 列,"
                     f"到第 {problem_mark.line + 1} 行第 {problem_mark.column + 1} 列仍未结束")  # fmt: skip
    elif mark is not None:
        where.append(f"第 {mark.column + 1} 列")
    return Problem(file=str(path), row=mark.line + 1 if mark is not None else None,
                   problem=f"YAML 语法错误:{hint}({';'.join([*where, original])})",
                   expected="检查该处的缩进、冒号、括号和引号")  # fmt: skip


def load_mapping(path: Path | str, expected: str) -> dict:
    """Like :func:`load_yaml`, but the file must hold a mapping (``expected`` says what it should contain)."""
    raw = load_yaml(path)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataError(Problem(file=str(path), problem="文件内容不是一个映射(键: 值)", expected=expected))
    return raw


class FieldValueError(ValueError):
    """A model validator's refusal that belongs to one field: :func:`validation_problems` names that field
    (pydantic would place it on the whole entry)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def validation_problems(path: Path | str, raw: Any, errors: list[dict]) -> list[Problem]:
    """pydantic's errors (``ValidationError.errors()``) in words: which entry (with its id), which field, what."""
    return [_problem(str(path), raw, err) for err in errors]


def _problem(path: str, raw: Any, err: dict) -> Problem:
    loc = list(err.get("loc", ()))
    entry_parts: list[str] = []
    field = None
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            if not entry_parts:
                entry_parts.append("")
            entry_parts[-1] = f"{entry_parts[-1]}[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and "id" in node:
                entry_parts[-1] += f" (id={node['id']})"
        elif not entry_parts:
            entry_parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
        else:
            field = f"{field}.{part}" if field else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    error = (err.get("ctx") or {}).get("error")
    if isinstance(error, FieldValueError):
        field = f"{field}.{error.field}" if field else error.field
    return Problem(file=path, entry="".join(entry_parts) or None, field=field, problem=_translate(err))


def _translate(err: dict) -> str:
    kind = err.get("type", "")
    given = err.get("input")
    if kind == "missing":
        return "缺少必填字段"
    if kind == "extra_forbidden":
        return f"未知字段(值为 {given!r}),请检查拼写"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"取值 {given!r} 不在允许范围内,允许:{expected}"
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        wanted = "整数" if kind.startswith("int") else "数字"
        if isinstance(given, str) and _is_number(given):  # a quoted year: a type problem, not a bad number
            return f"“{given}”加了引号,是文字而不是{wanted};去掉引号,写成 {given.strip()}"
        return f"{given!r} 不是{wanted}"
    if kind in {"string_type"}:
        return f"{given!r} 应为文字"
    if kind in {"dict_type", "model_type"}:
        return f"应为一个映射(键: 值),而不是 {given!r}"
    if kind == "list_type":
        return f"应为一个列表,而不是 {given!r}"
    if kind == "string_pattern_mismatch":
        return f"{given!r} 格式不对:id 须为小写英文字母开头、只含小写字母数字和下划线"
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err.get("msg")))
    if kind == "too_short":
        return "列表为空"
    if kind == "finite_number":
        return f"“{given}”不是有限的数值:不能写 NaN(非数)、无穷大(.inf)或超出范围的数(如 1e400)"
    return f"{err.get('msg')}(值为 {given!r})"


def _is_number(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True
