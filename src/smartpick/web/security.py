"""The app's guards: security headers on every answer, a limit on request size, a rate
limit per client, and CSRF tokens for the forms that change something (a signed double
submit: a random nonce signed with the installation's key, in a cookie the form must echo)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartpick.core.numbers import whole_number
from smartpick.store.limits import SharedBuckets

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Saved plans' links carry their token: never send it on to another site.
    "Referrer-Policy": "no-referrer",
}
MAX_BODY = 64 * 1024  # bytes; a profile or a form is a few hundred
CSRF_COOKIE = "smartpick_csrf"
log = logging.getLogger("smartpick.web")
PLAN_PAGES = ("/plan", "/plan.csv", "/plan.pdf")
COSTLY = 10.0  # requests' worth of the rate limit that a plan with geography=auto takes
RATE_FILE = "smartpick.ratelimit"
Call = Callable[[Request], Awaitable[Response]]


class Guards(BaseHTTPMiddleware):
    def __init__(self, app: object, buckets: SharedBuckets) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.buckets = buckets

    def _cost(self, request: Request) -> float:
        """What a request takes from its client's bucket: a plan that searches every
        geographic preference (geography=auto) costs seconds of CPU, so it counts for more."""
        costly = request.url.path in PLAN_PAGES and request.query_params.get("geography") == "auto"
        return min(COSTLY, self.buckets.capacity) if costly else 1.0

    async def dispatch(self, request: Request, call_next: Call) -> Response:
        length = request.headers.get("content-length")
        size = None if length is None else whole_number(length)
        if length is not None and (size is None or size > MAX_BODY):
            body = {
                "error": f"request too large: SmartPick reads at most {MAX_BODY // 1024} KB",
                "field": None,
                "hint": "Send fewer programs or shorter values.",
            }
            response: Response = JSONResponse(body, status_code=413)
        elif not request.url.path.startswith("/static/") and not self.buckets.take(
            request.client.host if request.client else "unknown", self._cost(request)
        ):
            body = {
                "error": "too many requests: slow down and try again in a minute",
                "field": None,
                "hint": None,
            }
            response = JSONResponse(body, status_code=429, headers={"Retry-After": "30"})
        elif request.method == "HEAD":  # a GET without its body (monitors, link checkers)
            request.scope["method"] = "GET"
            full = await call_next(request)
            async for _ in full.body_iterator:  # type: ignore[attr-defined]
                pass
            response = Response(status_code=full.status_code, headers=dict(full.headers))
        else:
            try:
                response = await call_next(request)
            except Exception:  # a bug: answered here, with the headers, the connection kept
                log.exception("internal error on %s %s", request.method, request.url.path)
                response = _internal_error(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


INTERNAL = "SmartPick hit an internal problem and could not answer; nothing you saved was changed"


def _internal_error(request: Request) -> Response:
    """The answer to an error SmartPick did not anticipate (the log gets the details, never
    the request's query, which can hold a profile)."""
    hint = "Try again; if it happens again, please report it with the page's address."
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": INTERNAL, "field": None, "hint": hint}, status_code=500)
    return PlainTextResponse(f"{INTERNAL}.\n{hint}\n", status_code=500)


class BodyLimit:
    """Counts the bytes of a request body as they are read and stops at MAX_BODY with a 413,
    whether or not the request said its length (a chunked body says none)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, "Request too large")
            return message

        await self.app(scope, counted, send)


def _signature(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()


def _signed(secret: bytes, token: str) -> bool:
    """A token this installation made: a random nonce and its HMAC under the install key."""
    nonce, _, signature = token.partition(".")
    return token.isascii() and hmac.compare_digest(
        signature.encode(), _signature(secret, nonce).encode()
    )


def csrf_token(request: Request) -> str:
    """The client's CSRF token: its cookie when this installation signed it, or a new one the
    page will set (a signed double submit: a cookie set by anyone else does not pass)."""
    secret: bytes = request.app.state.secret
    token = request.cookies.get(CSRF_COOKIE, "")
    if _signed(secret, token):
        return token
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_signature(secret, nonce)}"


def set_csrf_cookie(response: Response, token: str) -> None:
    """The token's cookie; a page that carries a token is never kept by a cache."""
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    response.headers["Cache-Control"] = "no-store"


def csrf_ok(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return (
        _signed(request.app.state.secret, cookie)
        and submitted.isascii()
        and hmac.compare_digest(cookie.encode(), submitted.encode())
    )
