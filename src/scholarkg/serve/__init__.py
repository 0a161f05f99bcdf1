"""``scholarkg serve``: a read-only web app over an embedded store.

Search, author / paper / topic / organisation pages with their pictures, every minted IRI
resolving to a page or to its triples (content negotiation), the saved queries as forms, and a
read-only SPARQL 1.1 Protocol endpoint. Nothing is fetched from another host: templates, style
sheet, script and pictures all come from this package.
"""

from __future__ import annotations

from scholarkg.serve.app import AppConfig, create_app

__all__ = ["AppConfig", "create_app", "run"]


def run(config: AppConfig, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app with uvicorn until interrupted (binds to loopback unless told otherwise).

    ``uvicorn.Server`` rather than ``uvicorn.run``: the server shuts down on Ctrl-C or SIGTERM
    and then raises the signal again, which ``uvicorn.run`` swallows (exit 0, no word); raised,
    it reaches the CLI's one handler: one line and exit 130/143, as for every other command.
    """
    import uvicorn

    settings = uvicorn.Config(create_app(config), host=host, port=port, log_level="warning",
                              access_log=False)
    uvicorn.Server(settings).run()
