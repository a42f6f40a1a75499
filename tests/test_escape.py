"""Data text is never markup: the escaping helpers, checked by value and through pandoc → HTML and → Typst → PDF."""

from __future__ import annotations

import shutil
import string
import subprocess
from html.parser import HTMLParser

import pytest

from planlib.presentation.escape import (
    fold_lines,
    html_text,
    is_web_url,
    md_attr,
    md_link,
    md_text,
    md_urls,
    typst_string,
)
from planlib.presentation.style import FONT_DIR
from planlib.publish.offline import TEMPLATES, _pandoc

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# every ASCII punctuation character, Typst's shorthands, and the strings of the hostile-text case (test data)
HOSTILE = [
    string.punctuation,
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [link](javascript:alert(3)) *bold* #let x = 1 $ math $ {{ }} back\\slash \\",
    '#set page(paper: "a7") #let z = 3 #panic("typst-injected") $ a + b $',
    '<a href="javascript:alert(8)">click</a> ` raw ` ```{=html}',
    "11 districts and counties ... (dscnowi.com, 2022-05-08; a-?b)",
    "- not a list", "1. not a list", "= not a heading", "+ not a list", "// not a comment", "@not_a_citation",
    "'single' \"double\" -- --- ~ &amp; \\n \\u{41}",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*x* <b>", "\\*x\\* \\<b\\>"),
        ("城镇新增就业", "城镇新增就业"),
        ("73.2%", "73\\.2\\%"),
        ("a\nb", "a b"),
        ("本报告\n评估", "本报告评估"),  # no space between two Chinese characters (as east_asian_line_breaks)
        ("a  \t b", "a b"),  # a run of spaces is one space; four at a paragraph start would be code
        ("back\\slash \\", "back\\\\slash \\\\"),
        ("重慶\uff08繁體\uff09。", "重慶\uff08繁體\uff09。"),  # full-width punctuation is not markup
        (None, ""),
        (75.1, "75\\.1"),
    ],
)
def test_md_text(text, expected):
    assert md_text(text) == expected


def test_fold_lines():
    assert fold_lines("规划\r\n的实施\n进展,\nok\ttab\x00") == "规划的实施进展, ok tab"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/c", "[https\\:\\/\\/example\\.org\\/c](https://example.org/c)"),
        ('https://example.org/a"onmouseover="alert(4)',
         '[https\\:\\/\\/example\\.org\\/a\\"onmouseover\\=\\"alert\\(4\\)](https://example.org/a%22onmouseover=%22alert%284%29)'),
        ("https://example.org/b\"><script>alert(7)</script>",
         "[https\\:\\/\\/example\\.org\\/b\\\"\\>\\<script\\>alert\\(7\\)\\<\\/script\\>]"
         "(https://example.org/b%22%3E%3Cscript%3Ealert%287%29%3C/script%3E)"),
        ("javascript:alert(3)", "javascript\\:alert\\(3\\)"),  # never a link
        ("JavaScript:alert(3)", "JavaScript\\:alert\\(3\\)"),
        ("ftp://example.org/x", "ftp\\:\\/\\/example\\.org\\/x"),
        ("https://example.org/a b", "https\\:\\/\\/example\\.org\\/a b"),  # whitespace: not one URL
        ("(no URL known)", "\\(no URL known\\)"),
    ],
)
def test_md_link_only_for_http(url, expected):
    assert md_link(url) == expected


def test_md_urls_links_each_url_of_a_list():
    assert md_urls("https://a.org/x ; http://b.org/y") == (
        "[https\\:\\/\\/a\\.org\\/x](https://a.org/x) \\; [http\\:\\/\\/b\\.org\\/y](http://b.org/y)")
    assert md_urls("(no URL known)") == "\\(no URL known\\)"
    assert is_web_url("HTTPS://EXAMPLE.ORG") and not is_web_url("https://") and not is_web_url(None)


def test_typst_string_html_text_and_attr():
    assert typst_string('a "b" \\') == '"a \\"b\\" \\\\"'
    assert typst_string("#panic(1) $x$\n下一行") == '"#panic(1) $x$ 下一行"'
    assert html_text("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"
    assert md_attr('say "hi" & &amp;') == 'say \\"hi\\" \\& \\&amp\\;'


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "p":
            self.text.append("")

    def handle_data(self, data):
        if self.text:
            self.text[-1] += data


def _html(markdown: str) -> _Text:
    parser = _Text()
    parser.feed(_pandoc(markdown, "html5", []))
    return parser


def test_every_hostile_string_is_text_in_html():
    parser = _html("\n\n".join(md_text(s) for s in HOSTILE))
    assert {tag for tag, _ in parser.tags} == {"p"}  # no element made from data: no script, img, a, code
    # pandoc wraps long lines in the HTML source: compare with each run of whitespace as one space
    assert [" ".join(p.split()) for p in parser.text] == [" ".join(s.split()) for s in HOSTILE]


def test_links_in_html_are_http_only_and_show_the_url_as_written():
    urls = ['https://example.org/a"onmouseover="alert(4)', "javascript:alert(3)", "https://example.org/c"]
    parser = _html("\n\n".join(md_link(u) for u in urls))
    assert [a["href"] for tag, a in parser.tags if tag == "a"] == [
        "https://example.org/a%22onmouseover=%22alert%284%29", "https://example.org/c"]
    assert [t.strip() for t in parser.text] == urls


@needs_poppler
def test_every_hostile_string_prints_literally_in_the_pdf(tmp_path):
    import typst

    body = _pandoc("\n\n".join(md_text(s) for s in HOSTILE), "typst", [], lua_filter=TEMPLATES / "typst-literal.lua")
    source = tmp_path / "t.typ"
    source.write_text('#set page(width: 60cm, height: auto)\n#set text(font: "Noto Sans SC")\n' + body, encoding="utf-8")
    (tmp_path / "t.pdf").write_bytes(typst.compile(str(source), font_paths=[str(FONT_DIR)]))
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert [line for line in text.replace("\f", "").split("\n") if line] == HOSTILE
