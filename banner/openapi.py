"""The OpenAPI 3.1 description of the ``/v1`` API, served at ``/v1/openapi.json``."""

from __future__ import annotations

from html import escape
from typing import Any

from cookiegov import __version__

CATEGORY_MAP = {
    "type": "object",
    "properties": {c: {"type": "boolean"} for c in ("functional", "analytics", "advertising")},
    "additionalProperties": False,
}
ERROR = {"$ref": "#/components/schemas/Error"}
SITE = {
    "name": "site",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The site's registrable domain, e.g. example.com",
}
CONSENT_ID = {
    "name": "consent_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "Invalid input",
        401: "Missing or wrong admin token",
        403: "A token of another site",
        404: "Unknown site or ID",
        429: "Rate limited (also after too many wrong admin tokens from one network)",
    }
    if 401 in codes:  # every admin route: a site's token elsewhere, and the guessing throttle
        codes = tuple(sorted({*codes, 403, 429}))
    return {str(c): _json(ERROR, text[c]) for c in codes}


def openapi_document() -> dict[str, Any]:
    record = {"$ref": "#/components/schemas/ConsentRecord"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cookiegov preference endpoint",
            "version": __version__,
            "description": "Banner script, consent records (proof of consent) and visitors' "
            "rights: access, withdrawal and portability. Admin endpoints need "
            "`Authorization: Bearer <token>` (a token of the site or of the admin role).",
        },
        "paths": {
            "/v1/sites/{site}/banner.js": {
                "get": {
                    "summary": "The banner script with the site's configuration",
                    "parameters": [SITE],
                    "responses": {
                        "200": {
                            "description": "JavaScript",
                            "content": {"application/javascript": {"schema": {"type": "string"}}},
                        },
                        "304": {"description": "Not modified (ETag)"},
                        **_errors(404),
                    },
                }
            },
            "/v1/banner.css": {
                "get": {
                    "summary": "The banner's stylesheet",
                    "responses": {
                        "200": {
                            "description": "CSS",
                            "content": {"text/css": {"schema": {"type": "string"}}},
                        },
                        "304": {"description": "Not modified (ETag)"},
                    },
                }
            },
            "/v1/sites/{site}/consents": {
                "post": {
                    "summary": "Record a visitor's choice",
                    "parameters": [SITE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ConsentRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": _json(record, "Recorded; sets the consent cookie when same-site"),
                        **_errors(400, 404, 429),
                    },
                }
            },
            "/v1/sites/{site}/consents/{consent_id}": {
                "get": {
                    "summary": "Access: a visitor's own records",
                    "parameters": [SITE, CONSENT_ID],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/RecordList"}, "The records"),
                        **_errors(400, 404),
                    },
                },
                "delete": {
                    "summary": "Withdraw consent (refuses every category)",
                    "parameters": [SITE, CONSENT_ID],
                    "responses": {
                        "200": _json(record, "The withdrawal record"),
                        **_errors(400, 404, 429),
                    },
                },
            },
            "/v1/sites/{site}/consents/{consent_id}/export": {
                "get": {
                    "summary": "Portability: the visitor's records as a JSON download",
                    "parameters": [SITE, CONSENT_ID],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Export"}, "Download"),
                        **_errors(400, 404),
                    },
                }
            },
            "/v1/sites/{site}/consents/{consent_id}/optout": {
                "get": {
                    "summary": "Ad opt-out status of one visitor",
                    "parameters": [SITE, CONSENT_ID],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "consent_id": {"type": "string"},
                                    "advertising_refused": {"type": "boolean"},
                                    "since": {"type": "string"},
                                    "signal": {"type": "string"},
                                },
                            },
                            "Status",
                        ),
                        **_errors(400, 404),
                    },
                }
            },
            "/v1/sites/{site}/consents/{consent_id}/receipt": {
                "get": {
                    "summary": "A signed receipt of the visitor's latest record",
                    "description": "Ed25519 over the record's place and hash in the site's"
                    " chain; check it with the key of /v1/keys, keep it, and show it to prove"
                    " the record later (`cookiegov consents verify --proofs`).",
                    "parameters": [SITE, CONSENT_ID],
                    "responses": {
                        "200": _json({"type": "object"}, "Receipt"),
                        **_errors(400, 404),
                    },
                }
            },
            "/v1/keys": {
                "get": {
                    "summary": "The public key that verifies receipts and checkpoints",
                    "responses": {
                        "200": _json(
                            {"type": "object", "properties": {"public_key": {"type": "string"}}},
                            "Ed25519 public key (hex)",
                        ),
                        **_errors(404),
                    },
                }
            },
            "/v1/sites/{site}/declaration.json": {
                "get": {
                    "summary": "The cookie declaration from the latest scan",
                    "parameters": [SITE],
                    "responses": {
                        "200": _json({"type": "object"}, "Cookies by category"),
                        **_errors(404),
                    },
                }
            },
            "/v1/sites/{site}/declaration.html": {
                "get": {
                    "summary": "The cookie declaration as an embeddable HTML fragment",
                    "parameters": [SITE],
                    "responses": {
                        "200": {
                            "description": "HTML",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                        **_errors(404),
                    },
                }
            },
            "/v1/sites/{site}/admin/optout": {
                "get": {
                    "summary": "Advertising opt-outs over time and per-vendor honouring (admin)",
                    "security": [{"token": []}],
                    "parameters": [SITE],
                    "responses": {"200": _json({"type": "object"}, "Status"), **_errors(401, 404)},
                }
            },
            "/v1/sites/{site}/admin/consents": {
                "get": {
                    "summary": "List, filter and export records (admin)",
                    "security": [{"token": []}],
                    "parameters": [
                        SITE,
                        {"name": "since", "in": "query", "schema": {"type": "string"}},
                        {"name": "until", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "method",
                            "in": "query",
                            "schema": {"enum": ["banner", "gpc", "api"]},
                        },
                        {
                            "name": "action",
                            "in": "query",
                            "schema": {"enum": ["grant", "withdraw"]},
                        },
                        {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0, "maximum": 100000},
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Records",
                            "content": {
                                "application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        **_errors(400, 401, 404),
                    },
                }
            },
            "/v1/sites/{site}/admin/stats": {
                "get": {
                    "summary": "Counts of visitors' latest choices (admin)",
                    "security": [{"token": []}],
                    "parameters": [SITE],
                    "responses": {"200": _json({"type": "object"}, "Counts"), **_errors(401, 404)},
                }
            },
            "/v1/sites/{site}/admin/verify": {
                "get": {
                    "summary": "Verify the site's hash chain (admin)",
                    "security": [{"token": []}],
                    "parameters": [SITE],
                    "responses": {"200": _json({"type": "object"}, "Report"), **_errors(401, 404)},
                }
            },
            "/v1/": {
                "get": {
                    "summary": "The API's links: this document, the docs, the dashboard",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["name", "version", "links"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "links": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                },
                            },
                            "Links",
                        )
                    },
                }
            },
            "/v1/docs": {
                "get": {
                    "summary": "This document as a readable page",
                    "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}},
                }
            },
            "/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
                }
            },
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "details": {},
                            },
                        }
                    },
                },
                "ConsentRequest": {
                    "type": "object",
                    "required": ["categories"],
                    "properties": {
                        "categories": CATEGORY_MAP,
                        "revision": {"type": "integer", "minimum": 0, "maximum": 2147483647},
                        "consent_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
                        "method": {"enum": ["banner", "gpc", "api"]},
                        "gpc": {"type": "boolean"},
                        "gpc_override": {
                            "type": "boolean",
                            "description": "Grant categories the site's GPC policy refuses,"
                            " as the visitor's explicit choice (recorded as an override).",
                        },
                        "language": {"type": "string", "maxLength": 16},
                        "page_url": {"type": "string", "maxLength": 2048},
                        "texts_hash": {"type": "string", "maxLength": 64},
                        "services": {
                            "type": "object",
                            "description": "Per-service choices by service id (those the"
                            " banner lists, from the site's scan); unknown ids are refused.",
                            "maxProperties": 64,
                            "propertyNames": {"pattern": "^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$"},
                            "additionalProperties": {"type": "boolean"},
                        },
                    },
                },
                "ConsentRecord": {
                    "type": "object",
                    "required": ["consent_id", "seq", "created_at", "action", "choices", "hash"],
                    "properties": {
                        "consent_id": {"type": "string"},
                        "seq": {"type": "integer"},
                        "created_at": {"type": "string"},
                        "action": {"enum": ["grant", "withdraw"]},
                        "choices": CATEGORY_MAP,
                        "revision": {"type": "integer"},
                        "method": {"enum": ["banner", "gpc", "api"]},
                        "gpc": {"type": "boolean"},
                        "gpc_override": {"type": "boolean"},
                        "language": {"type": ["string", "null"]},
                        "page_url": {"type": ["string", "null"]},
                        "services": {
                            "type": ["object", "null"],
                            "additionalProperties": {"type": "boolean"},
                        },
                        "region": {
                            "type": ["string", "null"],
                            "description": "Region the rule was chosen for, from the CDN's header",
                        },
                        "rule": {"enum": ["opt-in", "opt-out", "none", None]},
                        "hash": {"type": "string"},
                    },
                },
                "RecordList": {
                    "type": "object",
                    "properties": {
                        "consent_id": {"type": "string"},
                        "records": {"type": "array", "items": record},
                    },
                },
                "Export": {
                    "type": "object",
                    "properties": {
                        "site": {"type": "string"},
                        "consent_id": {"type": "string"},
                        "records": {"type": "array", "items": record},
                    },
                },
            },
        },
    }


def openapi_html(doc: dict[str, Any]) -> str:
    """The API's routes as a readable page: method, path, summary (``/v1/docs``)."""
    rows = "".join(
        f"<tr><td><code>{escape(method.upper())}</code></td><td><code>{escape(path)}</code>"
        f"</td><td>{escape(op.get('summary', ''))}</td></tr>"
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
    )
    info = doc["info"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info['title'])}</title><style>body{{font:15px/1.5 system-ui,sans-serif;"
        "max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;"
        "width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}</style>"
        f"</head><body><h1>{escape(info['title'])} {escape(info['version'])}</h1>"
        f"<p>{escape(info['description'])}</p>"
        '<p>Machine-readable: <a href="/v1/openapi.json">OpenAPI 3.1 document</a>.</p>'
        "<table><thead><tr><th>Method</th><th>Path</th><th>What</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
