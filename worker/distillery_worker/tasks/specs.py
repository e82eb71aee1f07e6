"""A suite spec: ``NAME`` or ``NAME:key=value,key=value`` (e.g. ``arith_large:max_digits=7``).

Each suite declares its options with defaults and bounds; a spec is parsed strictly (an unknown
suite, option or value is a ``SpecError`` naming it) into a canonical form whose ``config`` holds
every option, so two specs that mean the same questions compare equal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Generator = Callable[[dict[str, Any], int, int, int], list[dict[str, Any]]]


class SpecError(ValueError):
    """A spec the user can fix: unknown suite or option, a value out of range."""


@dataclass(frozen=True)
class Option:
    default: int | str
    help: str
    low: int | None = None
    high: int | None = None
    choices: str | None = None  # allowed characters of a string option

    def parse(self, name: str, raw: str) -> int | str:
        if isinstance(self.default, int):
            try:
                value = int(raw)
            except ValueError:
                raise SpecError(f"option {name} must be an integer, got {raw!r}") from None
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                raise SpecError(f"option {name} must be between {self.low} and {self.high}, got {value}")
            return value
        if not raw or (self.choices and any(c not in self.choices for c in raw)):
            raise SpecError(f"option {name} takes characters of {self.choices!r}, got {raw!r}")
        return "".join(dict.fromkeys(raw))  # each character once, in the order given


@dataclass(frozen=True)
class Suite:
    name: str
    summary: str
    generate: Generator
    options: dict[str, Option] = field(default_factory=dict)
    check: Callable[[dict[str, Any]], None] = lambda config: None


@dataclass(frozen=True)
class TaskSpec:
    suite: Suite
    config: dict[str, Any]

    @property
    def canonical(self) -> str:
        """The spec with every option spelled out, sorted: equal for equal questions."""
        if not self.config:
            return self.suite.name
        return self.suite.name + ":" + ",".join(f"{k}={v}" for k, v in sorted(self.config.items()))


SUITES: dict[str, Suite] = {}


def register(suite: Suite) -> Suite:
    SUITES[suite.name] = suite
    return suite


def parse_spec(text: str) -> TaskSpec:
    name, _, rest = text.strip().partition(":")
    suite = SUITES.get(name)
    if suite is None:
        raise SpecError(f"unknown generator {name!r}; known: {', '.join(sorted(SUITES))}")
    config: dict[str, Any] = {key: option.default for key, option in suite.options.items()}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, raw = part.partition("=")
        if not eq:
            raise SpecError(f"option {part!r} is not key=value")
        option = suite.options.get(key.strip())
        if option is None:
            known = ", ".join(suite.options) or "none"
            raise SpecError(f"{name} has no option {key.strip()!r} (options: {known})")
        config[key.strip()] = option.parse(key.strip(), raw.strip())
    suite.check(config)
    return TaskSpec(suite, config)
