"""What a route of the drill found: the facts it verified, or the one line that says what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.fire_drill import Route


class RouteFailed(Exception):
    """A route could not be verified; the message says what went wrong and what to do."""


@dataclass
class Outcome:
    route: Route
    facts: list[str] = field(default_factory=list)
    problem: str | None = None
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        return self.problem is None

    def lines(self) -> list[str]:
        if self.problem is not None:
            return [f"{self.route.value}: {self.problem}"]
        head = f"{self.route.value}: verified in {self.seconds:.1f} s"
        return [head, *(f"  - {fact}" for fact in self.facts)]
