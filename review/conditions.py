"""Condition blocks compared by the requests they let through, key by key.

A statement applies when every condition holds, and a condition holds when the request's value
matches any of its values (for a negated operator, none of them):
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
So what a statement allows for one key is the intersection of its conditions on that key. The
string and ARN operators are compared by what their values match (review.patterns); any other
operator (numbers, dates, Bool, IfExists, ForAnyValue:...) by its values, as text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cache

from policies.statement import Condition
from review.patterns import Matches, Pattern, covered, example, matches, pattern


@dataclass(frozen=True)
class Operator:
    negated: bool
    wildcards: bool


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
# ArnEquals and ArnLike take wildcards in each of the ARN's six parts; here a `*` may also match
# across a `:`, which only matters for an ARN pattern this project does not write.
OPERATORS = {
    "StringEquals": Operator(negated=False, wildcards=False),
    "StringNotEquals": Operator(negated=True, wildcards=False),
    "StringLike": Operator(negated=False, wildcards=True),
    "StringNotLike": Operator(negated=True, wildcards=True),
    "ArnEquals": Operator(negated=False, wildcards=True),
    "ArnLike": Operator(negated=False, wildcards=True),
    "ArnNotEquals": Operator(negated=True, wildcards=True),
    "ArnNotLike": Operator(negated=True, wildcards=True),
}

# Characters a key's value never holds. states:HTTPEndpoint is the HTTP task's ApiEndpoint, which
# has no query string: "To append query parameters to the URL, use the QueryParameters field"
# (https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html). So the query-string
# forms that policies.http_endpoint also allows (`<endpoint>${?}*`) never decide what is reached.
NEVER_IN_VALUE = {"states:HTTPEndpoint": frozenset("?")}


@dataclass(frozen=True)
class KeyGap:
    """What one side's conditions on `key` let through and the other's did not."""

    key: str
    operators: tuple[str, ...]
    """The operators of the side that lets more through on this key, or, when it has none, of the other."""
    unbounded: bool
    """The side that lets more through has no condition on the key at all."""
    values: tuple[str, ...] = ()
    """Its values, as written, that let more through; when unbounded, the other side's values."""
    example: str | None = None
    """The shortest value let through by one side only, when the operators are compared by match."""


def loosenings(wider: Iterable[Condition], narrower: Iterable[Condition]) -> tuple[KeyGap, ...]:
    """Where `wider` lets through a request `narrower` does not, one gap per condition key.
    A key only `wider` constrains never lets more through."""
    return _loosenings(frozenset(wider), frozenset(narrower))


@cache
def _loosenings(wide: frozenset[Condition], narrow: frozenset[Condition]) -> tuple[KeyGap, ...]:
    if wide == narrow:
        return ()
    return tuple(
        gap
        for key in sorted({condition.key for condition in narrow})
        for gap in (*_matched_gap(key, wide, narrow), *_opaque_gaps(key, wide, narrow))
    )


def _matched(conditions: Iterable[Condition], key: str) -> list[Condition]:
    return [c for c in conditions if c.key == key and c.operator in OPERATORS]


def _matched_gap(key: str, wide: Collection[Condition], narrow: Collection[Condition]) -> list[KeyGap]:
    bound = _matched(narrow, key)
    if not bound:
        return []
    loose = _matched(wide, key)
    if not loose:
        return [KeyGap(key, _operators(bound), unbounded=True, values=_values(bound))]
    if _clearly_within(loose, bound):
        return []
    patterns: list[Pattern] = []
    loose_clauses, bound_clauses = _clauses(loose, patterns), _clauses(bound, patterns)

    def only_loose(hits: tuple[bool, ...]) -> bool:
        return all(c.holds(hits) for c in loose_clauses) and not all(c.holds(hits) for c in bound_clauses)

    def hopeful(alive: tuple[bool, ...]) -> bool:
        """Each of the loose side's positive conditions can still match: a value it lets through."""
        return all(any(alive[i] for i in c.indices) for c in loose_clauses if not c.negated)

    def sought_with(index: int) -> Matches:
        """The loose side lets the text through, and pattern `index` is what matches it."""
        return lambda hits: hits[index] and only_loose(hits)

    def hopeful_with(index: int) -> Matches:
        return lambda alive: alive[index] and hopeful(alive)

    excluded = NEVER_IN_VALUE.get(key, frozenset())
    literal = _literal_gap(key, loose, patterns, only_loose, excluded)
    if literal is not None:
        return literal
    first = example(patterns, only_loose, excluded, hopeful)
    if first is None:
        return []
    # The values that let more through: each positive value of the loose side with a text of its own
    # that the bound side refuses.
    values = tuple(
        patterns[index].text
        for clause in loose_clauses
        if not clause.negated
        for index in clause.indices
        if example(patterns, sought_with(index), excluded, hopeful_with(index)) is not None
    )
    return [KeyGap(key, _operators(loose), unbounded=False, values=values, example=first)]


