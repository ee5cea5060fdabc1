"""Headers every response carries, by policy:

- CORS for the read-only query endpoints (``/sparql``, ``/queries``), so notebooks and pages on
  other origins can query: any origin, no credentials; preflight requests are answered here. The
  validator is not opened to other origins: uploads may hold an organisation's data.
- A Content-Security-Policy on HTML pages: scripts, styles, images and connections only from this
  service (inline styles allowed; inline scripts only where a page names their hash), no plugins,
  no framing, forms post only here.
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` everywhere.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'; form-action 'self'")
CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Accept, Content-Type"


def content_security_policy(script_hashes: tuple[str, ...] = ()) -> str:
    """The policy, allowing the inline scripts whose ``sha256-…`` hashes are given."""
    return CONTENT_SECURITY_POLICY.format(scripts="".join(f" '{h}'" for h in script_hashes))


def is_open_to_other_origins(path: str) -> bool:
    return path in ("/sparql", "/queries") or path.startswith("/queries/")


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cors = is_open_to_other_origins(scope["path"])
        request_headers = Headers(scope=scope)
        if cors and scope["method"] == "OPTIONS" and "origin" in request_headers \
                and "access-control-request-method" in request_headers:
            return await self._preflight(send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if cors:
                    headers["Access-Control-Allow-Origin"] = "*"
                    headers["Access-Control-Expose-Headers"] = "X-SPARQL-MaxRows, X-Cache"
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", content_security_policy())
            await send(message)

        await self.app(scope, receive, with_headers)

    @staticmethod
    async def _preflight(send):
        await send({"type": "http.response.start", "status": 204, "headers": [
            (b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", CORS_METHODS.encode()),
            (b"access-control-allow-headers", CORS_HEADERS.encode()), (b"access-control-max-age", b"86400"),
            (b"x-content-type-options", b"nosniff")]})
        await send({"type": "http.response.body", "body": b""})
