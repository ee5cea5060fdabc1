"""OpenAPI documentation at ``/docs`` served entirely from this machine.

FastAPI's built-in page loads Swagger UI from a CDN, which fails offline. The ``fastapi-swagger``
package ships Swagger UI 5 (which renders the OpenAPI 3.1 that FastAPI emits); we serve its files
under ``/static/swagger/`` and render FastAPI's own page with those local URLs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

from peersupport.web.headers import content_security_policy

SWAGGER_ASSETS = "/static/swagger"


def api_docs_router(title: str, openapi_url: str = "/openapi.json") -> APIRouter:
    router = APIRouter(include_in_schema=False)

    page = get_swagger_ui_html(
        openapi_url=openapi_url, title=f"{title} – API",
        swagger_js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_ASSETS}/favicon-32x32.png").body
    # The page starts Swagger UI with one inline script: the policy allows that script alone.
    policy = content_security_policy(tuple(_script_hash(s) for s in re.findall(rb"<script>(.*?)</script>", page, re.DOTALL)))

    @router.get("/docs")
    def swagger_ui():
        return HTMLResponse(page, headers={"Content-Security-Policy": policy})

    assets = str(files("fastapi_swagger") / "resources")
    router.routes.append(Mount(SWAGGER_ASSETS, app=StaticFiles(directory=assets), name="swagger"))
    return router


def _script_hash(script: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode()
