"""Find the items of a stack-wide list a scan would find, by key instead of by scanning.

verify judges each chain against lists of the whole stack (grants, credentials,
associations); a scan per chain makes verify quadratic in the stack's size. A
``Lookup`` narrows which items the scan's own test is applied to: the result is
the scan's, in list order, so first-match semantics and every check stay the same.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, Optional, TypeVar

T = TypeVar("T")


class Lookup(Generic[T]):
    """``items`` by the keys ``keys(item)`` gives; ``find`` runs the scan's test on the candidates only.

    ``keys`` must give, for every item the scan's test can accept, a key the look-up will ask for,
    or None when it cannot tell (a secret, an unusual value): such an item, and any item whose
    key cannot be hashed, is a candidate of every look-up, so nothing the scan sees is missed.
    """

    def __init__(self, items: Iterable[T], keys: Callable[[T], Optional[Iterable[Any]]]) -> None:
        self.items = list(items)
        self._by: dict[Hashable, list[int]] = {}
        self._always: list[int] = []
        for n, item in enumerate(self.items):
            found = keys(item)
            if found is None:
                self._always.append(n)
                continue
            for key in found:
                try:
                    bucket = self._by.setdefault(key, [])
                except TypeError:  # unhashable: compared at every look-up
                    self._always.append(n)
                    continue
                if not bucket or bucket[-1] != n:
                    bucket.append(n)

    def candidates(self, values: Iterable[Any]) -> list[T]:
        """The items keyed by one of ``values`` and those always considered, in list order, once each."""
        hits = set(self._always)
        for value in values:
            try:
                hits.update(self._by.get(value, ()))
            except TypeError:  # an unhashable value: only a scan can compare it
                return self.items
        return [self.items[n] for n in sorted(hits)]

    def find(self, values: Iterable[Any], test: Callable[[T], bool]) -> list[T]:
        """The items ``test`` accepts among the candidates for ``values``: what the scan finds."""
        return [item for item in self.candidates(values) if test(item)]

    def first(self, values: Iterable[Any], test: Callable[[T], bool]) -> Optional[T]:
        """The first item ``test`` accepts, as ``next(...)`` over the list finds it."""
        return next((item for item in self.candidates(values) if test(item)), None)
