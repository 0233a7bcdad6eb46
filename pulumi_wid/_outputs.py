"""Internal: the Output-aware helpers, the one module of the core that imports Pulumi.

The pure checks (``validation``, each cloud's ``documents`` and ``args``) take plain
values; these helpers run them on an ``Output`` once it resolves, with the same
``ValidationError``. ``placeholders`` is always passed explicitly: it is true only
while ``pulumi-wid plan`` runs (see ``placeholder_mode``).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.runtime import settings as _settings

from .identity import Identity
from .validation import (
    check_k8s_annotations_size,
    check_k8s_label_value,
    contains_unknown,
    first_duplicate,
    is_placeholder,
    is_unknown,
)


def placeholder_mode() -> bool:
    """True when the installed runtime is ``pulumi_wid.testing.WidMocks(placeholders=True)``.

    Read once per component from the runtime it runs in, then passed explicitly.
    """
    monitor = _settings.get_monitor()
    return bool(getattr(getattr(monitor, "mocks", None), "placeholders", False))


# The SDK's own constructors of an Output from one resolved record (pulumi 3.272, pinned in
# pyproject.toml). They make a known Output without a task; without them (another SDK) the
# public API gives the same values and dependencies, at the price of more tasks.
_FROM_DATA = getattr(pulumi.Output, "_from_data", None)
_OUTPUT_DATA = getattr(pulumi.output, "_OutputData", None)


def output_of(value: Any) -> pulumi.Output[Any]:
    """``pulumi.Output.from_input(value)``, as one Output when nothing in ``value`` is unknown.

    ``from_input`` makes an Output (and a task) for every key and leaf of a dict or
    list, which is most of a component's own cost in a stack with hundreds of them;
    a plain value resolves to the same thing without that. An Output of a plain value
    (a resource's attribute) is returned as it is rather than wrapped in another apply,
    and a dict with string keys (annotations) is gathered value by value, without an
    Output per key.
    """
    if isinstance(value, pulumi.Output):
        return value
    if contains_unknown(value):
        if isinstance(value, dict) and value and all(isinstance(key, str) for key in value):
            return pulumi.Output.all(**value)  # what from_input does once its keys are known
        return pulumi.Output.from_input(value)
    return _resolved_output(value, set())


def _resolved_output(value: Any, resources: set[pulumi.Resource]) -> pulumi.Output[Any]:
    """A known, non-secret Output of the plain ``value`` that depends on ``resources``."""
    if _FROM_DATA is not None and _OUTPUT_DATA is not None:
        return _FROM_DATA(_done(_OUTPUT_DATA(resources=resources, value=value, is_known=True, is_secret=False)))
    return pulumi.Output(resources, _done(value), _done(True))


def _done(value: Any) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.Future()
    future.set_result(value)
    return future


def after(value: Any, resources: Sequence[pulumi.Resource]) -> pulumi.Output[Any]:
    """``value`` as an Output that also depends on ``resources``: the same value, known when it was.

    A workload built from a component's outputs (``merge_pod_template(spec,
    component.pod_template_patch)``, the annotations, the ServiceAccount name) then
    records those resources among its dependencies, so ``pulumi up`` creates it only
    after them (the SDK waits for each dependency's URN before it registers the
    workload). The resources are carried as the Output's own dependencies, as an
    Output of their URNs would carry them, without an Output and a task per resource;
    nothing becomes unknown that was not.
    """
    ready = set(resources)
    if not contains_unknown(value):
        return _resolved_output(value, ready)
    inner = output_of(value)
    if not ready:
        return inner
    if _FROM_DATA is None or _OUTPUT_DATA is None:
        return pulumi.Output.all(inner, *(resource.urn for resource in resources)).apply(lambda values: values[0])

    async def gated() -> Any:
        data = await inner._data  # noqa: SLF001 - see _FROM_DATA
        return _OUTPUT_DATA(resources=ready | data.resources, value=data.value, is_known=data.is_known,
                            is_secret=data.is_secret)

    inner._untrack()  # noqa: SLF001 - the gated Output awaits it and carries its failure, as apply does
    return _FROM_DATA(gated())


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


def checked_map(mapping: Mapping[str, Any], check_value: Callable[[str, Any], Any] | None = None,
                check_all: Callable[[dict[str, Any]], Any] | None = None, placeholders: bool = False) -> dict[str, Any]:
    """``mapping`` with each Output value replaced by one that fails once it resolves to a bad value.

    ``check_value(key, value)`` runs on that value alone; ``check_all(resolved mapping)`` once every
    value of the mapping is known (a total size, say). Plain values are the caller's to check now:
    a mapping without Outputs comes back as it is, with no Output made.
    """
    if not any(is_unknown(v) for v in mapping.values()):
        return dict(mapping)
    everything = pulumi.Output.all(**mapping) if check_all is not None else None

    def whole(resolved: dict[str, Any]) -> dict[str, Any]:
        known_values = {k: v for k, v in resolved.items() if v is not None and not is_placeholder(v, placeholders)}
        check_all(known_values)  # type: ignore[misc]
        return resolved

    result = dict(mapping)
    for key, value in mapping.items():
        if not is_unknown(value):
            continue
        if check_value is not None:
            value = when_known(value, lambda v, k=key: check_value(k, v), placeholders)
        if everything is not None:
            value = pulumi.Output.all(value, everything.apply(whole)).apply(lambda pair: pair[0])
        result[key] = value
    return result


def checked_identity(identity: Identity, placeholders: bool = False, field: str = "identity") -> Identity:
    """``identity`` with its Output label and annotation values checked by Kubernetes' rules once they resolve."""
    if not (contains_unknown(identity.labels) or contains_unknown(identity.annotations)):
        return identity
    return dataclasses.replace(
        identity,
        labels=checked_map(identity.labels, lambda k, v: check_k8s_label_value(f"{field}.labels.{k}", v),
                           placeholders=placeholders),
        annotations=checked_map(identity.annotations,
                                check_all=lambda m: check_k8s_annotations_size(f"{field}.annotations", m),
                                placeholders=placeholders),
    )
