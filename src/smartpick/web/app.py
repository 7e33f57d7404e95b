"""The FastAPI application: pages, the JSON API, static files, errors in one place."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Mapping
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from threadpoolctl import threadpool_limits

from smartpick.errors import NotFoundError, SmartPickError, StoreDamaged, StoreError
from smartpick.private import private_folder
from smartpick.services import Services
from smartpick.services.warm import warm_engine
from smartpick.settings import Config, install_secret, load_config, state_folder
from smartpick.store.limits import SharedBuckets
from smartpick.web import api, pages
from smartpick.web.security import RATE_FILE, BodyLimit, Guards
from smartpick.web.templating import WEB, templates

log = logging.getLogger("smartpick.web")


def create_app(config: Config | None = None, warm: bool = False) -> FastAPI:
    """The app for one deployment: one Services (dataset, fitted parameters, caches). With
    `warm` (smartpick serve), the engine's shared work is made before the first request is
    taken, so a restart under load answers at its usual speed from the start."""
    # A worker answers several pages at once, one per thread, and the workers share the
    # machine's cores: numpy's linear algebra must not start threads of its own on top. With
    # OpenBLAS's default (a thread per core in every call) five pages a second on two cores
    # stalled for ten seconds each (docs/benchmarks.md); with one thread they take 0.1-0.4 s.
    threadpool_limits(1)
    services = Services(config or load_config({}))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            started = time.perf_counter()
            pairs = warm_engine(services)
            services.store  # noqa: B018 - opened now, not by the first save (seconds)
            log.info("engine warmed: %d specialty-and-type pairs and the store in %.1f s",
                     pairs, time.perf_counter() - started)  # fmt: skip
        yield
        services.close()  # a clean stop leaves the database whole, its log emptied
        buckets.close()

    app = FastAPI(
        lifespan=lifespan,
        title="SmartPick",
        version="0.1.0",
        description="Residency application planner: chances, plans and Step 2 CK advice, "
        "every number traced to a public source.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.state.secret = install_secret(services.config)
    app.add_middleware(BodyLimit)
    rate = services.config.rate_limit
    folder = state_folder(services.config)
    private_folder(folder)
    # `rate` requests a minute, bursts up to a tenth of it, counted across the workers
    buckets = SharedBuckets(folder / RATE_FILE, rate, max(rate / 10, 1.0))
    app.add_middleware(Guards, buckets=buckets)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        """The database is down or unusable: the user gets a plain answer (not the server's
        address), the operator the details in the server's log; the next request tries the
        database again, so the app recovers by itself when it returns."""
        log.warning("database unavailable: %s", exc.message)
        if isinstance(exc, StoreDamaged):
            return _error(
                request,
                503,
                "saved plans cannot be opened or saved: SmartPick's database is damaged or "
                "missing, and its operator has to restore it",
                hint="Plans, chances and advice work meanwhile; save a plan later, or keep its "
                "page's address, which holds everything it was made from.",
            )
        return _error(
            request,
            503,
            "saved plans are unavailable for a moment: SmartPick cannot reach its database",
            hint="Nothing you saved is lost. Try again in a minute; plans, chances and advice "
            "work meanwhile, only saving and opening saved plans wait for the database.",
            headers={"Retry-After": "30"},
        )

    @app.exception_handler(SmartPickError)
    async def smartpick_error(request: Request, exc: SmartPickError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400 if exc.exit_code == 2 else 503
        return _error(request, status, exc.message, getattr(exc, "field", None), exc.hint)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p not in ("body", "query"))
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return _error(request, 422, message, where)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Errors raised by the framework itself (a body that is not JSON, a wrong method, a
        path that does not exist) in the same shape as SmartPick's own."""
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail else "invalid request"
        if exc.status_code == 404:
            message = "there is no page at this address"
        elif detail == HTTPStatus(exc.status_code).phrase:  # "Not Found", "Method Not Allowed"
            message = detail.lower()
        else:
            message = detail[0].lower() + detail[1:]
        return _error(request, exc.status_code, message, headers=exc.headers)

    return app


def _error(
    request: Request,
    status: int,
    message: str,
    field: str | None = None,
    hint: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """One error, in one shape: JSON under /api/, the error page elsewhere."""
    body = {"error": message, "field": field, "hint": hint}
    if request.url.path.startswith("/api/"):
        return JSONResponse(body, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"error": body, "status": status},
        status_code=status,
        headers=headers,
    )
