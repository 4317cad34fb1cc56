"""GX Data Docs served offline: CDN URLs rewritten to the plugin's vendored copies, under a CSP.

Great Expectations renders its pages with nine scripts and six stylesheets from public CDNs and
builds its validation tables in the browser, so offline the pages are blank, and online anyone
who controls one of those CDN files runs code in a logged-in admin's browser. The pages on the
data root stay exactly as GX wrote them; this module rewrites them as they are served, pointing
every asset at ``vendor/`` (copies from the npm packages, see ``vendor/NOTICE.md``), and sends a
Content-Security-Policy that admits only this origin and the page's own inline scripts (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"

# Every CDN URL in GX 1.x's Data Docs templates, mapped to its copy under ``vendor/``.
CDN_ASSETS: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js@1.12.9/dist/umd/popper.min.js"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap@4.3.1/dist/js/bootstrap.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap@4.3.1/dist/css/bootstrap.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table@1.19.1/dist/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table@1.19.1/dist/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker@1.9.0/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": (
        "bootstrap-datepicker@1.9.0/dist/css/bootstrap-datepicker.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": (
        "forevolve-bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free@6.6.0/css/all.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": "vega@5.33.1/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite@5.23.0/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed@6.29.0/build/vega-embed.min.js",
}
# GX's logos come from its web-assets bucket; every site has its own copy in static/images.
_WEB_ASSET = re.compile(r"https://great-expectations-web-assets\.[^\"')\s]*")
LOCAL_LOGO = "images/logo-long.png"
# URLs in quotes or in CSS url(), so that "…/vega@5" never matches inside "…/vega@5.1".
_CDN_URL = re.compile(
    "(?<=[\"'(])(" + "|".join(re.escape(url) for url in sorted(CDN_ASSETS, key=len)[::-1]) + ")"
    "(?=[\"')])"
)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*\"([^\"]*)\"", re.I)
REWRITTEN_TYPES = ("text/html", "text/css")


def rewrite(text: str, path: str) -> str:
    """``text`` of the Data Docs file at ``path`` (relative to the site) with every CDN and
    web-asset URL replaced by a relative URL of the plugin's own copy.

    Relative URLs keep the pages working under whatever prefix Airflow mounts the plugin at: the
    site is served at ``<plugin>/datadocs/`` and the vendored files at ``<plugin>/vendor/``.
    """
    depth = path.count("/")
    vendor = "../" * (depth + 1) + "vendor/"
    static = "../" * depth + "static/"
    text = _CDN_URL.sub(lambda match: vendor + CDN_ASSETS[match.group(1)], text)
    return _WEB_ASSET.sub(static + LOCAL_LOGO, text)


def content_security_policy(page: str) -> str:
    """A CSP for one served page: scripts from this origin plus the page's own inline scripts
    and ``onclick`` handlers, each admitted by its SHA-256, nothing from any other origin.

    Styles allow ``'unsafe-inline'``: GX writes ``style=`` attributes and bootstrap-table inserts
    more, and a style cannot run code; it still cannot load anything from elsewhere.
    """
    scripts = {_sha256(script) for script in _INLINE_SCRIPT.findall(page)}
    handlers = {_sha256(html.unescape(handler)) for handler in _EVENT_HANDLER.findall(page)}
    script_src = ["'self'", *(["'unsafe-hashes'"] if handlers else []), *sorted(scripts | handlers)]
    return (
        f"default-src 'none'; script-src {' '.join(script_src)}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )


def vendor_file(path: str) -> Path | None:
    """The vendored file at ``path`` (as in ``CDN_ASSETS`` or a font the CSS names), or None
    for anything else, so the route cannot be walked outside ``vendor/``."""
    candidate = (VENDOR_DIR / path).resolve()
    if VENDOR_DIR in candidate.parents and candidate.is_file():
        return candidate
    return None


def _sha256(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
