"""What a saved answer cell holds, read by the host without running it.

A core part is answered with a value written out in its cell
(``q1_type = "Consult"``, ``q2_weekly = 210``, ``q3_add = ["travel"]``), so
the host can read the answer from the saved notebook itself, and the judge
(:mod:`coproduction.cohort.judge`) checks that value rather than anything
the learner's process reports. :func:`literal_answers` reads the values a
cell writes out (text, numbers, True/False, None, lists, tuples, sets,
dicts; sums and products of numbers); a core part whose answer is anything
else (a call, another name, a value changed afterwards) counts as not
answered in the judge.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

from coproduction.cohort.review import as_python

__all__ = ["literal_answers", "shows", "MAX_SOURCE"]

#: The longest answer cell read; anything longer is not a written-out value.
MAX_SOURCE = 200_000

_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _value(node: ast.expr) -> Any:
    """The value ``node`` writes out; ValueError if it is not one."""
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        left, right = _value(node.left), _value(node.right)
        if not all(type(v) in (int, float) for v in (left, right)) or abs(left) > 1e15 or abs(right) > 1e15:
            raise ValueError("not a sum of numbers")
        try:
            return _ARITHMETIC[type(node.op)](left, right)
        except ZeroDivisionError:
            raise ValueError("a division by zero") from None
    return ast.literal_eval(node)


def literal_answers(source: str) -> dict[str, Any]:
    """The values the cell ``source`` writes out, by name: a name counts if
    its assignments in the cell are all values written out and nothing else
    in the cell reads or changes it, but printing it (so ``print(q1_type)``
    beside the answer does no harm, but ``q3_add.append("travel")`` does);
    the last assignment wins, as when the cell runs."""
    if len(source) > MAX_SOURCE:
        return {}
    try:
        tree = ast.parse(as_python(source))  # magics as a kernel reads them: %time x = 1 assigns x
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found: dict[str, Any] = {}
    touched: set[str] = set()
    for statement in tree.body:
        if shows(statement):
            continue
        written = _assignment(statement)
        if written is None:
            try:
                touched |= {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
            except RecursionError:
                return {}
            continue
        found.update(written)
    return {name: value for name, value in found.items() if name not in touched}


def shows(statement: ast.stmt) -> bool:
    """Whether ``statement`` only prints or displays names and values (no call, no attribute)."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name) and statement.value.func.id in {"print", "display"}):
        return False
    try:
        inner = [n for arg in statement.value.args for n in ast.walk(arg)]
    except RecursionError:
        return False
    return not any(isinstance(n, (ast.Call, ast.Attribute, ast.NamedExpr)) for n in inner) and not statement.value.keywords


def _assignment(statement: ast.stmt) -> dict[str, Any] | None:
    """What ``statement`` assigns, if it assigns written-out values to plain names."""
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return None
    if not all(isinstance(t, ast.Name) for t in targets):
        return None
    try:
        written = _value(value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError, OverflowError):
        return None
    return {t.id: written for t in targets if isinstance(t, ast.Name)}
