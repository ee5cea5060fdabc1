"""Pages from Jinja2 templates: one environment with autoescaping, the base layout's strings in
English and French, and the language a page is shown in.

Every HTML page of the service is a template in ``templates/`` extending ``base.html`` (site
menu, language switch, footer). Python code hands templates plain values; it writes no HTML.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from peersupport import __version__

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("en", "fr")

# The words of the layout itself; a page's own text lives in its template.
STRINGS = {
    "en": {"home": "Home", "query": "Query", "validate": "Validate", "roles": "Roles", "vocabulary": "Vocabulary", "api": "API",
           "language": "Language", "skip": "Skip to content", "licence": "Vocabulary and data under CC BY 4.0",
           "source": "Every term, shape and message cites its source."},
    "fr": {"home": "Accueil", "query": "Requêtes", "validate": "Vérifier", "roles": "Rôles", "vocabulary": "Vocabulaire", "api": "API",
           "language": "Langue", "skip": "Aller au contenu", "licence": "Vocabulaire et données sous licence CC BY 4.0",
           "source": "Chaque terme, forme et message cite sa source."},
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["version"] = __version__
    return env


def page_language(request: Request | None) -> str:
    """The language asked for by ``?lang=``, else the first of ``Accept-Language`` we have, else English."""
    if request is None:
        return "en"
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";", 1)[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def render_text(template: str, lang: str = "en", **context) -> str:
    """A template rendered to text, outside any request (``peersupport docs`` writes files so)."""
    return environment().get_template(template).render(lang=lang, strings=STRINGS[lang], path="/", **context)


def render(request: Request | None, template: str, status_code: int = 200, headers: dict | None = None,
           lang: str | None = None, **context) -> HTMLResponse:
    """A page of the site as the answer to ``request``."""
    lang = lang or page_language(request)
    path = request.url.path if request is not None else "/"
    html = environment().get_template(template).render(lang=lang, strings=STRINGS[lang], path=path, **context)
    return HTMLResponse(html, status_code=status_code, headers=headers)
