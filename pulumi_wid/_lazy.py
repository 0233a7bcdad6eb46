"""Internal: module-level ``__getattr__`` that imports a public name's module on first use (PEP 562)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """``__getattr__`` for ``package``: ``table`` maps a public name to the (relative) module defining it."""

    def __getattr__(attr: str) -> Any:  # noqa: N807 - the module hook's name
        module = table.get(attr)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}")
        return getattr(importlib.import_module(module, package), attr)

    return __getattr__
