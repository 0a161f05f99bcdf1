"""The web app: routes, content negotiation, templates.

Starlette (with uvicorn as its server) is the framework: small, typed, well kept, with a
route table, static files and Jinja2 templates built in, and no request to another host.
Every page is rendered on the server from a Jinja2 template; pictures are SVG drawn by
:mod:`scholarkg.plot` and served from their own URLs (``/pictures/<what>/<entity path>.svg``),
which a page embeds with ``<object>`` (the network's people stay links), so a page is sent
without waiting for its drawings; the only script (``static/search.js``) fills in search results
as you type from ``/search.json``. The store is opened read-only and every route only reads.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pyoxigraph as ox
from markupsafe import Markup
from matplotlib.figure import Figure
from rdflib import Graph, Literal, URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scholarkg import __version__
from scholarkg.engines import OxigraphEngine
from scholarkg.errors import ScholarkgError
from scholarkg.namespaces import ARXIV, DEFAULT_BASE, PREFIXES
from scholarkg.plot import (
    SIZES,
    CoauthorNetwork,
    YearCounts,
    coauthor_network_figure,
    papers_per_year_figure,
    render,
    topics_over_time_figure,
)
from scholarkg.queries import get_query, list_queries, run_query
from scholarkg.results import format_results
from scholarkg.serve import data
from scholarkg.serve.index import Catalogue, Entry
from scholarkg.serve.sparql import UPDATE_REFUSED, accepted_types, answer

__all__ = ["AppConfig", "create_app"]

_HERE = Path(__file__).resolve().parent
PICTURE_CACHE = 256
_RDF_TYPES = {
    "text/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/x-turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/ld+json": ("json-ld", "application/ld+json"),
    "application/n-triples": ("nt", "application/n-triples"),
    "application/rdf+xml": ("xml", "application/rdf+xml"),
}
_FORMAT_PARAM = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
                 "rdf": "application/rdf+xml", "html": "text/html"}


@dataclass(frozen=True)
class AppConfig:
    """Where the data is and under which base IRI its entities were minted."""

    store: ox.Store
    base: str = DEFAULT_BASE


class _Site:
    """The app's state: the store as an engine, the name index, the templates, IRI ↔ path."""

    def __init__(self, config: AppConfig) -> None:
        self.store = config.store
        self.engine = OxigraphEngine(config.store)
        self.base = config.base if config.base.endswith(("/", "#", ":")) else config.base + "/"
        self.index = Catalogue.build(config.store)
        self.index.warm(topic=(data.TOPIC_AUTHORS, data.TOPIC_RECENT),
                        org=(data.ORG_PEOPLE, data.ORG_PAPERS))
        # Everything a first page would otherwise pay for once: matplotlib's fonts, networkx's
        # layout code, the compiled templates.
        render(papers_per_year_figure([2000], [1]))
        render(coauthor_network_figure(CoauthorNetwork("a", ["b"], {"b": 1}, {("a", "b"): 1})))
        render(topics_over_time_figure(YearCounts([2000, 2001], {"a": [1, 0], "b": [0, 1]})))
        self.templates = Jinja2Templates(directory=str(_HERE / "templates"))
        env = self.templates.env
        env.filters["href"] = self.path_of
        env.globals["version"] = __version__
        env.globals["short"] = self.short
        for template in sorted(p.name for p in (_HERE / "templates").glob("*.html")):
            env.get_template(template)
        self._pictures: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._warm_queries()
        # The catalogue is hundreds of thousands of objects that live as long as the app: kept
        # out of the collector, a full collection walks a request's garbage, not all of them.
        gc.collect()
        gc.freeze()

    def _warm_queries(self) -> None:
        """Run every page's look-ups once, on the first entity of each kind: each query text is
        checked with rdflib's SPARQL parser before it runs (10-50 ms a text, then cached), which
        made the first author, paper, profile and topic page pay 30-200 ms more than the next.
        (The pictures' look-ups are the author page's: the same texts.)"""
        people = self.index.first("person", 2)
        for entry in people[:1]:
            data.author_view(self.engine, entry.iri, link=self.path_of,
                             variants=[data.Named(e.iri, e.name) for e in people[1:]])
        for entry in self.index.first("paper"):
            data.paper_view(self.engine, entry.iri)
            data.triples_about(self.engine, entry.iri)
            data.links_about(self.engine, entry.iri)
            data.links_about(self.engine, entry.iri, limit=10_000)
        for entry in self.index.first("topic"):
            data.topic_view(self.engine, entry.iri, catalogue=self.index)
        for entry in self.index.first("organisation"):
            data.organisation_view(self.engine, entry.iri, catalogue=self.index)

    def picture(self, what: str, iri: URIRef, draw: Callable[[], Figure | None]) -> bytes | None:
        """An entity's picture as SVG, drawn once: the store is read-only, so a picture never
        changes while the app runs (the last ``PICTURE_CACHE`` are kept). ``None`` when ``draw``
        finds nothing to draw."""
        key = (what, str(iri))
        with self._cache_lock:  # requests run in worker threads
            cached = self._pictures.get(key)
            if cached is not None:
                self._pictures.move_to_end(key)
                return cached
        figure = draw()
        if figure is None:
            return None
        cached = render(figure)
        with self._cache_lock:
            self._pictures[key] = cached
            while len(self._pictures) > PICTURE_CACHE:
                self._pictures.popitem(last=False)
        return cached

    def picture_url(self, what: str, iri: URIRef) -> str:
        """Where an entity's picture is served: ``/pictures/<what>`` + the entity's path + ``.svg``."""
        return f"/pictures/{what}{self.path_of(iri)}.svg"

    def path_of(self, iri: str | URIRef | None) -> str | None:
        """The local path that serves ``iri`` (``/id/...``, ``/arxiv/...``), or None."""
        if iri is None:
            return None
        text = str(iri)
        if text.startswith(self.base):
            return "/id/" + quote(text[len(self.base):], safe="/-._~")
        if text.startswith(str(ARXIV)):
            return "/arxiv/" + quote(text[len(str(ARXIV)):], safe="/-._~")
        return None

    def short(self, iri: str | URIRef) -> str:
        text = str(iri)
        if text.startswith(self.base):
            return "id:" + text[len(self.base):]
        for prefix, namespace in PREFIXES.items():
            if text.startswith(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return text


def _wants(request: Request) -> str:
    """The media type to answer with: ``format=`` wins, then the ``Accept`` header."""
    fmt = request.query_params.get("format")
    if fmt in _FORMAT_PARAM:
        return _FORMAT_PARAM[fmt]
    for mime in accepted_types(request.headers.get("accept", "")):
        if mime in _RDF_TYPES or mime in ("text/html", "application/xhtml+xml"):
            return mime
    return "text/html"


def create_app(config: AppConfig) -> Starlette:
    """The Starlette app over ``config.store`` (the name index is read here, once)."""
    site = _Site(config)

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("query", request.query_params.get("q", ""))
        return site.templates.TemplateResponse(request, template, context, status_code=status)

    def not_found(request: Request, what: str) -> HTMLResponse:
        return page(request, "error.html", status=404, title="Not found", message=what)

    def home(request: Request) -> Response:
        counts = {kind: site.index.count(kind) for kind in ("person", "paper", "topic", "organisation")}
        return page(request, "home.html", title="scholarkg", counts=counts,
                    saved=list_queries())

    def search_hits(request: Request) -> tuple[str, dict[str, list[Entry]]]:
        text = request.query_params.get("q", "")[:200]
        return text, site.index.search(text, limit=20)

    def search(request: Request) -> Response:
        text, hits = search_hits(request)
        return page(request, "search.html", title=f"Search: {text}" if text else "Search", hits=hits)

    def search_json(request: Request) -> Response:
        _, hits = search_hits(request)
        return JSONResponse({kind: [{"name": e.name, "detail": e.detail, "href": site.path_of(e.iri)}
                                    for e in entries[:8]] for kind, entries in hits.items()})

    def rdf_answer(iri: URIRef, mime: str) -> Response:
        triples: list = data.triples_about(site.engine, iri)
        if not triples:  # a node only pointed at (a page's source): what points at it
            triples = [(s, p, iri) for s, p in data.links_about(site.engine, iri, limit=10_000)]
        if not triples:
            return Response(f"nothing is known about <{iri}>\n", status_code=404, media_type="text/plain")
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.bind("id", site.base)
        for triple in triples:
            graph.add(triple)
        fmt, media = _RDF_TYPES[mime]
        body = graph.serialize(format=fmt, encoding="utf-8")
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    def entity(request: Request, iri: URIRef) -> Response:
        mime = _wants(request)
        if mime in _RDF_TYPES:
            return rdf_answer(iri, mime)
        response = entity_page(request, iri)
        response.headers["Vary"] = "Accept"
        return response

    def entity_page(request: Request, iri: URIRef) -> Response:
        kind = str(iri)[len(site.base):].split("/", 1)[0] if str(iri).startswith(site.base) else "topic"
        if kind == "person":
            variants = [data.Named(e.iri, e.name) for e in site.index.variants_of(iri)]
            view = data.author_view(site.engine, iri, variants=variants, link=site.path_of)
            if view is not None:
                return page(request, "person.html", title=view.name, view=view, iri=iri,
                            shown=len(view.network.coauthors),
                            network=_embed(site.picture_url("network", iri), "network"),
                            chart=_embed(site.picture_url("topics", iri), "topics"))
        elif kind == "paper":
            paper = data.paper_view(site.engine, iri)
            if paper is not None:
                return page(request, "paper.html", title=paper.title, view=paper, iri=iri)
        elif kind == "topic":
            topic = data.topic_view(site.engine, iri, catalogue=site.index)
            if topic is not None:
                return page(request, "topic.html", title=f"{topic.notation} {topic.label}", view=topic,
                            chart=_embed(site.picture_url("papers", iri), "papers"), iri=iri)
        elif kind == "org":
            org = data.organisation_view(site.engine, iri, catalogue=site.index)
            if org is not None:
                return page(request, "org.html", title=org.name, view=org, iri=iri)
        elif kind == "authorship":
            paper = next((o for _, p, o in data.triples_about(site.engine, iri)
                          if str(p).endswith("vocab#paper")), None)
            path = site.path_of(paper)
            if path is not None:
                return RedirectResponse(path, status_code=303)
        triples = [t for t in data.triples_about(site.engine, iri) if t[0] == iri]
        incoming = data.links_about(site.engine, iri)
        if not triples and not incoming:
            return not_found(request, f"Nothing is known about {iri}.")
        return page(request, "entity.html", title=site.short(iri), iri=iri, triples=triples,
                    incoming=incoming, is_iri=lambda o: isinstance(o, URIRef),
                    is_literal=lambda o: isinstance(o, Literal))

    def by_id(request: Request) -> Response:
        return entity(request, URIRef(site.base + request.path_params["rest"]))

    def by_topic(request: Request) -> Response:
        return entity(request, URIRef(str(ARXIV) + request.path_params["rest"]))

    def draw(what: str, iri: URIRef) -> Figure | None:
        kind = str(iri)[len(site.base):].split("/", 1)[0] if str(iri).startswith(site.base) else "topic"
        if what in ("network", "topics") and kind == "person" and site.index.name_of(iri) is not None:
            if what == "network":
                return coauthor_network_figure(data.coauthor_network(site.engine, iri, link=site.path_of),
                                               prefix="network")
            return topics_over_time_figure(data.topics_over_time(site.engine, iri), prefix="topics")
        if what == "papers" and kind == "topic":
            topic = data.topic_view(site.engine, iri, catalogue=site.index)
            if topic is not None:
                return papers_per_year_figure(topic.years, topic.per_year, prefix="papers")
        return None

    def picture(request: Request) -> Response:
        """``/pictures/<what>/id/<entity>.svg`` (or ``/arxiv/<topic>.svg``): the picture alone."""
        what, rest = request.path_params["what"], request.path_params["rest"]
        iri: URIRef | None = None
        if rest.endswith(".svg"):
            local = rest.removesuffix(".svg")
            if local.startswith("id/"):
                iri = URIRef(site.base + local.removeprefix("id/"))
            elif local.startswith("arxiv/"):
                iri = URIRef(str(ARXIV) + local.removeprefix("arxiv/"))
        svg = site.picture(what, iri, lambda: draw(what, iri)) if iri is not None else None
        if svg is None:
            return Response(f"no {what} picture at {request.url.path}\n", status_code=404,
                            media_type="text/plain")
        return Response(svg, media_type="image/svg+xml")

    def queries_page(request: Request) -> Response:
        return page(request, "queries.html", title="Saved queries", saved=list_queries())

    def query_page(request: Request) -> Response:
        try:
            saved = get_query(request.path_params["name"])
        except ScholarkgError as exc:
            return not_found(request, exc.message)
        submitted = "run" in request.query_params
        values = {p.name: request.query_params.get(p.name, "") for p in saved.params}
        given = {k: v for k, v in values.items() if v != ""}
        results = error = None
        elapsed = 0.0
        if submitted:  # never on opening the page: collaborations takes seconds on a big store
            started = time.perf_counter()
            try:
                results = run_query(saved, given, site.engine)
            except ScholarkgError as exc:
                error = exc.message
            elapsed = time.perf_counter() - started
        fmt = request.query_params.get("format")
        if results is not None and fmt in ("csv", "json", "tsv"):
            media = {"csv": "text/csv; charset=utf-8", "json": "application/sparql-results+json",
                     "tsv": "text/tab-separated-values; charset=utf-8"}[fmt]
            return Response(format_results(results, fmt), media_type=media, headers={
                "Content-Disposition": f'attachment; filename="{saved.name}.{fmt}"'})
        download = urlencode({**given, "run": "1"})
        return page(request, "query.html", status=400 if error else 200, title=saved.title or saved.name,
                    saved=saved, values=values, results=results, error=error, elapsed=elapsed,
                    download=download, cell=lambda term: _cell(site, term))

    async def sparql(request: Request) -> Response:
        fmt = request.query_params.get("format")
        accept = request.headers.get("accept", "")
        text: str | None
        if request.method == "GET":
            if "update" in request.query_params:
                return _refuse_update()
            text = request.query_params.get("query")
        else:
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return _refuse_update()
            if kind == "application/sparql-query":
                text = (await request.body()).decode("utf-8", errors="replace")
            else:  # the protocol's form: application/x-www-form-urlencoded
                form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
                if "update" in form:
                    return _refuse_update()
                text = form.get("query", [None])[0]
                fmt = fmt or form.get("format", [None])[0]
        if not text:
            if request.method == "GET" and "text/html" in accept:
                return page(request, "sparql.html", title="SPARQL")
            return Response("give a SPARQL query in query= (GET or POST)\n", status_code=400,
                            media_type="text/plain")
        result = answer(site.store, text, accept=accept, fmt=fmt)
        return Response(result.body, status_code=result.status, media_type=result.media_type)

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/search.json", search_json),
        Route("/id/{rest:path}", by_id),
        Route("/arxiv/{rest:path}", by_topic),
        Route("/pictures/{what}/{rest:path}", picture),
        Route("/queries", queries_page),
        Route("/queries/{name}", query_page),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static"),
    ]
    # The IRIs' own paths resolve too (https://w3id.org/scholarkg/id/... → /scholarkg/id/...).
    base_path = urlsplit(site.base).path
    if base_path not in ("", "/", "/id/"):
        routes.append(Route(base_path.rstrip("/") + "/{rest:path}", by_id))
    arxiv_path = urlsplit(str(ARXIV)).path
    routes.append(Route(arxiv_path.rstrip("/") + "/{rest:path}", by_topic))
    app = Starlette(routes=routes, middleware=[Middleware(_ServerTiming)])
    app.state.site = site
    return app


