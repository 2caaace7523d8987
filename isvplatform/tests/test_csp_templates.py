"""Every template of ours obeys the Content-Security-Policy: no inline `<script>` or `<style>`
without the request's nonce, no `on*=` handler, no `style=""` attribute, no `javascript:` URL,
no htmx that evals; and our own JavaScript never evals either."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

NONCE = 'nonce="{{ request.csp_nonce }}"'
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
HANDLER = re.compile(r"(?:^|\s)on[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.I)
SRC = re.compile(r"(?:^|\s)src\s*=", re.I)
# A <script> of these types holds data, never runs: the policy doesn't apply (json_script).
DATA_TYPE = re.compile(r"""type\s*=\s*["']?application/(?:ld\+)?json""", re.I)
EVAL_HTMX = re.compile(
    r"""(?:^|\s)(?:data-)?hx-(?:on\b|on[:-]|vars\s*=)|hx-vals\s*=\s*["']\s*js:""", re.I
)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
EVAL_JS = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*[\"']")
STYLE_SET = re.compile(r"""setAttribute\(\s*["'](?:style|on[a-z]+)["']""")
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)


def template_files() -> list[Path]:
    """The project's templates: templates/, each of our apps' templates/, the widget demo."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            roots.append(path / "templates")
    files = sorted({f for root in roots if root.is_dir() for f in root.rglob("*.html")})
    return [*files, base / "verify" / "widget" / "demo_page.html"]


def problems_in(text: str) -> list[str]:
    found = []
    for match in TAG.finditer(COMMENTS.sub("", text)):
        name, attributes = match.group(1).lower(), match.group(2)
        where = f"<{name}{attributes[:60]}…>"
        if HANDLER.search(attributes):
            found.append(f"an inline event handler: {where}")
        if STYLE_ATTRIBUTE.search(attributes):
            found.append(f'a style="" attribute: {where}')
        if EVAL_HTMX.search(attributes):
            found.append(f"htmx that evals (hx-on, hx-vars, js:): {where}")
        if JS_URL.search(attributes):
            found.append(f"a javascript: URL: {where}")
        inline_script = name == "script" and not SRC.search(attributes)
        if inline_script and not DATA_TYPE.search(attributes) and NONCE not in attributes:
            found.append(f"an inline <script> without the nonce: {where}")
        if name == "style" and NONCE not in attributes:
            found.append(f"a <style> without the nonce: {where}")
    return found


def test_the_scan_finds_what_the_policy_blocks():
    bad = """<form onsubmit="return confirm('x')"><div style="width: 5%">
      <script>go()</script><style>p{}</style><a href="javascript:go()">
      <button hx-on:click="go()"><div hx-vals='js:{a: go()}'><select ONCHANGE='go()'>"""
    assert len(problems_in(bad)) == 8
    assert problems_in("{# a <style> here #}<!-- <script>x()</script> -->") == []
    good = f"""<script src="/static/x.js" defer></script><script {NONCE}>go()</script>
      <style {NONCE}>p{{}}</style>{{{{ data|json_script:"x" }}}}
      <script type="application/json">{{}}</script>
      <div data-confirm="Sure?" class="online" data-style="x" hx-vals='{{"a": 1}}'>
      <input aria-label="x" data-onchange="x"><a href="/javascript-guide/">"""
    assert problems_in(good) == []


def test_the_templates_are_many():
    names = {f.name for f in template_files()}
    assert len(names) > 100 and {"base.html", "handset.html", "demo_page.html"} <= names


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_needs_unsafe_inline(path):
    assert problems_in(path.read_text()) == []


def test_htmx_neither_evals_nor_adds_styles():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert """content='{"includeIndicatorStyles":false,"allowEval":false}'""" in base
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


def own_scripts() -> list[Path]:
    base = Path(settings.BASE_DIR)
    patterns = ("static/**/*.js", "*/static/**/*.js", "verify/widget/*.js")
    found = [path for pattern in patterns for path in base.glob(pattern)]
    return sorted(p for p in found if ".min." not in p.name and ".venv" not in p.parts)


@pytest.mark.parametrize("path", own_scripts(), ids=lambda p: p.name)
def test_our_javascript_never_evals(path):
    text = path.read_text()
    assert not EVAL_JS.search(text), "eval, new Function or a string timer: CSP refuses them"
    assert not STYLE_SET.search(text), "a style or on* attribute set from script: CSP refuses it"


def test_the_vendored_chart_library_never_evals():
    chart = (Path(settings.BASE_DIR) / "static" / "js" / "chart.umd.min.js").read_text()
    assert not re.search(r"\beval\(|new Function\(|\bFunction\(", chart)
