"""Internal: the Output-aware helpers, the one module of the core that imports Pulumi.

The pure checks (``validation``, each cloud's ``documents`` and ``args``) take plain
values; these helpers run them on an ``Output`` once it resolves, with the same
``ValidationError``. ``placeholders`` is always passed explicitly: it is true only
while ``pulumi-wid plan`` runs (see ``placeholder_mode``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pulumi

from .validation import contains_unknown, first_duplicate, is_placeholder, is_unknown


def placeholder_mode() -> bool:
    """True when the installed runtime is ``pulumi_wid.testing.WidMocks(placeholders=True)``.

    Read once per component from the runtime it runs in, then passed explicitly.
    """
    from pulumi.runtime import settings

    monitor = settings.get_monitor()
    return bool(getattr(getattr(monitor, "mocks", None), "placeholders", False))


def output_of(value: Any) -> pulumi.Output[Any]:
    """``pulumi.Output.from_input(value)``, as one Output when nothing in ``value`` is unknown.

    ``from_input`` makes an Output (and a task) for every key and leaf of a dict or
    list, which is most of a component's own cost in a stack with hundreds of them;
    a plain value resolves to the same thing without that. An Output of a plain value
    (a resource's attribute) is returned as it is rather than wrapped in another apply.
    """
    if isinstance(value, pulumi.Output):
        return value
    if contains_unknown(value):
        return pulumi.Output.from_input(value)
    shallow = getattr(pulumi.Output, "_from_input_shallow", None)  # the SDK's own, not public API
    return shallow(value) if shallow is not None else pulumi.Output.from_input(value)


def after(value: Any, resources: Sequence[pulumi.Resource]) -> pulumi.Output[Any]:
    """``value`` as an Output that also depends on ``resources``: the same value, known when it was.

    A workload built from a component's outputs (``merge_pod_template(spec,
    component.pod_template_patch)``, the annotations, the ServiceAccount name) then
    records those resources among its dependencies, so ``pulumi up`` creates it only
    after them. The resources' URNs carry the dependency: they are known in a preview
    too, so nothing becomes unknown that was not.
    """
    out = output_of(value)
    if not resources:
        return out
    return pulumi.Output.all(out, *(resource.urn for resource in resources)).apply(lambda values: values[0])


def known(value: Any, convert: Callable[[Any], Any], placeholders: bool = False) -> Any:
    """``convert(value)`` now, or once an Output resolves (raising the same ValidationError).

    An Output that resolves to None (or, in placeholder mode, to a plan placeholder)
    is passed through unchecked.
    """
    if value is None:
        return None
    if is_unknown(value):
        return pulumi.Output.from_input(value).apply(
            lambda v: v if v is None or is_placeholder(v, placeholders) else convert(v)
        )
    return convert(value)


def when_known(value: Any, check: Callable[[Any], Any], placeholders: bool = False) -> Any:
    """Run ``check`` on ``value`` now, or once it resolves; return the value (not the check's result)."""

    def run(resolved: Any) -> Any:
        check(resolved)
        return resolved

    return known(value, run, placeholders)


def fmt(fn: Callable[..., str], *values: Any) -> pulumi.Input[str]:
    """``fn(*values)`` when every value is plain, else an Output of it."""
    unknown = [index for index, v in enumerate(values) if is_unknown(v)]
    if not unknown:
        return fn(*values)
    if len(unknown) == 1 and isinstance(values[unknown[0]], pulumi.Output):  # one apply, not Output.all's fan-out
        at = unknown[0]
        return values[at].apply(lambda v: fn(*values[:at], v, *values[at + 1:]))
    return pulumi.Output.all(*values).apply(lambda v: fn(*v))


def unique(values: list[Any], key: Callable[[Any], Any], refuse: Callable[[list[Any], int, int, bool], None]) -> list[Any]:
    """Refuse a value listed twice: plain values now, Outputs once they all resolve.

    ``key`` maps a plain value to what must be unique; ``refuse(values, first, second, later)``
    raises (``later``: the values are the resolved ones). Returns the values, each Output replaced by one that fails on a duplicate.
    """

    def check(resolved: list[Any]) -> None:
        pair = first_duplicate([key(v) for v in resolved])
        if pair is not None:
            refuse(resolved, *pair, True)

    plain = [key(v) if not is_unknown(v) else ("\x00unknown", index) for index, v in enumerate(values)]
    pair = first_duplicate(plain)
    if pair is not None:
        refuse(values, *pair, False)
    if not any(is_unknown(v) for v in values):
        return values
    everything = pulumi.Output.all(*values)

    def pick(resolved: list[Any], index: int) -> Any:
        check(resolved)
        return resolved[index]

    return [v if not is_unknown(v) else everything.apply(lambda r, i=i: pick(r, i)) for i, v in enumerate(values)]
