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
    """Serve the app with uvicorn until interrupted (binds to loopback unless told otherwise)."""
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False)
