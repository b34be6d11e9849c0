"""IAM's string patterns compared by what they match, not by their text.

In actions, resources and the `*Like` condition operators, `*` matches any run of characters and
`?` any one character; IAM's variables `${*}`, `${?}` and `${$}` stand for those characters
themselves:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars

Each pattern is a small automaton (its state: how many of its tokens a text has matched so far),
and `example` walks all the patterns of a question at once, breadth first, over the characters
they name and one character none of them names. That answers questions such as "a text the head
allows and the base did not" exactly, with the shortest such text as the example.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

STAR = "\x00*"
ONE = "\x00?"
_LITERALS = {"${*}": "*", "${?}": "?", "${$}": "$"}
# The character that stands for every character no pattern names, the first of these that is free.
_OTHERS = "xyz0123456789-_~"

Matches = Callable[[tuple[bool, ...]], bool]
"""A question about a text: given whether each pattern matches it, is it the text sought?"""


@dataclass(frozen=True)
class Pattern:
    text: str
    tokens: tuple[str, ...]
    """One character each, or STAR or ONE."""

    @property
    def literal(self) -> str | None:
        """The one text the pattern matches, when it has no wildcard."""
        return None if STAR in self.tokens or ONE in self.tokens else "".join(self.tokens)


def pattern(text: str, *, wildcards: bool = True, fold_case: bool = False) -> Pattern:
    """wildcards: `*` and `?` are wildcards (actions, resources, `*Like`); else every character
    stands for itself (`StringEquals`). fold_case: compared without case (actions)."""
    tokens: list[str] = []
    index = 0
    while index < len(text):
        literal = next((name for name in _LITERALS if text.startswith(name, index)), None)
        if literal and wildcards:
            tokens.append(_LITERALS[literal])
            index += len(literal)
            continue
        character = text[index]
        tokens.append({"*": STAR, "?": ONE}.get(character, character) if wildcards else character)
        index += 1
    return Pattern(text, tuple(token.lower() if fold_case else token for token in tokens))


def covers(wider: Pattern, narrower: Pattern) -> bool:
    """Every text `narrower` matches, `wider` matches too."""
    if wider.tokens == narrower.tokens:
        return True
    if narrower.literal is not None:
        return matches(wider, narrower.literal)
    return (
        example([narrower, wider], lambda hit: hit[0] and not hit[1], hopeful=lambda alive: alive[0]) is None
    )


def matches(p: Pattern, text: str) -> bool:
    return _Automaton(p).matches(text)


def covered(narrower: Pattern, wider: Iterable[Pattern]) -> bool:
    """Some pattern of `wider` covers `narrower`."""
    return any(covers(candidate, narrower) for candidate in wider)


def example(
    patterns: Sequence[Pattern],
    sought: Matches,
    excluded: frozenset[str] = frozenset(),
    hopeful: Matches = lambda alive: True,
) -> str | None:
    """The shortest text that `sought` accepts, given whether each pattern matches it, or None when
    there is none. excluded: characters the text may not hold (a value that never has them).
    hopeful: given which patterns may still match some longer text, whether the text sought may
    still be found there; False prunes the search (a pattern that can no longer match never will)."""
    alphabet = _alphabet(patterns, excluded)
    automata = [_Automaton(p) for p in patterns]
    start = tuple(automaton.start for automaton in automata)
    seen = {start}
    queue: deque[tuple[tuple[int, ...], str]] = deque([(start, "")])
    while queue:
        states, text = queue.popleft()
        if sought(tuple(a.accepts(s) for a, s in zip(automata, states, strict=True))):
            return text
        for character in alphabet:
            following = tuple(a.step(s, character) for a, s in zip(automata, states, strict=True))
            if following not in seen and hopeful(tuple(bool(s) for s in following)):
                seen.add(following)
                queue.append((following, text + character))
    return None


class _Automaton:
    """A pattern's state: the set of its token positions reached, as the bits of an int."""

    def __init__(self, p: Pattern) -> None:
        self.tokens = p.tokens
        self.start = self._closure(1)
        self._steps: dict[tuple[int, str], int] = {}

    def matches(self, text: str) -> bool:
        state = self.start
        for character in text:
            state = self.step(state, character)
        return self.accepts(state)

    def accepts(self, state: int) -> bool:
        return bool(state >> len(self.tokens) & 1)

    def step(self, state: int, character: str) -> int:
        key = (state, character)
        if key not in self._steps:
            self._steps[key] = self._closure(self._advance(state, character))
        return self._steps[key]

    def _advance(self, state: int, character: str) -> int:
        following = 0
        for position in _bits(state):
            if position == len(self.tokens):
                continue
            token = self.tokens[position]
            if token == STAR:
                following |= 1 << position
            elif token in (ONE, character):
                following |= 1 << (position + 1)
        return following

    def _closure(self, state: int) -> int:
        """A `*` may match nothing: the position after it is reached too."""
        for position, token in enumerate(self.tokens):
            if token == STAR and state >> position & 1:
                state |= 1 << (position + 1)
        return state


def _bits(state: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    positions = []
    while state:
        lowest = state & -state
        positions.append(lowest.bit_length() - 1)
        state ^= lowest
    return positions


def _alphabet(patterns: Sequence[Pattern], excluded: frozenset[str]) -> list[str]:
    named = {token for p in patterns for token in p.tokens if token not in (STAR, ONE)}
    other = next(character for character in _OTHERS if character not in named | excluded)
    return [*sorted(named - excluded), other]
