"""Data Docs served offline: every CDN asset GX asks for has a vendored copy, URLs are rewritten
relative to the page, and each page's CSP admits its own inline scripts and nothing foreign."""

from __future__ import annotations

import re
from pathlib import Path

import great_expectations
from eventwire_ui import datadocs

GX_TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
EXTERNAL_ASSET = re.compile(r"<(?:script|link|img)\b[^>]*?(?:src|href)=\"(https?://[^\"]+)\"")


def _template_assets() -> set[str]:
    found = set()
    for template in GX_TEMPLATES.glob("*.j2"):
        found |= set(EXTERNAL_ASSET.findall(template.read_text(encoding="utf-8")))
    return found


def test_every_cdn_asset_of_gx_templates_has_a_vendored_copy():
    assets = _template_assets()
    assert len(assets) >= 15, "GX's templates moved: look for their CDN URLs again"
    assert assets == set(CDN := datadocs.CDN_ASSETS), assets ^ set(CDN)
    for url, path in datadocs.CDN_ASSETS.items():
        assert datadocs.vendor_file(path) is not None, (url, path)


def test_font_awesome_fonts_are_vendored():
    css = datadocs.vendor_file("fontawesome-free@6.6.0/css/all.min.css").read_text()
    fonts = set(re.findall(r"url\(\.\./(webfonts/[\w.-]+\.woff2)\)", css))
    assert len(fonts) == 4
    assert all(datadocs.vendor_file(f"fontawesome-free@6.6.0/{font}") for font in fonts)


def test_rewrite_points_at_the_vendor_route_relative_to_the_page():
    page = (
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'
        '<link href="https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css">'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/'
        'logo-long.png?d=20261202T183416Z">'
    )
    top = datadocs.rewrite(page, "index.html")
    assert '<script src="../vendor/vega@5.33.1/build/vega.min.js">' in top
    assert 'href="../vendor/bootstrap-table@1.19.1/dist/bootstrap-table.min.css"' in top
    assert '<img src="static/images/logo-long.png">' in top
    deep = datadocs.rewrite(page, "validations/a/b/c/page.html")
    assert '<script src="../../../../../vendor/vega@5.33.1/build/vega.min.js">' in deep
    assert '<img src="../../../../static/images/logo-long.png">' in deep
    assert "https://" not in top + deep
    css = datadocs.rewrite(
        "a{background:url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
        "full_logo_dark.png')}",
        "static/styles/data_docs_default_styles.css",
    )
    assert css == "a{background:url('../../static/images/logo-long.png')}"


def test_csp_admits_the_pages_inline_code_by_hash_and_no_other_origin():
    page = (
        '<script src="../vendor/x.js"></script><script>\n  init();\n</script>'
        '<label onclick="hideSucceededValidations()">Failed only</label>'
    )
    csp = datadocs.content_security_policy(page)
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    script_src = directives["script-src"].split()
    assert script_src[:2] == ["'self'", "'unsafe-hashes'"]
    assert len([source for source in script_src if source.startswith("'sha256-")]) == 2
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert not [value for value in directives.values() if "http" in value or "*" in value]
    assert "'unsafe-hashes'" not in datadocs.content_security_policy("<script>x()</script>")


def test_vendor_route_cannot_leave_the_vendor_folder():
    assert datadocs.vendor_file("../app.py") is None
    assert datadocs.vendor_file("NOTICE.md") is not None
    assert datadocs.vendor_file("jquery@3.7.1/dist/nothing.js") is None
