"""Which submissions a trainer should look at before trusting their score.

A learner's code runs in the same process as the checks of its own
notebook (as in nbgrader and Otter-Grader), so code written for the purpose
could change how its own work is checked. Exercises never need to touch the
machinery that runs and checks them; code that does is rare in honest work
and is exactly what such an attack needs. :func:`reasons` reads the cells a
learner wrote and names, in plain words, each way they reach into the
grader. The submission is still scored, but its status becomes
``needs review`` with these reasons, in the status table, the report and the
export.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

__all__ = ["reasons", "as_python", "ALLOWED_MAGICS"]

#: Magics that learners use and that behave as in a kernel.
ALLOWED_MAGICS = frozenset({"matplotlib", "time", "timeit", "pip", "who", "whos", "pwd", "ls", "precision"})

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("uses IPython's internals", re.compile(r"\bget_ipython\b|\bIPython\b|\b_ih\b|\b_oh\b|\b_i{1,3}\b|"
                                             r"(?<![\w.])(?:In|Out)\s*\[")),
    ("changes or reads Python's builtins", re.compile(r"\b__builtins__\b|\bbuiltins\b")),
    ("reaches into sys.modules or the running program",
     re.compile(r"\bsys\s*\.\s*(?:modules|_getframe|settrace|setprofile|meta_path|path_hooks)\b|"
                r"\b(?:gc|inspect|ctypes|tracemalloc|importlib|threading|_thread|multiprocessing)\b|"
                r"\b__import__\b|\bf_(?:back|globals|locals)\b|\b__(?:code|globals|closure|subclasses)__\b")),
    ("reaches for /proc, raw descriptors or sockets", re.compile(r"/proc\b|/dev/fd\b|/dev/std|\bos\s*\.\s*(?:write|read|dup2?|"
                                                        r"fdopen|open|close|closerange|pipe)\s*\(|\bsocket\b")),
    ("ends, signals or starts processes itself", re.compile(r"\b_exit\b|\bsys\s*\.\s*exit\b|(?<![\w.])(?:exit|quit)\s*\(|"
                                                    r"\bos\s*\.\s*(?:kill|killpg|abort|fork|setsid)\b|"
                                                    r"\bsignal\b|\bsubprocess\b|\bos\s*\.\s*(?:system|popen)\b")),
    ("defines how its objects compare (a way to pass a check without an answer)",
     re.compile(r"\b__(?:eq|ne|bool|hash|float|int|index|len|contains|getattr|getattribute|class)__\b")),
)


def as_python(source: str) -> str:
    """The cell as Python, with allowed magics and shell lines removed and the
    rest of any magic kept (``%time x = f()`` still shows ``x = f()``)."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            match = re.match(r"%%?(\w+)\s*(.*)", stripped)
            if stripped.startswith("!") or (match and match[1] in ALLOWED_MAGICS):
                lines.append(" " * (len(line) - len(stripped)) + (match[2] if match and match[1] in
                                                                   {"time", "timeit"} else "pass"))
                continue
            lines.append(line.replace("%", "get_ipython ", 1))  # any other magic reaches into IPython
            continue
        lines.append(line)
    return "\n".join(lines)


#: Looked for inside string literals too: paths and attribute names given as text.
_IN_STRINGS = re.compile(r"/proc\b|/dev/fd\b|/dev/std|\bget_ipython\b|"
                         r"\b__(?:builtins|code|globals|closure|subclasses|eq|class|import)__\b")


def _split(code: str) -> tuple[str, str]:
    """The code without comments and string literals, and the string literals'
    text: a learner's answer in words ("a signal of tokenism") is not code."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.sub(r"#[^\n]*", "", code), code
    kept, strings = [], []
    for token in tokens:
        if token.type == tokenize.COMMENT:
            continue
        if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            strings.append(token.string)
            kept.append('""')
        else:
            kept.append(token.string)
    return " ".join(kept), "\n".join(strings)


def _patches_course(code: str) -> list[str]:
    """Names of course-package objects the code assigns to (``ladder.classify = ...``)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    course: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            course |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("coproduction")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coproduction"):
            course |= {a.asname or a.name for a in node.names}
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"setattr", "delattr"}:
            targets = node.args[:1]
        for target in targets:
            root = target
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if root is not target and isinstance(root, ast.Name) and root.id in course | {"coproduction"}:
                found.append(ast.unparse(target))
            elif root is target and isinstance(node, ast.Call) and isinstance(root, ast.Name) and root.id in course:
                found.append(root.id)
    return found


def reasons(sources: list[str]) -> list[str]:
    """Plain-words reasons the learner-written ``sources`` need a trainer's
    review; empty for ordinary work."""
    found: list[str] = []
    for source in sources:
        code = as_python(source)
        bare, strings = _split(code)
        for reason, pattern in _PATTERNS:
            if reason not in found and pattern.search(bare):
                found.append(reason)
        if _IN_STRINGS.search(strings):
            reason = "names the grader's internals or /proc in a string"
            if reason not in found:
                found.append(reason)
        for name in _patches_course(code):
            reason = f"replaces part of the course's package ({name})"
            if reason not in found:
                found.append(reason)
    return found
