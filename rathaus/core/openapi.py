"""The API's OpenAPI document with every error status the API can answer.

Every operation may answer with ``application/problem+json`` (RFC 9457, see
``rathaus.core.problems``): 400 (bad input such as NUL characters or a missing proof of
work), 404, 409, 410 (expired personal links), 422 (validation), 429 (limits) and 503 (busy,
retry); operations with authentication also 401 and 403. This module adds those responses,
with one shared ``Problem`` schema, where an operation does not declare them itself, and
gives CSV endpoints their real media type.
"""

from __future__ import annotations

from ninja import NinjaAPI

from rathaus.core.problems import TITLES

PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
PUBLIC_ERRORS = (400, 404, 409, 410, 422, 429, 503)
AUTH_ERRORS = (401, 403)
TITLES_EXTRA = {503: "Vorübergehend nicht verfügbar"}


def _problem(status: int) -> dict:
    return {
        "description": TITLES.get(status) or TITLES_EXTRA.get(status, "Fehler"),
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def add_problem_responses(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            declared = {str(key) for key in responses}
            statuses = PUBLIC_ERRORS + (AUTH_ERRORS if operation.get("security") else ())
            for status in statuses:
                if str(status) not in declared:
                    responses[status] = _problem(status)
            if path.endswith("/csv"):
                for key in (200, "200"):
                    if isinstance(responses.get(key), dict):
                        responses[key]["content"] = {"text/csv": {"schema": {"type": "string"}}}
    return schema


class RathausNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return add_problem_responses(schema)
