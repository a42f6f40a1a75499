"""区县 names as sources write them → the official name, code and kind (``districts.yaml``).

:func:`normalise_district` resolves every usual spelling of the 38 区县 (with or without 区/县, with the
city in front), the special zones (两江新区 …), published cluster totals and 全市, and the statistics
bureau's form for a district figure that includes a special zone (“綦江区(含万盛经开区)”). An unknown name
raises :class:`planlib.errors.CleanError` with the closest official names. :func:`district_keyed` does the
same for the keys of a researcher's own ``{区县: 数值}`` (names, short names or 6-digit codes), refusing
unknown and duplicate keys by name. :func:`district_table` and :func:`district_groupings` give the whole
file as data. ``districts.yaml`` is read once and checked.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planlib._config import load_mapping
from planlib._paths import PACKAGE_DIR
from planlib.errors import CleanError
from planlib.inputs.text import fold

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DistrictName", "district_groupings", "district_keyed", "district_table", "normalise_district"]

DISTRICTS_FILE = PACKAGE_DIR / "districts.yaml"

_REGION_KINDS = ("district", "special_zone", "cluster_total", "municipality")
_SECTIONS = {"districts": "district", "special_zones": "special_zone", "cluster_totals": "cluster_total",
             "municipality": "municipality"}  # fmt: skip
_NAME_EXPECTED = (
    "38 个区县的标准名称或常用简称(如 万州、石柱县)、"
    "特殊功能区(两江新区、重庆高新区、万盛经开区、双桥经开区)、片区合计(如 主城都市区(合计))或 全市;"
    "新的写法可加到 src/planlib/districts.yaml 的 aliases"
)

_FILE_EXPECTED = "districts.yaml:districts、special_zones、cluster_totals、municipality、groupings"


@dataclass(frozen=True)
class DistrictName:
    """A region name resolved to its official form.

    ``kind`` is "district" (one of the 38 区县, with its 6-digit ``code``), "special_zone" (两江新区 …,
    never added to district totals), "cluster_total" (a published 一区两群 total) or "municipality"
    (全市). ``short`` is the label for maps; ``raw`` is the name as given. ``includes`` names the special
    zones a district figure includes when the source says so (“綦江区(含万盛经开区)” → ("万盛经开区",)).
    """

    name: str
    code: str | None
    kind: str
    short: str | None
    raw: str
    includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Region:
    name: str
    code: str | None
    kind: str
    short: str
    aliases: tuple[str, ...]
    within: tuple[str, ...]
    rule: str | None
    groupings: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@functools.cache
def _regions() -> tuple[_Region, ...]:
    """The entries of districts.yaml, checked once (a broken data file must not half-work)."""
    spec = load_mapping(DISTRICTS_FILE, _FILE_EXPECTED)
    problems: list[str] = []
    regions: list[_Region] = []
    for section, kind in _SECTIONS.items():
        for entry in spec.get(section) or []:
            name = entry.get("name")
            if entry.get("kind", kind) != kind:
                problems.append(f"{name}: kind 应为 {kind}(位于 {section} 下)")
            code = str(entry["code"]) if kind == "district" and "code" in entry else None
            if kind == "district" and not (code and re.fullmatch(r"500\d{3}", code)):
                problems.append(f"{name}: 区县需要 6 位行政区划代码(500xxx)")
            if kind != "district" and not entry.get("rule"):
                problems.append(f"{name}: 不是区县,必须写明 rule")
            aliases, within = tuple(entry.get("aliases") or ()), tuple(entry.get("within") or ())
            short, rule = entry.get("short") or name, entry.get("rule")
            groupings, members = tuple(entry.get("groupings") or ()), tuple(entry.get("members") or ())
            if kind == "cluster_total":
                unknown = [g for g in groupings if g not in (spec.get("groupings") or {})]
                if not groupings or unknown:
                    problems.append(f"{name}: 片区合计须在 groupings 中写明所属划分(groupings 节中已定义的 id)")
                if len(set(members)) != len(members):
                    problems.append(f"{name}: members 中有重复的区县")
            regions.append(_Region(name, code, kind, short, aliases, within, rule, groupings, members))
    districts = [r for r in regions if r.kind == "district"]
    names_unique = len({r.name for r in regions}) == len(regions)
    if len(districts) != 38 or len({r.code for r in districts}) != 38 or not names_unique:
        problems.append("应有 38 个区县,代码和名称各不相同")
    official = {r.name for r in districts}
    problems += [
        f"{r.name}: within 中的“{w}”不是区县" for r in regions for w in r.within if w not in official
    ]
    problems += [f"{r.name}: members 中的“{m}”不是区县" for r in regions for m in r.members if m not in official]
    if problems:
        raise RuntimeError(f"{DISTRICTS_FILE} 有误:" + ";".join(problems))
    return tuple(regions)


@functools.cache
def _name_index() -> dict[str, _Region]:
    index: dict[str, _Region] = {}
    for region in _regions():
        for spelling in (region.name, region.short, *region.aliases):
            key = fold(spelling)
            if index.get(key, region) is not region:
                clash = f"别名“{spelling}”同时指向 {index[key].name} 和 {region.name}"
                raise RuntimeError(f"{DISTRICTS_FILE} 有误:{clash}")
            index[key] = region
    return index


def _suggestions(key: str, limit: int = 3, kinds: tuple[str, ...] = _REGION_KINDS) -> list[str]:
    """Official names of the given kinds whose spellings are closest to ``key`` (districts first on a tie)."""
    best: dict[str, tuple[float, int]] = {}
    for spelling, region in _name_index().items():
        if region.kind not in kinds:
            continue
        score = difflib.SequenceMatcher(None, key, spelling).ratio()
        if score >= 0.5 and score > best.get(region.name, (0.0, 0))[0]:
            best[region.name] = (score, _REGION_KINDS.index(region.kind))
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    return [name for name, _ in ranked[:limit]]


def _lookup(key: str) -> _Region | None:
    """The region a folded spelling names, allowing the city in front (“重庆市万州区”, “重庆万州”)."""
    index = _name_index()
    region = index.get(key)
    if region is None:
        for prefix in ("重庆市", "重庆"):
            rest = index.get(key.removeprefix(prefix)) if key.startswith(prefix) else None
            if rest is not None and rest.kind != "municipality":
                return rest
    return region


# “綦江区(含万盛经开区)”, “綦江(含万盛)”: the statistics bureau's own form for a district figure that
# includes a special zone lying inside it. Parentheses are folded to ASCII by NFKC first.
_WITH_ZONE = re.compile(r"(.+?)\((含|包括|包含)(.+)\)")
_ZONE_SEPARATORS = re.compile("[、,和及与]")


def _with_zones(raw: str, key: str) -> DistrictName | None:
    """Resolve “<区县>(含<特殊功能区>)”, or None when ``key`` has no parenthesis after a known name."""
    match = _WITH_ZONE.fullmatch(key) or re.fullmatch(r"(.+?)\((.*?)(.*)\)", key)
    if match is None:
        return None
    base = _lookup(match[1])
    if base is None:
        return None
    if base.kind != "district" or match[2] not in {"含", "包括", "包含"}:
        # the part before the parenthesis is known: the hint must name it and nothing else
        note = f"{match[2]}{match[3]}"
        zones = [r for r in _regions() if r.kind == "special_zone" and base.name in r.within]
        forms = "、".join([f"“{base.name}”"] + [f"“{base.name}(含{z.name})”" for z in zones])
        raise CleanError(
            f"“{raw}”:括号前的名称是{base.name},括号中的“{note}”无法识别",
            f"{forms};区县名称后的括号只用于“含”某个位于该区县内的特殊功能区",
        )
    included: list[str] = []
    for part in filter(None, _ZONE_SEPARATORS.split(match[3])):
        zone = _lookup(part)
        if zone is None or zone.kind != "special_zone":
            raise CleanError(
                f"“{raw}”:括号中的“{part}”不是特殊功能区,{base.name}的数值只能注明含某个位于其境内的特殊功能区",
                f"“{base.name}”,或“{base.name}(含特殊功能区名称)”",
            )
        if base.name not in zone.within:
            raise CleanError(
                f"“{raw}”:{zone.name}不在{base.name}境内,{base.name}的数值不可能含{zone.name}({zone.rule})",
                f"“{base.name}”;{zone.name}位于{'、'.join(zone.within)}境内",
            )
        included.append(zone.name)
    return DistrictName(base.name, base.code, base.kind, base.short, raw, tuple(dict.fromkeys(included)))


def normalise_district(name: str) -> DistrictName:
    """The official 区县 name and code for any usual spelling, or a special zone, cluster total or 全市.

    The statistics bureau's form for a district figure that includes a special zone lying within the
    district (“綦江区(含万盛经开区)”, “綦江(含万盛)”, “綦江区（含万盛）”) gives the district with
    ``includes`` set; a zone that does not lie within that district is refused, naming both and the
    zone's rule. Unknown names raise :class:`CleanError` quoting the name and suggesting the closest
    official names — never a different unit from the name before a parenthesis.
    """
    if name is None or (isinstance(name, float) and math.isnan(name)):
        raise CleanError("区县名称为空", _NAME_EXPECTED)
    raw = str(name)
    key = fold(raw)
    if not key:
        raise CleanError(f"区县名称为空(“{raw}”)", _NAME_EXPECTED)
    region = _lookup(key)
    if region is None:
        resolved = _with_zones(raw, key)
        if resolved is not None:
            return resolved
        # “某某(含…)”: the part before the parenthesis is a 区县, so only 区县 are suggested, and only for
        # that part — never the zone inside the parenthesis
        # A parenthesis after a name qualifies that name (“綦江区(不含万盛)”, “主城区(合计)”): suggestions
        # are for the part before it only, and never a special zone — the qualifier may name one
        # (万盛), the unit before it is not one.
        before, paren, inside = key.partition("(")
        if paren and before and inside.startswith(("含", "包括", "包含")):
            close = _suggestions(before, kinds=("district",))
        elif paren and before:
            close = _suggestions(before, kinds=("district", "cluster_total", "municipality"))
        else:
            close = _suggestions(key)
        hint = f";最接近的标准名称:{'、'.join(close)}" if close else ""
        raise CleanError(f"“{raw}”不是已知的区县或区域名称{hint}", _NAME_EXPECTED)
    return DistrictName(region.name, region.code, region.kind, region.short, raw)


_KIND_WORDS = {"special_zone": "特殊功能区", "cluster_total": "片区合计", "municipality": "全市合计"}


def _district_of_key(key: object) -> DistrictName:
    """The 区县 a key of a researcher's ``{区县: 数值}`` names: any spelling :func:`normalise_district`
    resolves, or a 6-digit code (also as an int). Raises :class:`CleanError` naming the key otherwise."""
    text = "" if key is None or (isinstance(key, float) and math.isnan(key)) else str(key)
    folded = fold(text)
    if not folded:
        raise CleanError(f"有一个区县键为空(“{text}”)")
    if re.fullmatch(r"\d{6}", folded):
        for region in _regions():
            if region.kind == "district" and region.code == folded:
                return DistrictName(region.name, region.code, region.kind, region.short, text)
        raise CleanError(f"“{text}”不是任何区县的 6 位行政区划代码")
    name = normalise_district(text)
    if name.kind != "district":
        what = _KIND_WORDS.get(name.kind, name.kind) + ("" if fold(name.name) == folded else name.name)
        raise CleanError(f"“{text}”是{what},不是区县")
    return name


def district_keyed(values: object, *, what: str = "区县数值") -> pd.Series:
    """``values`` — a Series or a mapping ``{区县: 数值}`` — re-keyed by official 区县 name, as ``planlib
    check`` reads names: a short name (万州 → 万州区), any spelling of ``districts.yaml``, a 6-digit code
    (500102 → 涪陵区, str or int), stray spaces and full-width characters.

    Returns a float Series (NaN stays NaN: a district without a value) indexed by official name, in the
    order given, with the Series' name and ``attrs`` kept. Raises ``ValueError`` listing every key that
    cannot be used, each named as given: an unknown name (with the closest official names), a code that
    is no district's, a name that is not a 区县 (全市, a special zone, a cluster total), and two keys that
    name the same 区县 (both named). ``what`` names the values in the message."""
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(dict(values), dtype=object)
    problems: list[str] = []
    first: dict[str, object] = {}  # official name -> the key that named it first
    names: list[str] = []
    for key, value in zip(series.index, series.to_numpy(), strict=True):
        try:
            name = _district_of_key(key)
        except CleanError as exc:
            problems.append(exc.problem)
            names.append("")
            continue
        if not _is_number(value):
            problems.append(f"“{key}”的数值“{value}”不是数")
        if name.name in first:
            problems.append(f"“{first[name.name]}”和“{key}”是同一个区县({name.name},{name.code}),只能给一个数值")
        else:
            first[name.name] = key
        names.append(name.name)
    if problems:
        raise ValueError(f"{what}中有 {len(problems)} 处无法使用:\n  " + "\n  ".join(problems))
    numbers = [float("nan") if _missing(v) else float(v) for v in series.to_numpy()]
    out = pd.Series(numbers, index=pd.Index(names, dtype=object), name=series.name, dtype=float)
    out.attrs = dict(getattr(series, "attrs", {}) or {})
    return out


def _is_number(value: object) -> bool:
    """A number, or missing (None/NaN: a district without a value); bools and text are not numbers."""
    import numbers

    if _missing(value):
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def given_keys(values: object, limit: int = 8) -> str:
    """The keys of ``values`` as given, quoted (“万州”“500102”…), for a message; ``没有给出任何区县`` for none."""
    keys = list(getattr(values, "index", None) if hasattr(values, "index") else values)
    if not keys:
        return "没有给出任何区县"
    shown = "".join(f"“{k}”" for k in keys[:limit])
    return f"给出的 {len(keys)} 个区县:{shown}" + ("等" if len(keys) > limit else "")


@functools.cache
def _district_frame() -> pd.DataFrame:
    import pandas as pd

    rows = [
        {"name": r.name, "code": r.code, "short": r.short, "kind": r.kind,
         "within": "、".join(r.within) or None, "rule": r.rule,
         "groupings": "、".join(r.groupings) or None, "members": "、".join(r.members) or None}
        for r in _regions()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["name", "code", "short", "kind", "within", "rule", "groupings", "members"])


def district_table() -> pd.DataFrame:
    """Every name in districts.yaml: name, code, short, kind, within, rule, groupings and members.

    The 38 区县 (kind "district") come first; special zones, cluster totals and 全市 follow with the
    rule for using their figures. ``within`` (special zones), ``groupings`` (cluster totals: the ids of
    :func:`district_groupings` they belong to) and ``members`` (cluster totals whose members are listed
    in districts.yaml: the spatial2024 ones) are “、”-separated names or None. A copy, so callers may
    modify it.
    """
    return _district_frame().copy()


def district_groupings() -> dict[str, dict[str, str]]:
    """The groupings of 区县 into clusters (districts.yaml ``groupings``): id → {name, source, note}.

    ``plan2020`` is the plan's 一区两群 (members in data/raw/district/clusters.csv); ``spatial2024`` is
    the 2024 spatial plan's grouping that the yearbooks use (members in :func:`district_table`).
    """
    stat = DISTRICTS_FILE.stat()  # parsed once per version of the file: load_clusters() asks on every call
    return {k: dict(v) for k, v in _district_groupings(stat.st_mtime_ns, stat.st_size).items()}


@functools.lru_cache(maxsize=4)
def _district_groupings(_mtime_ns: int, _size: int) -> dict[str, dict[str, str]]:
    spec = load_mapping(DISTRICTS_FILE, _FILE_EXPECTED)
    return {str(k): {f: str(v.get(f) or "").strip() for f in ("name", "source", "note")}
            for k, v in (spec.get("groupings") or {}).items()}  # fmt: skip