def _embed(url: str, what: str) -> Markup:
    """A picture in a page: an ``<object>`` (links inside an SVG work there, not in ``<img>``)
    that keeps the picture's proportions while it loads; the fallback is a link to it."""
    width, height = SIZES[what]
    return Markup('<object data="{0}" type="image/svg+xml" class="picture" style="aspect-ratio: {1} / {2}">'
                  '<a href="{0}">picture</a></object>').format(url, width, height)


def _refuse_update() -> Response:
    return Response(UPDATE_REFUSED + "\n", status_code=403, media_type="text/plain; charset=utf-8")


class _ServerTiming:
    """Adds ``Server-Timing: app;dur=MS, cpu;dur=MS`` to every response: the wall time from the
    request's arrival to the start of the answer (the page is rendered by then) and the CPU time
    the process spent meanwhile (the request's own when requests come one at a time, as in
    ``benchmarks/serve.py``; on a machine shared with other work it is the steadier figure)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, cpu = time.perf_counter(), time.process_time()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - started) * 1000
                used = (time.process_time() - cpu) * 1000
                timing = f"app;dur={spent:.1f}, cpu;dur={used:.1f}".encode()
                headers = [*message.get("headers", []), (b"server-timing", timing)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed)


def _cell(site: _Site, term: Any) -> Markup | str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        path = site.path_of(term)
        label = site.short(term)
        if path:
            return Markup('<a href="{}">{}</a>').format(path, label)
        return label
    return str(term)
