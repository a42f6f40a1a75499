"""Publishing: a manifest of parameterized notebooks → a static site of HTML pages and PDFs.

The publisher knows nothing about employment: it executes notebooks with parameters, turns their
Markdown outputs into HTML (pandoc) and PDF (pandoc → Typst), and writes ``reports/_site``. Two engines:
``offline`` (PyPI-installable tools only; the default when ``quarto`` is not on PATH) and ``quarto``.
"""
