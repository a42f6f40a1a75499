"""Text as researchers paste it: one folded spelling per cell, and the traces encoding accidents leave.

:func:`fold` gives every cell one spelling (NFKC, dash look-alikes, no spaces) before numbers, periods
and names are read from it. :func:`decode` reads the bytes of a CSV as UTF-8 (with or without BOM) or
GB18030/GBK and refuses anything that would be mojibake; :func:`encoding_accident` names what an
accident left in one cell (U+FFFD, 锟斤拷, 烫烫, GBK or Latin-1 mojibake). All functions are pure.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from planlib.errors import CleanError

__all__ = ["ENCODING_EXPECTED", "MOJIBAKE_EXPECTED", "SAVE_AS_CSV", "decode", "encoding_accident", "fold"]

# NFKC leaves these dash look-alikes alone: the minus sign and hyphens mean "-", the bar means "—".
_DASH_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2015": "—"})
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def fold(text: str) -> str:
    """One spelling per cell: NFKC (０-９ ． ， ％ ～ （） → ASCII), dash look-alikes folded, no spaces."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(_DASH_FOLD))




SAVE_AS_CSV = "在 Excel 中“另存为 → CSV UTF-8(逗号分隔)”"
ENCODING_EXPECTED = f"UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK 编码的 CSV({SAVE_AS_CSV})"
# UTF-8 bytes of Chinese text read as Latin-1/Windows-1252 and saved again ("é‡\x8d" for 重)
_DOUBLE_ENCODED = re.compile(
    "[\u00c0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


@functools.cache
def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def decode(data: bytes, name: str) -> str:
    """Decode strictly as UTF-8 (BOM or not), else GB18030; refuse anything that would be mojibake."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise CleanError(
                f"“{name}”的编码无法识别:按 UTF-8 读在第 {utf8_error.start} 字节出错,"
                f"按 GB18030/GBK 读在第 {gb_error.start} 字节出错",
                ENCODING_EXPECTED,
            ) from None
        # GB18030 accepts most byte pairs, so Latin-1/Windows-1252 or Big5 text also "decodes". Real GBK
        # Chinese is almost all GB2312 characters; text made of other characters is the wrong codec.
        wide = [c for c in text if ord(c) > 127]
        odd = [c for c in wide if not _in_gb2312(c)]
        if len(odd) >= 2 and len(odd) > 0.25 * len(wide):
            raise CleanError(
                f"“{name}”不是 UTF-8(第 {utf8_error.start} 字节处),按 GB18030/GBK 读出的是乱码"
                f"(如“{''.join(odd[:6])}”),可能是 Latin-1、Windows-1252 或 Big5 等其他编码",
                ENCODING_EXPECTED,
            ) from None
    if any(unicodedata.category(c) == "Co" for c in text):  # private-use characters: a wrong codec
        raise CleanError(f"“{name}”解码后出现私用区字符,编码可能有误", ENCODING_EXPECTED)
    if any("\u0080" <= c <= "\u009f" for c in text) or len(_DOUBLE_ENCODED.findall(text)) >= 3:
        raise CleanError(
            f"“{name}”含有被错误转码的文字(如“{_mojibake_sample(text)}”):文件曾按错误的编码打开又保存",
            MOJIBAKE_EXPECTED,
        )
    return text


MOJIBAKE_EXPECTED = "从原始来源重新复制,保存为 UTF-8 编码的 CSV"
_MOJIBAKE_PROBLEM = "含有被错误转码的文字({sample}):文件曾按错误的编码打开又保存"
# What a GBK ↔ UTF-8 accident leaves behind for good: U+FFFD (a byte that could not be decoded),
# 锟斤拷 (U+FFFD's UTF-8 bytes read as GBK) and 烫烫/屯屯 (uninitialised memory 0xCC/0xCD shown as GBK).
_LOST_TEXT = re.compile("\ufffd+|(?:锟斤拷)+|烫{2,}|屯{2,}")
# A byte per character of Windows-1252 (Latin-1 for the five bytes it leaves undefined).
_LATIN_BYTE = {bytes([b]).decode("cp1252", errors="ignore") or chr(b): bytes([b]) for b in range(0x80, 0x100)}
_LATIN_RUN = re.compile("[" + re.escape("".join(_LATIN_BYTE)) + "]{3,}")
_WIDE_RUN = re.compile("[^\x00-\x7f]{3,}")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _hidden_utf8(chars: str, codes: list[bytes], min_cjk: int, need_rare: bool) -> tuple[str, str] | None:
    """(mojibake, original) if some stretch of ``chars``, turned back into its bytes ``codes``, is UTF-8 Chinese.

    ``need_rare``: at least one character of the stretch lies outside GB2312. Real GBK text is almost
    all GB2312; the UTF-8 bytes of Chinese read as GBK give many characters beyond it (鍩庨晣 = 城镇).
    """
    for start in range(len(chars)):
        if not 0xE0 <= codes[start][0] <= 0xEF:  # a CJK character is three bytes in UTF-8, E0–EF first
            continue
        data = b"".join(codes[start:])
        try:
            end = len(data.decode("utf-8")) and len(data)
        except UnicodeDecodeError as exc:
            end = exc.start
        # the bytes of Chinese in UTF-8 are all ≥ 0x80 and real Chinese is mostly GB2312: an ASCII
        # character or only rare characters in the "original" mean the bytes fit UTF-8 by chance
        decoded = data[:end].decode("utf-8")
        if any(c.isascii() for c in decoded) or sum(_is_cjk(c) and _in_gb2312(c) for c in decoded) < min_cjk:
            continue
        taken, size = 0, 0
        while start + taken < len(chars) and size < end:  # the characters whose bytes were read
            size += len(codes[start + taken])
            taken += 1
        stretch = chars[start : start + taken]
        if need_rare and all(_in_gb2312(c) for c in stretch):
            continue
        return stretch, decoded
    return None


def encoding_accident(cell: str) -> str | None:
    """What an encoding accident left in one text cell, as the message's detail, or None if the cell is clean.

    Finds U+FFFD, 锟斤拷, runs of 烫/屯, UTF-8 Chinese read as GBK (“鍩庨晣” for 城镇) and UTF-8 Chinese
    read as Latin-1/Windows-1252 (“åŸŽé•‡” for 城镇). Pure.
    """
    if match := _LOST_TEXT.search(cell):
        shown = "替换字符“\ufffd”" if match[0][0] == "\ufffd" else f"“{match[0]}”"
        return _MOJIBAKE_PROBLEM.format(sample=f"{shown},原字已丢失")
    for run in _WIDE_RUN.findall(cell):
        found = _hidden_utf8(run, [c.encode("gb18030") for c in run], min_cjk=2, need_rare=True)
        if found:
            return _MOJIBAKE_PROBLEM.format(sample=f"“{found[0]}”,按 UTF-8 重读是“{found[1]}”")
    for run in _LATIN_RUN.findall(cell):
        found = _hidden_utf8(run, [_LATIN_BYTE[c] for c in run], min_cjk=1, need_rare=False)
        if found:
            shown = re.sub("[\u0080-\u009f]", "?", found[0])
            return _MOJIBAKE_PROBLEM.format(sample=f"“{shown}”,按 UTF-8 重读是“{found[1]}”")
    return None


def _mojibake_sample(text: str) -> str:
    match = _DOUBLE_ENCODED.search(text) or re.search("[\u0080-\u009f]", text)
    start = match.start() if match else 0
    return re.sub("[\u0080-\u009f]", "?", text[start : start + 8])
