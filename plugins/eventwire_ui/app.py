"""The eventwire page and its JSON endpoints, as a FastAPI app for Airflow's API server.

Airflow mounts plugin apps without authenticating them, so every route here depends on
Airflow's own ``requires_authenticated``: the UI's session cookie (the page is shown in an
iframe on the same origin) or a bearer token from ``POST /auth/token`` lets a caller in. The
data root is read through the library's DuckDB views, never through the DAG files; where it
lives, and with which S3 credentials, ``eventwire_settings`` resolves for the DAGs and the page
alike.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
from airflow.api_fastapi.core_api.security import requires_authenticated
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from eventwire.fs import DataRoot
from eventwire.schema import PLOVER_TYPES, QUARANTINE_STAGES
from eventwire.store.feed_health import feed_health
from eventwire.store.manifest import read_manifests
from eventwire.store.palette import TYPE_COLOURS
from eventwire_settings import configured_root
from eventwire_ui import datadocs, queries, runs, worldmap_svg

URL_PREFIX = "/eventwire"
STATIC_DIR = Path(__file__).resolve().parent / "static"
DATA_DOCS = ("quality", "docs")

# Everything the page uses comes from the plugin itself; the iframe may only sit in Airflow's UI.
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'"

authenticated = requires_authenticated()

RootProvider = Callable[[], DataRoot]
Connector = Callable[[DataRoot], duckdb.DuckDBPyConnection]
SessionFactory = Callable[[], AbstractContextManager[Session]]


def library_connect(root: DataRoot) -> duckdb.DuckDBPyConnection:
    from eventwire.store.views import connect

    return connect(root)


def airflow_session() -> AbstractContextManager[Session]:
    from airflow.utils.session import create_session

    return create_session()


def create_app(
    root: RootProvider = configured_root,
    connect: Connector = library_connect,
    session: SessionFactory = airflow_session,
) -> FastAPI:
    """The plugin app; tests pass their own data root and metadata-database session."""
    app = FastAPI(
        title="eventwire",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(authenticated)],
    )
    app.include_router(_page_routes())
    app.include_router(_data_routes(root, connect), prefix="/api")
    app.include_router(_runs_routes(session), prefix="/api")
    app.include_router(_data_docs_routes(root))
    return app


def _page_routes() -> APIRouter:
    router = APIRouter()
    static_files = {path.name: path for path in STATIC_DIR.iterdir() if path.is_file()}

    @router.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "index.html", headers={"Content-Security-Policy": PAGE_CSP}
        )

    @router.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        if name not in static_files:
            raise HTTPException(404, f"no static file {name!r}")
        return FileResponse(static_files[name])

    return router


def _data_routes(root: RootProvider, connect: Connector) -> APIRouter:
    router = APIRouter()

    @contextmanager
    def views() -> Iterator[duckdb.DuckDBPyConnection]:
        data_root = root()
        try:
            connection = connect(data_root)
        except duckdb.Error as error:
            message = f"data root {data_root.url} is not readable: {error}"
            raise HTTPException(503, message) from error
        try:
            yield connection
        except duckdb.IOException as error:
            message = f"data root {data_root.url} could not be read: {error}"
            raise HTTPException(503, message) from error
        finally:
            connection.close()

    @router.get("/volumes")
    def volumes() -> dict:
        with views() as connection:
            return queries.volumes(connection)

    @router.get("/quality")
    def quality() -> dict:
        with views() as connection:
            return queries.quality_trend(connection)

    @router.get("/quarantine")
    def quarantine() -> dict:
        with views() as connection:
            return {"counts": queries.quarantine_counts(connection)}

    @router.get("/quarantine/samples")
    def quarantine_samples(
        stage: str = Query(..., description=f"one of {', '.join(QUARANTINE_STAGES)}"),
        reason: str = Query(...),
        limit: int = Query(queries.QUARANTINE_SAMPLES, ge=1, le=100),
    ) -> dict:
        with views() as connection:
            return {"samples": queries.quarantine_samples(connection, stage, reason, limit)}

    @router.get("/recodes")
    def recodes() -> dict:
        with views() as connection:
            return {"recodes": queries.recode_runs(connection)}

    @router.get("/events")
    def events(
        where: EventQuery,
        limit: int = Query(queries.EVENTS_PAGE, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> dict:
        with views() as connection:
            return queries.latest_events(connection, replace(where, limit=limit, offset=offset))

    @router.get("/map")
    def event_map(where: EventQuery) -> dict:
        with views() as connection:
            return {"places": queries.event_places(connection, where)}

    @router.get("/outlines")
    def outlines() -> Response:
        return Response(
            worldmap_svg.outlines_json(),
            media_type="application/json",
            headers={"Cache-Control": "max-age=86400"},
        )

    @router.get("/feeds")
    def feeds() -> dict:
        """Per-feed health from the ingest manifests (no DuckDB: small JSON files)."""
        data_root = root()
        return {
            "feeds": [item.as_dict() for item in feed_health(read_manifests(data_root, "ingest"))]
        }

    @router.get("/filters")
    def filters() -> dict:
        with views() as connection:
            countries = queries.event_countries(connection)
        return {
            "countries": countries,
            "plover_types": list(PLOVER_TYPES),
            "type_colours": TYPE_COLOURS,
        }

    return router


def event_filter(
    country: str | None = None,
    plover_type: str | None = Query(None, alias="type"),
    date_from: date | None = None,
    date_to: date | None = None,
    reported_only: bool = False,
) -> queries.EventFilter:
    """The events table's and map's shared filter, from the query string."""
    return queries.EventFilter(
        country=country or None,
        plover_type=plover_type or None,
        date_from=date_from,
        date_to=date_to,
        reported_only=reported_only,
    )


EventQuery = Annotated[queries.EventFilter, Depends(event_filter)]


def _runs_routes(session: SessionFactory) -> APIRouter:
    router = APIRouter()

    @router.get("/runs")
    def recent_runs() -> dict:
        with session() as open_session:
            return {"runs": runs.recent_runs(open_session)}

    return router


def _data_docs_routes(root: RootProvider) -> APIRouter:
    router = APIRouter()

    @router.get("/datadocs/{path:path}", include_in_schema=False)
    def data_docs(path: str) -> Response:
        if not path or path.endswith("/"):
            path += "index.html"
        clean = posixpath.normpath(path)
        if clean.startswith(("..", "/")):
            raise HTTPException(404, f"{path!r} is outside the Data Docs")
        data_root = root()
        if not data_root.exists(*DATA_DOCS, clean):
            raise HTTPException(404, f"no Data Docs page {clean!r} under {data_root.url}")
        media_type = mimetypes.guess_type(clean)[0] or "application/octet-stream"
        body = data_root.read_bytes(*DATA_DOCS, clean)
        if media_type not in datadocs.REWRITTEN_TYPES:
            return Response(body, media_type=media_type)
        text = datadocs.rewrite(body.decode("utf-8"), clean)
        headers = {"Content-Security-Policy": datadocs.content_security_policy(text)}
        return Response(text, media_type=media_type, headers=headers)

    @router.get("/vendor/{path:path}", include_in_schema=False)
    def vendor(path: str) -> FileResponse:
        found = datadocs.vendor_file(path)
        if found is None:
            raise HTTPException(404, f"no vendored asset {path!r}")
        return FileResponse(found, headers={"Cache-Control": "max-age=86400"})

    return router
