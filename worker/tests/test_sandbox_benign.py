"""Ordinary agent code works in the sandbox: scientific Python, state, tools, final answers."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from distillery_worker.sandbox.client import Episode


@pytest.fixture(scope="module")
def ep() -> Iterator[Episode]:
    searches: list[str] = []

    def web_search(query: str) -> str:
        searches.append(query)
        return f"Doc 1 (Title: {query}) passage about {query}"

    def fail(*_args: object) -> str:
        raise RuntimeError("retriever is down")

    with Episode(tools={"web_search": web_search, "broken_tool": fail}) as episode:
        episode.searches = searches  # type: ignore[attr-defined]
        yield episode


BENIGN = {
    "numpy": (
        "import numpy as np\na = np.arange(12).reshape(3, 4)\nprint(a.sum(), a.T.shape)",
        "66 (4, 3)\n",
    ),
    "sympy": ("import sympy as sp\nx = sp.symbols('x')\nprint(sp.solve(x**2 - 5*x + 6, x))", "[2, 3]\n"),
    "math": ("import math\nprint(math.comb(10, 3), math.isqrt(99), round(math.pi, 5))", "120 9 3.14159\n"),
    "itertools": (
        "from itertools import permutations, product\n"
        "print(len(list(permutations(range(5)))), len(list(product('ab', repeat=3))))",
        "120 8\n",
    ),
    "collections": (
        "from collections import Counter, deque\nprint(Counter('banana').most_common(1), deque([1, 2], 1))",
        "[('a', 3)] deque([2], maxlen=1)\n",
    ),
    "fractions": ("from fractions import Fraction\nprint(Fraction(1, 3) + Fraction(1, 6))", "1/2\n"),
    "statistics": (
        "import statistics\nprint(statistics.median([3, 1, 2]), statistics.mean([1, 2, 3, 4]))",
        "2 2.5\n",
    ),
    "re": ("import re\nprint(re.findall(r'\\d+', 'a1b22c333'))", "['1', '22', '333']\n"),
    "datetime": (
        "import datetime\nprint((datetime.date(2024, 3, 1) - datetime.date(2024, 2, 1)).days)",
        "29\n",
    ),
    "decimal": (
        "from decimal import Decimal, getcontext\ngetcontext().prec = 30\nprint(Decimal(1) / Decimal(7))",
        "0.142857142857142857142857142857\n",
    ),
    "scratch files": ("open('notes.txt', 'w').write('hi')\nprint(open('notes.txt').read())", "hi\n"),
    "tempfile": (
        "import tempfile\nwith tempfile.TemporaryFile() as f: f.write(b'ok'); f.seek(0); print(f.read())",
        "b'ok'\n",
    ),
}


@pytest.mark.parametrize("name", list(BENIGN))
def test_benign(ep: Episode, name: str) -> None:
    code, expected = BENIGN[name]
    result = ep.exec(code)
    assert result["ok"], result
    assert result["stdout"] == expected


def test_state_persists_and_value_repr(ep: Episode) -> None:
    assert ep.exec("total = 40")["ok"]
    result = ep.exec("total += 2\ntotal")
    assert result == {"ok": True, "value_repr": "42", "stdout": ""}


def test_a_final_assignment_reports_the_value_it_set(ep: Episode) -> None:
    result = ep.exec("seats = 8085399 * 18")
    assert result == {"ok": True, "value_repr": None, "assigned": "seats = 145537182", "stdout": ""}
    assert ep.exec("seats += 1")["assigned"] == "seats = 145537183"
    assert ep.exec("n: int = 3")["assigned"] == "n = 3"
    for code in ("a, b = 1, 2", "d = {}\nd['k'] = 1", "x = 1\nprint(x)", "pass"):
        assert "assigned" not in ep.exec(code), code


def test_tool_call_reaches_host(ep: Episode) -> None:
    result = ep.exec("r = web_search('Eiffel Tower')\nprint(r)")
    assert result["stdout"] == "Doc 1 (Title: Eiffel Tower) passage about Eiffel Tower\n"
    assert ep.searches[-1] == "Eiffel Tower"  # type: ignore[attr-defined]


def test_tool_error_is_a_python_exception(ep: Episode) -> None:
    result = ep.exec("try:\n    broken_tool()\nexcept Exception as e:\n    print(type(e).__name__, e)")
    assert result["stdout"] == "ToolError broken_tool: retriever is down\n"


def test_final_answer_ends_the_action(ep: Episode) -> None:
    result = ep.exec("print('before')\nfinal_answer({'x': 1})\nprint('after')")
    assert result == {"ok": True, "value_repr": None, "final_answer": {"x": 1}, "stdout": "before\n"}
    numpy_answer = ep.exec("import numpy as np\nfinal_answer(np.int64(7))")
    assert numpy_answer["final_answer"] == 7
    sympy_answer = ep.exec("import sympy as sp\nfinal_answer(sp.Rational(1, 3))")
    assert sympy_answer["final_answer"] == "1/3"
    # Beyond 2**53 a double cannot hold every digit: such integers cross as text, exactly.
    assert ep.exec("final_answer(-205527341 * 343724116)")["final_answer"] == "-70644703599055556"
    assert ep.exec("final_answer([2**53, 2**53 + 1])")["final_answer"] == [2**53, str(2**53 + 1)]
    assert ep.exec("final_answer({'n': 10**20})")["final_answer"] == {"n": "100000000000000000000"}


def test_tools_cannot_be_shadowed(ep: Episode) -> None:
    """A model that defines its own final_answer would 'answer' without ending the episode."""
    for code in (
        "def final_answer(x):\n    print(x)\nfinal_answer(3)",
        "final_answer = print",
        "web_search = lambda q: 'fake'",
        "for web_search in range(2):\n    pass",
        "from math import sqrt as final_answer",
        "class final_answer:\n    pass",
    ):
        result = ep.exec(code)
        assert not result["ok"] and result["error"]["type"] == "ToolShadowing", (code, result)
        assert "cannot be redefined" in result["error"]["message"] and result["stdout"] == ""
    # Bound afresh before each action: a dynamic rebinding lasts only for the action that made it.
    assert ep.exec("globals()['final_answer'] = lambda x: print('fake', x)")["ok"]
    assert ep.exec("final_answer(5)")["final_answer"] == 5
    assert (
        ep.exec("def f(final_answer):\n    return final_answer + 1\nf(1)")["value_repr"] == "2"
    )  # a parameter is local


def test_error_has_type_message_and_traceback(ep: Episode) -> None:
    result = ep.exec("def f(x):\n    return 1 / x\nf(0)")
    assert not result["ok"]
    err = result["error"]
    assert err["type"] == "ZeroDivisionError" and err["message"] == "division by zero"
    assert "return 1 / x" in err["traceback"] and "runtime.py" not in err["traceback"]


def test_syntax_error(ep: Episode) -> None:
    result = ep.exec("def f(:\n  pass")
    assert result["error"]["type"] == "SyntaxError"


def test_output_is_capped_visibly() -> None:
    with Episode(max_output=1000) as small:
        result = small.exec("for i in range(1000): print(i)")
    assert result["ok"]
    assert result["stdout"].startswith("0\n1\n2\n")
    assert "[... output truncated: 2890 more bytes not shown ...]" in result["stdout"]


def test_stderr_and_child_output_are_captured(ep: Episode) -> None:
    result = ep.exec(
        "import sys, os\nprint('a', file=sys.stderr)\nos.write(1, b'b\\n')\n"
        "if os.fork() == 0:\n    os.write(1, b'c\\n'); os._exit(0)\nos.wait()"
    )
    assert sorted(result["stdout"].split()) == ["a", "b", "c"]


def test_layers_reported() -> None:
    with Episode() as e:
        expected = {"net_namespace", "pid_namespace", "filesystem_view", "unprivileged_uid", "rlimits"}
        assert set(e.layers) >= expected | {"no_capabilities", "landlock", "seccomp"}
        # As root a per-episode uid; otherwise the user's own uid, inside its own user namespace.
        assert e.uid >= 100_000 if os.geteuid() == 0 else e.uid == os.getuid()


def test_cpu_limit_ends_a_runaway_action() -> None:
    with Episode(cpu_s=1) as e:
        result = e.exec("while True: pass", timeout=30)
        assert result["error"]["type"] == "WorkerDied"
        assert "CPU time limit exceeded" in result["error"]["message"]
        assert e.exec("1 + 1")["value_repr"] == "2"  # a fresh worker serves the episode
