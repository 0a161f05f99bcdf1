"""Pictures of the graph: an author's coauthor network, topics over time, a topic's papers per year.

The same figures are drawn for the web app (``scholarkg serve``, SVG at their own URLs) and for
``scholarkg plot`` (an SVG or PNG file), so a picture on screen and on disk is one picture.
matplotlib draws them on the server (no script and no request to any other host in the browser;
the CLI writes the same bytes); networkx lays out the network. Output is reproducible: the
layout has a fixed seed, the SVG ids a fixed hash salt, and no date or software version is
written into the file, so the same data give byte-identical pictures.

Each drawn element that a reader (or a test) may want to find carries an SVG id: the network's
people are one marker collection ``<prefix>-people`` (one marker per person, each a link to the
person's page when URLs are given), their labels ``<prefix>-label-<n>``, the ties
``<prefix>-ties``; a chart's year ticks are ``<prefix>-year-<YYYY>``, its bars ``<prefix>-bars``
or, stacked, ``<prefix>-topic-<topic>``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; must precede the pyplot-free imports below on some backends

import networkx as nx
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from scholarkg.errors import UsageError

__all__ = [
    "IMAGE_FORMATS",
    "SIZES",
    "CoauthorNetwork",
    "YearCounts",
    "coauthor_network_figure",
    "image_format",
    "papers_per_year_figure",
    "render",
    "topics_over_time_figure",
]

IMAGE_FORMATS = {".svg": "svg", ".png": "png"}
SIZES = {"network": (7.5, 6.0), "topics": (7.5, 3.6), "papers": (7.5, 3.2)}
"""Each picture's size in inches (width, height): a page keeps the room for a picture it loads."""
_SEED = 7
_HASH_SALT = "scholarkg"
_PALETTE = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb",
            "#000000"]
