"""The house style's measurable rules (STYLE.md 1, 7 and 9), checked on every run.

Ruff checks complexity (C901) and imports inside functions (PLC0415); import-linter proves the
layers and the absence of import circles. What neither tool can see is checked here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rathaus

ROOT = Path(rathaus.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
# A browser test walks one journey from start to end and a fixture builds one town; both read
# best top to bottom, so tests are held to the longer limit only.
LIMIT_CODE = 100


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _code_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if "migrations" in parts or "tests" in parts:
            continue
        yield path


def test_no_function_outside_the_tests_is_longer_than_a_hundred_lines():
    too_long = [
        f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} ({fn.end_lineno - fn.lineno + 1} Zeilen)"
        for path in _code_files()
        for fn in _functions(path)
        if fn.end_lineno - fn.lineno + 1 > LIMIT_CODE
    ]
    assert too_long == []


def test_no_app_grows_a_prefixed_family_of_modules():
    """``services_x.py`` beside ``services.py`` means a package was needed (rule 1)."""
    prefixes = ("services_", "selectors_", "views_", "staff_", "engine_", "api_", "forms_")
    suffixes = ("_views", "_services", "_selectors")
    families = [
        f"{app}/{path.name}"
        for app in APPS
        for path in (ROOT / app).glob("*.py")
        if path.stem.startswith(prefixes) or path.stem.endswith(suffixes)
    ]
    assert families == []
