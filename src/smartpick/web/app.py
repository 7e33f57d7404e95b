"""The FastAPI application: pages, the JSON API, static files, errors in one place."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from smartpick.errors import NotFoundError, SmartPickError
from smartpick.services import Services
from smartpick.settings import Config, load_config
from smartpick.web.security import Guards

WEB = Path(str(resources.files("smartpick.web")))
templates = Jinja2Templates(directory=str(WEB / "templates"))
templates.env.filters["percent"] = lambda v: "" if v is None else f"{v:.0%}"


def create_app(config: Config | None = None) -> FastAPI:
    """The app for one deployment: one Services (dataset, fitted parameters, caches)."""
    from smartpick.web import api, pages

    app = FastAPI(
        title="SmartPick",
        version="0.1.0",
        description="Residency application planner: chances, plans and Step 2 CK advice, "
        "every number traced to a public source.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = Services(config or load_config({}))
    app.add_middleware(Guards, rate_per_minute=app.state.services.config.rate_limit)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.exception_handler(SmartPickError)
    async def smartpick_error(request: Request, exc: SmartPickError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400 if exc.exit_code == 2 else 503
        body = {"error": exc.message, "field": getattr(exc, "field", None), "hint": exc.hint}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"error": body, "status": status}, status_code=status
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p not in ("body", "query"))
        body = {
            "error": f"{where}: {first['msg']}" if where else first["msg"],
            "field": where,
            "hint": None,
        }
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=422)
        return HTMLResponse(
            templates.get_template("error.html").render(request=request, error=body, status=422),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Errors raised by the framework itself (a body that is not JSON, a wrong method, a
        path that does not exist) in the same shape as SmartPick's own."""
        detail = exc.detail if isinstance(exc.detail, str) else "invalid request"
        body = {
            "error": detail[0].lower() + detail[1:] if detail else "invalid request",
            "field": None,
            "hint": None,
        }
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
        return HTMLResponse(
            templates.get_template("error.html").render(
                request=request, error=body, status=exc.status_code
            ),
            status_code=exc.status_code,
        )

    return app