_RC = {
    "svg.hashsalt": _HASH_SALT,
    "svg.fonttype": "none",  # text stays text: selectable, searchable, and no glyph paths
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# matplotlib's rcParams are process-wide and its text layout caches are not meant for several
# threads at once; the web app renders from worker threads, so rendering is serialised.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class CoauthorNetwork:
    """An author, the coauthors shown (most joint papers first) and the ties among them.

    ``joint`` gives each coauthor's number of papers with the author; ``ties`` the number of
    papers two shown people share (pairs in either order, the author included); ``urls`` an
    optional link per person.
    """

    author: str
    coauthors: Sequence[str]
    joint: Mapping[str, int]
    ties: Mapping[tuple[str, str], int]
    urls: Mapping[str, str] = field(default_factory=dict)

    @property
    def people(self) -> list[str]:
        return [self.author, *self.coauthors]


@dataclass(frozen=True)
class YearCounts:
    """Counts per year, split by a key (a topic); ``years`` in ascending order."""

    years: Sequence[int]
    series: Mapping[str, Sequence[int]]


def image_format(path: Path) -> str:
    """``svg`` or ``png`` from the file's extension.

    Raises:
        UsageError: any other extension.
    """
    try:
        return IMAGE_FORMATS[path.suffix.lower()]
    except KeyError:
        raise UsageError(f"{path}: the picture's format follows its extension; use .svg or .png") from None


def _figure(width: float, height: float, *, margins: dict[str, float] | None = None) -> Figure:
    """A figure with fixed margins: matplotlib's constrained layout measured every text twice and
    was a third of the drawing time (the web app draws two pictures per author page)."""
    figure = Figure(figsize=(width, height), dpi=100)
    figure.subplots_adjust(**(margins or {"left": 0.08, "right": 0.98, "bottom": 0.1, "top": 0.9}))
    return figure


def coauthor_network_figure(network: CoauthorNetwork, *, prefix: str = "network") -> Figure:
    """The author in the middle, coauthors around, line width by shared papers.

    networkx's spring layout with a fixed seed places the people (nodes sorted by name first, so
    the layout does not depend on the order the rows came in); the author is pinned at the centre.
    """
    graph = nx.Graph()
    people = network.people
    graph.add_nodes_from(sorted(people))
    for (one, two), weight in sorted(network.ties.items()):
        if one in graph and two in graph and one != two:
            graph.add_edge(one, two, weight=weight)
    fixed = {network.author: (0.0, 0.0)}
    if len(people) > 1:
        initial = nx.circular_layout(sorted(people))
        initial.update(fixed)
        positions = nx.spring_layout(graph, pos=initial, fixed=[network.author], seed=_SEED,
                                     k=1.6 / max(len(people), 1) ** 0.5, iterations=80)
    else:
        positions = fixed
    with _LOCK, matplotlib.rc_context(_RC):
        figure = _figure(*SIZES["network"], margins={"left": 0.0, "right": 1.0, "bottom": 0.0, "top": 1.0})
        axes = figure.add_subplot()
        axes.set_axis_off()
        heaviest = max((d["weight"] for _, _, d in graph.edges(data=True)), default=1)
        edges = sorted(graph.edges(data=True))
        ties = LineCollection(
            [(positions[one], positions[two]) for one, two, _ in edges],
            colors=["#4477aa" if network.author in (one, two) else "#bbbbbb" for one, two, _ in edges],
            linewidths=[0.6 + 3.0 * d["weight"] / heaviest for _, _, d in edges], zorder=1, alpha=0.8)
        ties.set_gid(f"{prefix}-ties")
        axes.add_collection(ties)  # one artist for all lines: a Line2D each cost 1-2 ms per tie
        xs = [positions[p][0] for p in people]
        ys = [positions[p][1] for p in people]
        sizes = [420.0] + [90.0 + 50.0 * network.joint.get(p, 1) for p in network.coauthors]
        colours = ["#ee6677"] + ["#4477aa"] * len(network.coauthors)
        markers = axes.scatter(xs, ys, s=sizes, c=colours, zorder=2, edgecolors="white", linewidths=1)
        markers.set_gid(f"{prefix}-people")
        if network.urls:
            markers.set_urls([network.urls.get(p) for p in people])
        for number, person in enumerate(people):
            x, y = positions[person]
            label = axes.text(x, y - 0.07, person, ha="center", va="top", zorder=3,
                              fontsize=10 if number == 0 else 8,
                              fontweight="bold" if number == 0 else "normal", parse_math=False)
            label.set_gid(f"{prefix}-label-{number}")
        axes.margins(0.16, 0.08)
    return figure


def _bars(positions: Iterable[int], heights: Sequence[int], bottoms: Sequence[int], colour: str
          ) -> PolyCollection:
    """One collection of bar rectangles: ``Axes.bar`` adds a patch per bar and updates the limits
    for each (most of a chart's drawing time); the limits are set once by the caller instead."""
    shapes = [[(x - 0.35, b), (x + 0.35, b), (x + 0.35, b + h), (x - 0.35, b + h)]
              for x, h, b in zip(positions, heights, bottoms, strict=True) if h]
    return PolyCollection(shapes, facecolors=colour, edgecolors="none")


def _year_axis(axes, years: Sequence[int], prefix: str) -> None:
    """Years under the bars as plain text (``<prefix>-year-<YYYY>``) and one collection of tick
    marks: matplotlib's own ticks cost an artist per tick, each measured again when drawn (a
    third of a chart's drawing time)."""
    axes.set_xlim(-0.6, max(len(years) - 0.4, 0.6))
    axes.set_xticks([])
    along = axes.get_xaxis_transform()  # x in data (bar numbers), y as a fraction of the axes
    ticks = LineCollection([[(n, 0.0), (n, -0.012)] for n in range(len(years))], colors="black",
                           linewidths=0.8, transform=along, clip_on=False)
    axes.add_collection(ticks, autolim=False)
    for number, year in enumerate(years):
        label = axes.text(number, -0.025, str(year), transform=along, ha="center", va="top",
                          parse_math=False)
        label.set_gid(f"{prefix}-year-{year}")


def _legend(axes, entries: Sequence[tuple[str, str]], *, columns: int = 4) -> None:
    """(label, colour) pairs in rows of ``columns`` at the top left: a swatch collection and one
    text each, placed on a fixed grid (``Axes.legend`` measured and packed every entry, as much
    time as all the bars)."""
    if not entries:
        return
    columns = min(columns, len(entries))
    spots = [(0.01 + 0.2 * (n % columns), 0.965 - 0.075 * (n // columns)) for n in range(len(entries))]
    swatches = PolyCollection([[(x, y - 0.018), (x + 0.035, y - 0.018), (x + 0.035, y + 0.018),
                                (x, y + 0.018)] for x, y in spots],
                              facecolors=[colour for _, colour in entries], edgecolors="none",
                              transform=axes.transAxes, clip_on=False)
    axes.add_collection(swatches, autolim=False)
    for (label, _), (x, y) in zip(entries, spots, strict=True):
        axes.text(x + 0.045, y, label, transform=axes.transAxes, ha="left", va="center", fontsize=8,
                  parse_math=False)


def topics_over_time_figure(counts: YearCounts, *, title: str = "", prefix: str = "topics") -> Figure:
    """Stacked bars: per year, the author's papers in each topic (topics in name order)."""
    with _LOCK, matplotlib.rc_context(_RC):
        figure = _figure(*SIZES["topics"])
        axes = figure.add_subplot()
        bottoms = [0] * len(counts.years)
        legend: list[tuple[str, str]] = []
        for number, (topic, values) in enumerate(sorted(counts.series.items())):
            colour = _PALETTE[number % len(_PALETTE)]
            bars = _bars(range(len(counts.years)), values, bottoms, colour)
            bars.set_gid(f"{prefix}-topic-{topic}")
            axes.add_collection(bars)
            legend.append((topic, colour))
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        _year_axis(axes, counts.years, prefix)
        axes.set_ylabel("papers")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylim(0, max(bottoms, default=1) * 1.35 + 0.5)
        _legend(axes, legend)
        if title:
            axes.set_title(title, parse_math=False)
    return figure


def papers_per_year_figure(years: Sequence[int], papers: Sequence[int], *, title: str = "",
                           prefix: str = "papers") -> Figure:
    """Bars: papers per year (a topic's, or any other count per year)."""
    with _LOCK, matplotlib.rc_context(_RC):
        figure = _figure(*SIZES["papers"])
        axes = figure.add_subplot()
        bars = _bars(range(len(years)), papers, [0] * len(years), _PALETTE[0])
        bars.set_gid(f"{prefix}-bars")
        axes.add_collection(bars)
        axes.set_ylim(0, max(papers, default=1) * 1.1 + 0.5)
        _year_axis(axes, years, prefix)
        axes.set_ylabel("papers")
        axes.yaxis.get_major_locator().set_params(integer=True)
        if title:
            axes.set_title(title, parse_math=False)
    return figure


def render(figure: Figure, fmt: str = "svg") -> bytes:
    """The figure as SVG or PNG bytes, the same for the same figure in every run.

    No creation date, no software version; SVG ids come from a fixed hash salt.
    """
    if fmt not in ("svg", "png"):
        raise UsageError(f"unknown picture format {fmt!r}; use svg or png")
    buffer = io.BytesIO()
    metadata: dict[str, str | None] = (
        {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    )
    with _LOCK, matplotlib.rc_context(_RC):
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
