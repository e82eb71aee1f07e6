"""Pull the answer out of a model's text and read plain numbers.

Kept free of sympy so the cheap paths (numbers, exact strings) never pay for a parse.
"""

from __future__ import annotations

import re
from fractions import Fraction

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_WRAPPERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}`` (braces balanced), or None when there is none."""
    matches = list(_BOXED.finditer(text))
    for match in reversed(matches):
        depth, start = 1, match.end()
        for i in range(start, len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return text[start:i].strip()
    return None


def answer_text(text: str) -> str:
    """The answer part of a prediction or gold: the last ``\\boxed{}`` if any, else the whole
    text, stripped of math delimiters and a trailing full stop."""
    boxed = last_boxed(text)
    answer = (boxed if boxed is not None else text).strip().rstrip(".").strip()
    changed = True
    while changed:
        changed = False
        for left, right in _WRAPPERS:
            if len(answer) > len(left) + len(right) and answer.startswith(left) and answer.endswith(right):
                answer = answer[len(left) : -len(right)].strip()
                changed = True
    return answer.rstrip(".").strip()


def squash(latex: str) -> str:
    """A canonical spelling for exact comparison: no spaces, no sizing commands."""
    out = latex
    for old, new in (
        ("\\left", ""),
        ("\\right", ""),
        ("\\dfrac", "\\frac"),
        ("\\tfrac", "\\frac"),
        ("\\!", ""),
        ("\\,", ""),
        ("\\;", ""),
        ("\\ ", ""),
        ("^\\circ", ""),
        ("^{\\circ}", ""),
    ):
        out = out.replace(old, new)
    return re.sub(r"\s+", "", out)


def plain_number(text: str) -> Fraction | None:
    """The exact value of a plain decimal, integer, thousands-separated or a/b number; else None.

    Fractions keep ``13138980`` and ``13138980.0`` equal without float rounding.
    """
    s = squash(text).replace("\\%", "%")
    s = s.removeprefix("\\$").removeprefix("$")  # a currency sign, not math mode
    if s.endswith("%"):
        return None  # percentages go through math-verify, which knows 50% = 0.5 is debatable
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if _NUMBER.match(s):
        return Fraction(s)
    frac = re.match(r"^([+-]?)\\frac\{(\d+)\}\{(\d+)\}$", s) or re.match(r"^([+-]?)(\d+)/(\d+)$", s)
    if frac and int(frac.group(3)) != 0:
        value = Fraction(int(frac.group(2)), int(frac.group(3)))
        return -value if frac.group(1) == "-" else value
    return None


def decimals_written(text: str) -> int:
    """How many digits after the decimal point a plain number was written with (0 for 1e-3)."""
    s = squash(text)
    if "e" in s.lower() or "." not in s:
        return 0
    return len(s.split(".", 1)[1])
