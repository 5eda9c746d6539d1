"""One enumeration of error codes (core.errors.Code): every code the system can answer with is
listed there with its meaning, so that a client (and the next engineer) finds them in one place."""
import re
from pathlib import Path

from core.errors import Code, DomainError

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "accounts", "notifications", "review", "registry", "web", "config"]
PATTERNS = [r'code="([a-z_]+)"', r'Violation\(\s*"([a-z_]+)"', r'error_body\(\s*"([a-z_]+)"',
            r'\(\d{3}, "([a-z_]+)", "']


def codes_in_the_source():
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in PATTERNS:
                for code in re.findall(pattern, text):
                    found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_code_raised_is_enumerated():
    found = codes_in_the_source()
    assert len(found) > 20  # the scan reads the codes (a broken pattern finds none)
    assert {code: where for code, where in found.items() if code not in Code.values} == {}


def test_every_code_has_a_chinese_meaning():
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in Code.labels)


def test_an_error_answers_with_its_code_as_text():
    assert DomainError("冲突").as_dict() == {"error": {"code": "conflict", "message": "冲突"}}