def _literal_gap(
    key: str,
    loose: list[Condition],
    patterns: list[Pattern],
    only_loose: Callable[[tuple[bool, ...]], bool],
    excluded: frozenset[str],
) -> list[KeyGap] | None:
    """When a positive condition of the loose side holds only literal values (StringEquals, or an
    ARN without wildcards), what it lets through is among them: each is tried, without a walk.
    None when there is no such condition."""
    fixed = next(
        (
            c
            for c in loose
            if not OPERATORS[c.operator].negated and all(p.literal is not None for p in _patterns(c))
        ),
        None,
    )
    if fixed is None:
        return None
    through = {
        value: text
        for value, p in zip(fixed.values, _patterns(fixed), strict=True)
        if (text := p.literal) is not None
        and not excluded & set(text)
        and only_loose(tuple(matches(q, text) for q in patterns))
    }
    if not through:
        return []
    shortest = min(through.values(), key=len)
    return [KeyGap(key, _operators(loose), unbounded=False, values=tuple(through), example=shortest)]


def _clearly_within(loose: list[Condition], bound: list[Condition]) -> bool:
    """A quick sufficient test, value by value, before the walk over all of them: each positive
    condition of `bound` has one of `loose` whose every value it covers, and every value of each
    negated condition of `bound` is covered by a value of a negated condition of `loose`."""
    negated = [p for c in loose if OPERATORS[c.operator].negated for p in _patterns(c)]
    return all(
        all(covered(p, negated) for p in _patterns(b))
        if OPERATORS[b.operator].negated
        else any(
            not OPERATORS[c.operator].negated and all(covered(p, _patterns(b)) for p in _patterns(c))
            for c in loose
        )
        for b in bound
    )


def _patterns(condition: Condition) -> list[Pattern]:
    wildcards = OPERATORS[condition.operator].wildcards
    return [pattern(value, wildcards=wildcards) for value in condition.values]


def _opaque_gaps(key: str, wide: Collection[Condition], narrow: Collection[Condition]) -> list[KeyGap]:
    gaps = []
    for bound in narrow:
        if bound.key != key or bound.operator in OPERATORS:
            continue
        same = [c for c in wide if (c.operator, c.key) == (bound.operator, key)]
        if not same:
            gaps.append(KeyGap(key, (bound.operator,), unbounded=True, values=bound.values))
            continue
        added = tuple(value for c in same for value in c.values if value not in bound.values)
        if added:
            gaps.append(KeyGap(key, (bound.operator,), unbounded=False, values=added))
    return gaps


def _operators(conditions: Iterable[Condition]) -> tuple[str, ...]:
    return tuple(sorted({c.operator for c in conditions}))


def _values(conditions: Iterable[Condition]) -> tuple[str, ...]:
    return tuple(value for c in conditions for value in c.values)


@dataclass(frozen=True)
class _Clause:
    """One condition, as the positions of its values among the patterns of a question."""

    negated: bool
    indices: range

    def holds(self, hits: tuple[bool, ...]) -> bool:
        return any(hits[index] for index in self.indices) != self.negated


def _clauses(conditions: Iterable[Condition], patterns: list[Pattern]) -> list[_Clause]:
    """Appends each condition's values to `patterns`."""
    clauses = []
    for condition in conditions:
        operator = OPERATORS[condition.operator]
        start = len(patterns)
        patterns += _patterns(condition)
        clauses.append(_Clause(operator.negated, range(start, len(patterns))))
    return clauses
