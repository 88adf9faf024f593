"""The API's own description: the committed OpenAPI document (`openapi.json`, written by
`make openapi`) and the same document rendered as one HTML page, on the server.

The page needs nothing but itself: no script, no font, no image, one inline stylesheet allowed by its
hash in the page's own Content-Security-Policy, so it makes no request at all, to this API or anyone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from checkout.web.hosted.markup import Markup, escape, join

_PACKAGE = "checkout.web.apidocs"
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_REF = "#/components/schemas/"


@cache
def document_bytes() -> bytes:
    """The committed document, as served at `GET /openapi.json`."""
    return (files(_PACKAGE) / "openapi.json").read_bytes()


@cache
def _stylesheet() -> str:
    return (files(_PACKAGE) / "docs.css").read_text(encoding="utf-8")


def page_security_policy() -> str:
    """Nothing may load; only the page's own stylesheet (by its hash) applies."""
    digest = base64.b64encode(hashlib.sha256(_stylesheet().encode()).digest()).decode()
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src 'sha256-{digest}'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


@cache
def docs_page() -> Markup:
    """The whole document as one page: operations by tag, then the schemas they name."""
    document: dict[str, Any] = json.loads(document_bytes())
    info = document["info"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            by_tag.setdefault(operation["tags"][0], []).append((method.upper(), path, operation))
    contents = join(
        [Markup(f'<li><a href="#tag-{_slug(tag)}">{escape(tag)}</a></li>') for tag in [*by_tag, "schemas"]]
    )
    sections = join(
        [
            join(
                [
                    Markup(f'<section id="tag-{_slug(tag)}"><h2>{escape(tag)}</h2>'),
                    *(_operation(method, path, operation) for method, path, operation in operations),
                    Markup("</section>"),
                ]
            )
            for tag, operations in by_tag.items()
        ]
    )
    schemas = join(
        [_schema_section(name, schema) for name, schema in document["components"]["schemas"].items()]
    )
    security = join(
        [
            Markup(f"<h3>{escape(name)}</h3>{_text(scheme.get('description', ''))}")
            for name, scheme in document["components"]["securitySchemes"].items()
        ]
    )
    return Markup(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(info['title'])} API</title><style>{_stylesheet()}</style></head><body>"
        f"<header><h1>{escape(info['title'])} API</h1><p>OpenAPI {escape(document['openapi'])},"
        ' the machine-readable form: <a href="openapi.json"><code>/openapi.json</code></a></p>'
        f"{_text(info.get('description', ''))}</header>"
        f"<nav><ul>{contents}</ul></nav><main>{sections}"
        f'<section id="tag-security"><h2>security</h2>{security}</section>'
        f'<section id="tag-schemas"><h2>schemas</h2>{schemas}</section></main></body></html>'
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _text(text: str) -> Markup:
    """Paragraphs of the document's prose; `code` and **bold** are shown as such."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        html = str(escape(paragraph))
        html = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", html)
        html = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", html)
        paragraphs.append(Markup(f"<p>{html}</p>"))
    return join(paragraphs)


def _operation(method: str, path: str, operation: dict[str, Any]) -> Markup:
    parts = [
        Markup(
            f'<article id="op-{escape(operation["operationId"])}">'
            f'<h3><span class="method">{escape(method)}</span>'
            f" <code>{escape(path)}</code></h3><p><strong>{escape(operation['summary'])}</strong></p>"
        ),
        _text(operation.get("description", "")),
        Markup(f"<p>Authorization: {_security(operation['security'])}</p>"),
    ]
    if parameters := operation.get("parameters"):
        rows = join(
            [
                Markup(
                    f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
                    f"<td>{'required' if p.get('required') else 'optional'}</td>"
                    f"<td>{_type(p['schema'])}</td><td>{_text(p.get('description', ''))}</td></tr>"
                )
                for p in parameters
            ]
        )
        parts.append(
            Markup(
                "<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th></th><th>schema</th>"
                f"<th></th></tr></thead><tbody>{rows}</tbody></table>"
            )
        )
    if body := operation.get("requestBody"):
        for media_type, content in body["content"].items():
            parts.append(Markup(f"<h4>Request body <code>{escape(media_type)}</code></h4>"))
            parts.append(Markup(f"<p>{_type(content['schema'])}</p>"))
            if "example" in content:
                parts.append(_example(content["example"]))
    rows = join(
        [
            Markup(
                f"<tr><td>{escape(status)}</td><td>{_text(response.get('description', ''))}</td><td>"
                + join(
                    [
                        Markup(f"<code>{escape(media)}</code> {_type(content.get('schema', {}))}<br>")
                        for media, content in response.get("content", {}).items()
                    ]
                )
                + Markup("</td></tr>")
            )
            for status, response in operation["responses"].items()
        ]
    )
    parts.append(
        Markup(
            "<h4>Responses</h4><table><thead><tr><th>status</th><th>codes</th><th>body</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></article>"
        )
    )
    return join(parts)


def _security(requirements: list[dict[str, list[str]]]) -> Markup:
    if not requirements:
        return Markup("none (the API key is not read)")
    keyed = [scopes for requirement in requirements for scopes in requirement.values()]
    needs = ", ".join(scope for scopes in keyed for scope in scopes)
    if {} in requirements:
        return Markup(f"optional API key (<code>{escape(needs or 'any')}</code>): it scopes what is seen")
    return Markup(f"API key with <code>{escape(needs)}</code>")


def _example(value: Any) -> Markup:
    return Markup(f"<pre>{escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>")


def _type(schema: Any) -> Markup:
    """A schema in a few words: its type and constraints, references as links."""
    if not isinstance(schema, dict) or not schema:
        return Markup("any")
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(_REF)
        return Markup(f'<a href="#schema-{escape(name)}">{escape(name)}</a>')
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema and "properties" not in schema:
            glue = " | " if combinator != "allOf" else " &amp; "
            return Markup(glue.join(_type(option) for option in schema[combinator]))
    if "const" in schema:
        return Markup(f"<code>{escape(json.dumps(schema['const']))}</code>")
    if "enum" in schema:
        values = schema["enum"]
        shown = ", ".join(json.dumps(v) for v in values[:12]) + (", …" if len(values) > 12 else "")
        return Markup(f"one of <code>{escape(shown)}</code>")
    kind = schema.get("type", "object" if "properties" in schema else "any")
    words: list[Markup] = [escape(kind if isinstance(kind, str) else " | ".join(kind))]
    for key in ("format", "pattern", "minimum", "maximum", "minLength", "maxLength", "maxProperties"):
        if key in schema:
            words.append(Markup(f"{key} <code>{escape(schema[key])}</code>"))
    if kind == "array" and "items" in schema:
        words.append(Markup(f"of {_type(schema['items'])}"))
    if "properties" in schema:
        words.append(_properties(schema))
    return Markup(" ".join(words))


def _properties(schema: dict[str, Any]) -> Markup:
    required = set(schema.get("required", []))
    rows = join(
        [
            Markup(
                f"<tr><td><code>{escape(name)}</code></td><td>{'required' if name in required else ''}</td>"
                f"<td>{_type(prop)}</td><td>{_text(_description(prop))}</td></tr>"
            )
            for name, prop in schema["properties"].items()
        ]
    )
    return Markup(f"<table><tbody>{rows}</tbody></table>")


def _description(schema: dict[str, Any]) -> str:
    if "description" in schema:
        return str(schema["description"])
    for option in schema.get("anyOf", []):
        if isinstance(option, dict) and "description" in option:
            return str(option["description"])
    return ""


def _schema_section(name: str, schema: dict[str, Any]) -> Markup:
    return Markup(
        f'<article id="schema-{escape(name)}"><h3>{escape(name)}</h3>'
        f"{_text(schema.get('description', ''))}<p>{_type(schema)}</p></article>"
    )
