"""Math-answer equivalence: ``grade_answer`` in-process, or ``python -m distillery_worker.grade``
as a long-lived JSON-lines process (one request per line on stdin, one reply per line on stdout)."""

from .equivalence import Grade, grade_answer

__all__ = ["Grade", "grade_answer"]
