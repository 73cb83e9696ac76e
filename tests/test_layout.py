"""The house rules, checked on every `make check`: imports run one way (downward, through the stages),
no import cycles, no module over 300 lines, no function over 60. Static: files are parsed, not imported;
an import inside a function counts like one at the top."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The stages, lowest first: a module may import from its own rank or below, never above. rag/__init__.py
# (the public surface) and rag.cli sit on top of the library; ui and eval on top of everything.
RANKS = [
    ("rag.errors", "rag.settings", "rag.schema", "rag.text", "rag.messages", "rag.query"),
    ("rag.ingest",),
    ("rag.embed",),
    ("rag.store",),
    ("rag.retrieve",),
    ("rag.answer",),
    ("rag.web",),
    ("rag.chat",),
    ("rag.assistant",),
    ("rag", "rag.cli"),
    ("ui",),
    ("eval",),
]


def modules() -> dict[str, Path]:
    found = {}
    for root in ("rag", "ui", "eval"):
        for path in (ROOT / root).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def rank(module: str) -> int:
    best, length = None, -1
    for r, prefixes in enumerate(RANKS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = r, len(prefix)
    assert best is not None, f"{module} has no rank in tests/test_layout.py RANKS"
    return best


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the project modules it imports (absolute and relative, anywhere in the file)."""
    edges = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                names = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for target in names:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    targets.add(target)
        edges[name] = targets
    return edges


def test_imports_run_downward_through_the_stages():
    edges = imports(modules())
    upward = sorted(f"{m} -> {t}" for m, ts in edges.items() for t in ts if rank(t) > rank(m))
    assert upward == []


def test_no_import_cycles():
    edges = imports(modules())
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycles.append(" -> ".join(trail[trail.index(t):] + [t]))
            elif t not in state:
                visit(t, trail + [t])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_modules_and_functions_are_short_enough_to_read_at_once():
    long_modules, long_functions = [], []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 300:
            long_modules.append(f"{path.relative_to(ROOT)} {text.count(chr(10))}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long_functions.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert (long_modules, long_functions) == ([], [])
