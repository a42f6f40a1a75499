"""What each report's output depends on, as hashes: what needs rebuilding.

:func:`inputs_hash` covers what every report reads (planlib's source, the raw files that are not
observation tables, the monitoring results); :func:`seen_hash` the observations one report can see at its
``as_of`` and ``vintage``; :func:`report_hash` joins them with the notebook, the commentary, the parameters
and the engine; :func:`report_digests` gives every report of a manifest its hash, keeping the seen hashes
of the last build (:data:`SEEN_CACHE`) so a no-op build does not load the observations again.

May import: the base modules and, inside functions, :mod:`planlib.inputs` (loading the observations);
of :mod:`planlib.publish` only the manifest's types.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from planlib import __version__
from planlib._paths import PACKAGE_DIR

if TYPE_CHECKING:
    from planlib.publish.manifest import Manifest, Report


def _hash_tree(h: hashlib._Hash, folder: Path, suffixes: tuple[str, ...] | None = None) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if suffixes and path.suffix not in suffixes:
            continue
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())


def inputs_hash(root: Path) -> str:
    """Hash of what every report depends on: the raw files that are not observation tables (plan, districts,
    boundaries), monthly monitoring results (``data/monitoring``, made by ``planlib monitor run``) and
    planlib's source (code, YAML, templates, fonts). The observations count per report (:func:`seen_hash`)."""
    from planlib.inputs.observations import raw_observation_files

    h = hashlib.sha256(__version__.encode())
    raw = root / "data" / "raw"
    observations = {p.resolve() for p in raw_observation_files(raw)}
    for path in sorted(p for p in raw.rglob("*") if p.is_file()) if raw.is_dir() else []:
        if path.resolve() not in observations:
            h.update(str(path.relative_to(raw)).encode())
            h.update(path.read_bytes())
    if (root / "data" / "monitoring").is_dir():
        _hash_tree(h, root / "data" / "monitoring")
    _hash_tree(h, PACKAGE_DIR, (".py", ".yaml", ".typ", ".html", ".css", ".ttf", ".json", ".lua", ".docx"))
    return h.hexdigest()


# what a report reads of a row it cannot see (a period after its as_of) when that row cites a source it uses:
# the sources table names the first file and line citing a source and marks it by the confidence of its values
_SOURCE_COLUMNS = ["source_title", "source_url", "source_file", "source_line", "confidence", "preferred"]


def seen_hash(report: Report, observations) -> str:
    """Hash of the observations ``report`` can see: as known on its vintage (``as_known_on``), the rows whose
    period ends by the end of its ``as_of`` (or have no period), every column; of the other rows only what
    the sources table reads (``_SOURCE_COLUMNS``), and only for sources the visible rows cite. A correction
    to a 2025 figure therefore changes the hash of the reports with ``as_of`` 2025 alone. A report that is
    not a yearly report (the monthly bulletin) sees every row."""
    from planlib.inputs.observations import as_known_on
    from planlib.publish.manifest import MonthlyReport

    if isinstance(report, MonthlyReport):
        return hashlib.sha256(observations.to_csv(index=False).encode()).hexdigest()
    obs = as_known_on(observations, report.vintage)
    visible = obs["period_end"].isna() | (obs["period_end"] <= f"{report.as_of}-12-31")
    shown, hidden = obs[visible], obs[~visible]
    cited = set(zip(shown["source_title"], shown["source_url"], strict=True))
    cites = [pair in cited for pair in zip(hidden["source_title"], hidden["source_url"], strict=True)]
    hidden = hidden.loc[hidden.index[cites] if cites else hidden.index[:0]]
    h = hashlib.sha256(shown.to_csv(index=False).encode())
    h.update(hidden[_SOURCE_COLUMNS].to_csv(index=False).encode())
    return h.hexdigest()


def report_hash(report: Report, root: Path, shared: str, engine: str, seen: str = "") -> str:
    """What one report's output depends on (``shared``: :func:`inputs_hash`; ``seen``: :func:`seen_hash`);
    each output format records the hash it was built from."""
    h = hashlib.sha256(shared.encode())
    h.update(seen.encode())
    h.update((root / report.notebook).read_bytes())
    # the analysts' text (sections.commentary), in the commentary folder of the report's own site
    commentary = Path(report.commentary_dir or root / "reports" / "commentary") / f"{report.id}.md"
    if commentary.is_file():
        h.update(b"commentary" + commentary.read_bytes())
    h.update(json.dumps({"p": report.parameters, "e": engine, "t": report.title},
                        sort_keys=True, ensure_ascii=False).encode())  # fmt: skip
    return h.hexdigest()


SEEN_CACHE = "_seen"  # key of the state file entry that keeps the last build's seen hashes (not a report id)


def report_digests(manifest: Manifest, root: Path, engine_id: str, shared: str | None = None,
                   state: dict | None = None) -> dict[str, str | None]:  # fmt: skip
    """Every report's :func:`report_hash` (None: its notebook does not exist). Observations that do not load
    (a :class:`planlib.errors.DataError`) count whole for every report: each rebuilds and says what is wrong.

    ``state`` (the build record) may hold the seen hashes of the last build under :data:`SEEN_CACHE`, keyed
    by the bytes of every observation file, planlib's source (``shared``) and the reports' parameters: when
    none of them changed the observations are not loaded again (a no-op build stays fast); the entry is
    updated in ``state``."""
    from planlib.errors import DataError
    from planlib.inputs.observations import load_observations, raw_observation_files

    shared = shared or inputs_hash(root)
    files = raw_observation_files(root / "data" / "raw")
    key = hashlib.sha256(shared.encode())
    for path in files:
        key.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    key.update(json.dumps([[r.id, r.parameters] for r in manifest.reports], sort_keys=True, default=str).encode())
    cached = (state or {}).get(SEEN_CACHE) or {}
    seen: dict[str, str] = dict(cached.get("seen", {})) if cached.get("key") == key.hexdigest() else {}
    if any(r.id not in seen for r in manifest.reports):
        try:
            observations = load_observations(files)
            seen = {r.id: seen_hash(r, observations) for r in manifest.reports}
        except DataError:
            whole = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
            seen = {r.id: whole for r in manifest.reports}
    if state is not None:
        state[SEEN_CACHE] = {"key": key.hexdigest(), "seen": seen}
    return {r.id: report_hash(r, root, shared, engine_id, seen[r.id] + _site_observations_hash(r))
            if (root / r.notebook).is_file() else None for r in manifest.reports}  # fmt: skip


def _site_observations_hash(report: Report) -> str:
    """The bytes of the tidy observations file a manifest's ``site.observations`` gives its reports ('' when the
    reports read data/raw): its path is a parameter, its content must count too."""
    path = report.parameters.get("observations")
    if not path or not Path(str(path)).is_file():
        return ""
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()

