"""Figures drawn once per build (issue 14): the build's figure cache, keyed on everything a figure is drawn from."""

from __future__ import annotations

import pandas as pd
import pytest

from planlib.presentation import figures as F


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "figure-cache"
    monkeypatch.setenv(F.FIGURE_CACHE_ENV, str(folder))
    monkeypatch.setenv("PLANLIB_ASSETS", "cache-test")
    monkeypatch.chdir(tmp_path)
    return folder


def _draw(calls: list[str], label: str = "一"):
    """A synthetic test figure whose title is ``label``; each drawing is recorded in ``calls``."""

    def draw() -> F.Figure:
        import matplotlib.pyplot as plt

        from planlib.presentation.style import house_style

        calls.append(label)
        with house_style():
            fig, ax = plt.subplots(figsize=(2, 1.5))
            ax.plot([1, 2], [3, 4])
            ax.set_title(label)
        return F.Figure(fig, alt=f"折线图{label}", caption=f"图{label}", name="cache-test", marks="†")

    return draw


def test_without_the_variable_every_call_draws(tmp_path, monkeypatch):
    monkeypatch.delenv(F.FIGURE_CACHE_ENV, raising=False)
    calls: list[str] = []
    F.cached("k", _draw(calls))
    F.cached("k", _draw(calls))
    assert calls == ["一", "一"]


def test_a_figure_is_drawn_once_and_read_back_whole(cache):
    calls: list[str] = []
    first = F.cached(F.fingerprint("chart", 2025), _draw(calls))
    again = F.cached(F.fingerprint("chart", 2025), _draw(calls))
    assert calls == ["一"]
    assert again.figure is None and first.figure is not None
    assert again.render() == first.render()
    assert (again.alt, again.caption, again.name, again.marks) == ("折线图一", "图一", "cache-test", "†")
    other = F.cached(F.fingerprint("chart", 2024), _draw(calls, "二"))
    assert calls == ["一", "二"] and other.render() != first.render()
    # the publisher's view of a figure read back is the one of the figure drawn
    assert again.markdown() == first.markdown() == '![图一](cache-test/figures/cache-test.png){#fig-cache-test alt="折线图一"}\n'


def test_the_key_follows_the_data():
    frame = pd.DataFrame({"region": ["万州区", "涪陵区"], "value": [1.0, 2.0]})
    changed = frame.assign(value=[1.0, 2.5])
    assert F.fingerprint("m", frame) == F.fingerprint("m", frame.copy())
    assert F.fingerprint("m", frame) != F.fingerprint("m", changed)
    assert F.fingerprint("m", frame) != F.fingerprint("m", frame.rename(columns={"value": "v"}))
    assert F.fingerprint("m", frame["value"]) != F.fingerprint("m", changed["value"])


def test_reports_that_see_the_same_data_share_their_figures(cache):
    # annual-2025 and final-2025 see the same observations: the second draws none of the first's figures;
    # annual-2024 sees other data and draws its own, except the layout map, which depends on no report
    import planlib.sections.report as R

    annual, final = R.context(as_of=2025, report_kind="annual"), R.context(as_of=2025, report_kind="final")
    before = R.context(as_of=2024, report_kind="annual")
    drawn = {name: getattr(R, name)(annual) for name in ("status_chart", "layout_map", "alerts_chart")}
    shared = {name: getattr(R, name)(final) for name in drawn}
    assert all(f.figure is None for f in shared.values())
    assert {n: f.render() for n, f in shared.items()} == {n: f.render() for n, f in drawn.items()}
    assert R.status_chart(before).figure is not None  # 2024's data: drawn
    assert R.layout_map(before).figure is None  # the same map for every report
    assert len(list(cache.glob("*.png"))) == 4
