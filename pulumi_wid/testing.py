"""Recording Pulumi mocks for testing stacks that use ``pulumi_wid``.

``WidMocks`` answers like the clouds do (role ARNs with account and partition,
managed identity client/principal ids as GUIDs, Google service account
emails), deterministically, and records every registered resource with its
type token, name, inputs, parent, providers and dependencies.

Use the fixture in your tests::

    # conftest.py
    pytest_plugins = ["pulumi_wid.testing"]

    # test_stack.py
    def test_role(wid_mocks):
        wid_mocks.run(lambda: EksPodIdentity("api", {...}))
        role = wid_mocks.one("aws:iam/role:Role")
        assert role.inputs["name"] == "apps-api"

The answers come from a table of type token -> answer function. A type the table
does not know still gets a Pulumi-style auto-name (``<name>-<7 hex>``, deterministic)
for an unset ``name`` and a deterministic id; with ``placeholders=True`` (what
``pulumi-wid plan`` uses) every other string output its SDK class declares reads
``<output of name, known after deploy>``, as ``pulumi preview`` shows it. Add your
own types with ``answers=`` or ``register``::

    def queue(mocks, name, inputs):
        # returns (id, the outputs the cloud computes); inputs are kept as they are
        url = f"https://sqs.{mocks.region}.amazonaws.com/{mocks.account_id}/{name}"
        return url, {"arn": mocks.arn("sqs", name, mocks.region), "url": url}

    mocks = WidMocks(answers={"aws:sqs/queue:Queue": queue})
    mocks.register("aws:sns/topic:Topic", lambda mocks, name, inputs: (name, {"arn": "..."}))
    mocks.register_call("aws:index/getRegion:getRegion", lambda mocks, args: {"name": "eu-west-1"})
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as _mocks

from ._mock_answers import (
    ANSWERS,
    CALL_PLACEHOLDERS,
    CALLS,
    PLACEHOLDERS,
    CallAnswer,
    ResourceAnswer,
    digest,
    family_answer,
    sdk_properties,
    unmodelled,
)
from .aws import facts as aws
from .azure import facts as azure

__all__ = ["CallAnswer", "RecordedResource", "ResourceAnswer", "WidMocks", "install"]

AWS_ACCOUNT_PLACEHOLDER = aws.ACCOUNT_PLACEHOLDER
AZURE_SUBSCRIPTION_PLACEHOLDER = azure.SUBSCRIPTION_PLACEHOLDER


@dataclass
class RecordedResource:
    """One resource registered under the mocks."""

    type: str
    """Type token, e.g. ``aws:iam/role:Role``."""
    name: str
    """Pulumi logical name."""
    inputs: dict[str, Any]
    """Inputs as the provider receives them (camelCase keys, JSON strings as strings)."""
    urn: str = ""
    parent: str = ""
    """URN of the parent ("" for the stack)."""
    custom: bool = True
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The state the mock returned (inputs plus what the cloud computes)."""
    provider: str = ""
    """Reference of the explicit provider for this resource, if any."""
    providers: dict[str, str] = field(default_factory=dict)
    """Providers map passed to a component resource."""
    depends_on: list[str] = field(default_factory=list)
    """URNs this resource depends on (explicit and through inputs)."""
    delete_before_replace: bool = False
    source_position: str = ""
    """Where the resource was declared, as the engine records it: ``<file URI>#<line>`` ("" when the SDK sent none)."""

    @property
    def parent_type(self) -> str:
        return self.parent.split("::")[2].split("$")[-1] if self.parent else ""


class WidMocks(pulumi.runtime.Mocks):
    """Deterministic cloud-like mocks that record every resource.

    ``answers`` / ``calls`` add (or replace) answers by type token; see the module docstring.
    """

    def __init__(
        self,
        *,
        account_id: str = "123456789012",
        partition: str = "aws",
        region: str = "us-east-1",
        subscription_id: str = "00000000-0000-0000-0000-000000000000",
        tenant_id: str = "11111111-1111-1111-1111-111111111111",
        gcp_project: str = "my-project",
        gcp_project_number: str = "123456789012",
        placeholders: bool = False,
        answers: Mapping[str, ResourceAnswer] | None = None,
        calls: Mapping[str, CallAnswer] | None = None,
    ) -> None:
        self.account_id = account_id
        self.partition = partition
        self.region = region
        self.subscription_id = subscription_id
        self.tenant_id = tenant_id
        self.gcp_project = gcp_project
        self.gcp_project_number = gcp_project_number
        self.placeholders = placeholders
        """Show values only the cloud knows as ``<... known after deploy>`` (used by ``plan``)."""
        if placeholders:  # ARNs and ids then show exactly which part only the cloud knows
            self.account_id = AWS_ACCOUNT_PLACEHOLDER
            self.subscription_id = AZURE_SUBSCRIPTION_PLACEHOLDER
        self.answers: dict[str, ResourceAnswer] = {**ANSWERS, **(answers or {})}
        self.call_answers: dict[str, CallAnswer] = {**CALLS, **(calls or {})}
        self.resources: list[RecordedResource] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.component_outputs: Mapping[str, dict[str, Any]] = _ComponentOutputs()
        """Each component's registered outputs (plain values), by URN."""
        # The SDK calls the monitor from its executor's threads, several registrations at once:
        # what one registration passes to new_resource (its parent, its record) is kept per thread.
        self._local = threading.local()

    def register(self, type_token: str, answer: ResourceAnswer) -> None:
        """Answer resources of ``type_token`` with ``answer(mocks, name, inputs) -> (id, outputs)``."""
        self.answers[type_token] = answer

    def register_call(self, token: str, answer: CallAnswer) -> None:
        """Answer the invoke ``token`` with ``answer(mocks, args) -> result``."""
        self.call_answers[token] = answer

    # -- Mocks interface -------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        resource_id, state = self._state_for(args.typ, args.name, inputs, bool(args.custom))
        if args.custom is False:
            resource_id = None
        record = RecordedResource(
            type=args.typ,
            name=args.name,
            inputs=inputs,
            custom=bool(args.custom) if args.custom is not None else True,
            id=resource_id or "",
            outputs=state,
            provider=args.provider or "",
        )
        self.resources.append(record)
        self._local.record = record
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        self.calls.append((args.token, dict(args.args)))
        answer = self.call_answers.get(args.token)
        result = answer(self, dict(args.args)) if answer else {}
        if self.placeholders:
            for key, label in CALL_PLACEHOLDERS.get(args.token, {}).items():
                if key in result:
                    result[key] = label(args.args) if callable(label) else f"<{label}, known after deploy>"
        return result

    # -- queries for assertions -----------------------------------------
    def of_type(self, token: str) -> list[RecordedResource]:
        """All recorded resources with this type token, in registration order."""
        return [r for r in self.resources if r.type == token]

    def one(self, token: str) -> RecordedResource:
        """The single resource of this type; fails if there are none or several."""
        found = self.of_type(token)
        if len(found) != 1:
            raise AssertionError(
                f"expected exactly one {token}, found {len(found)}: {[r.name for r in found]}"
            )
        return found[0]

    def named(self, name: str) -> RecordedResource:
        """The resource with this logical name."""
        for record in self.resources:
            if record.name == name:
                return record
        raise AssertionError(f"no resource named {name!r}: {[r.name for r in self.resources]}")

    def children_of(self, parent: RecordedResource) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent.urn]

    def types(self) -> list[str]:
        return [r.type for r in self.resources]

    def run(self, program: Callable[[], Any]) -> Any:
        """Run ``program`` under these mocks and wait for every registration.

        Returns what the program returned, with Outputs resolved to plain values.
        """
        box: dict[str, Any] = {}

        @pulumi.runtime.test
        def _run() -> Any:
            result = program()
            return pulumi.Output.from_input(result).apply(lambda v: box.setdefault("value", v))

        _run()
        return box.get("value")

    def resolve(self, value: Any) -> Any:
        """The plain value of an Output (or nested Outputs) produced under these mocks."""
        return self.run(lambda: value)

    # -- helpers for answer functions -----------------------------------
    def arn(self, service: str, resource: str, region: str = "") -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>`` of these mocks."""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    _arn = arn  # older name

    def auto_name(self, typ: str, name: str, parent: str | None = None) -> str:
        """The name Pulumi would give: ``<name>-<7 hex>``, here hashed from the URN's parts (deterministic).

        ``parent``: the parent's URN; by default the parent of the resource being registered
        (in an answer function), "" outside a registration.
        """
        if parent is None:
            parent = getattr(self._local, "parent", "")
        return f"{name}-{digest(parent, typ, name, size=7)}"

    # -- the answer -------------------------------------------------------
    def _state_for(self, typ: str, name: str, inputs: dict[str, Any], custom: bool = True) -> tuple[str, dict]:
        answer = self.answers.get(typ) or family_answer(typ, inputs)
        modelled = answer is not None
        if answer is None:
            answer = unmodelled
        rid, outputs = answer(self, name, inputs)
        state = {**inputs, **outputs}
        if custom and not typ.startswith("pulumi:providers:"):
            computed, named = sdk_properties(typ)
            if not modelled and named and not state.get("name"):
                state["name"] = self.auto_name(typ, name)
            if self.placeholders:
                for key, label in PLACEHOLDERS.get(typ, {}).items():
                    if key in state and key not in inputs:
                        state[key] = f"<{label} of {name}, known after deploy>"
                for key in computed:
                    if state.get(key) is None:
                        state[key] = f"<{key} of {name}, known after deploy>"
                if not modelled:
                    rid = f"<id of {name}, known after deploy>"
        return rid, state

    # kept for callers of the old private API
    def _call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        answer = self.call_answers.get(token)
        return answer(self, dict(args)) if answer else {}


class _RecordingMonitor(_mocks.MockMonitor):
    """Adds parent, providers and dependencies to what ``WidMocks`` records."""

    mocks: WidMocks

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        local = self.mocks._local
        local.parent, local.record = request.parent, None  # auto-names hash the URN's parts
        response = super().RegisterResource(request)
        record, local.record = local.record, None
        if record is not None:
            record.urn = response.urn
            record.parent = request.parent
            record.providers = dict(request.providers)
            record.depends_on = sorted(
                set(request.dependencies)
                | {u for deps in request.propertyDependencies.values() for u in deps.urns}
            )
            record.delete_before_replace = bool(request.deleteBeforeReplace)
            position = request.sourcePosition
            record.source_position = f"{position.uri}#{position.line}" if position.uri else ""
        return response

    def RegisterResourceOutputs(self, request):  # noqa: N802
        self.mocks.component_outputs._record(request.urn, request.outputs)
        return super().RegisterResourceOutputs(request)


class _ComponentOutputs(Mapping):
    """Components' registered outputs, decoded when read rather than on every registration
    (benchmarks and most tests read few or none; ``plan`` reads them all once, at the end)."""

    def __init__(self) -> None:
        self._raw: dict[str, Any] = {}
        self._decoded: dict[str, tuple[Any, dict[str, Any]]] = {}

    def _record(self, urn: str, outputs: Any) -> None:
        self._raw[urn] = outputs  # the SDK makes a request per registration and never changes it after

    def __getitem__(self, urn: str) -> dict[str, Any]:
        raw = self._raw[urn]  # KeyError for an unknown URN, as a dict would
        decoded = self._decoded.get(urn)
        if decoded is None or decoded[0] is not raw:
            from pulumi.runtime import rpc

            _mocks._ensure_event_loop()
            decoded = (raw, dict(rpc.deserialize_properties(raw)))
            self._decoded[urn] = decoded  # kept with the message it came from: a later _record wins
        return decoded[1]

    def __contains__(self, urn: object) -> bool:
        return urn in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return repr(dict(self))


def _observe_duplicate_failures() -> None:
    """Mark a failed Output's ``is_known``/``is_secret`` futures as observed when they only repeat
    the failure of its value, which the program reports (pulumi 3.272, ``pulumi.output.Output.__init__``).

    When a resource fails to register (e.g. a ``ValidationError`` raised as one of its
    Output inputs resolves), the SDK fails every output property of the resource
    (``rpc.transfer_properties``) by setting the same exception on three futures: value,
    is_known and is_secret. ``Output.__init__`` awaits the value first and stops at its
    exception, so the other two are never awaited and asyncio logs each as "Future exception
    was never retrieved" with its whole traceback when it is garbage-collected: 40 such
    tracebacks for one bad input, printed long after the test that caused them. Only those
    two futures are marked, and only when their exception is the very one the value future
    carries (reported through the value); any other failure is logged as before.
    ``tests/test_testing.py`` keeps a test that fails once the SDK stops leaving them.
    """
    from pulumi.output import Output

    if getattr(Output.__init__, "_wid_observes_duplicates", False):
        return
    original = Output.__init__

    def __init__(self: Any, resources: Any, future: Any, is_known: Any, is_secret: Any = None) -> None:  # noqa: N807
        original(self, resources, future, is_known, is_secret)
        if isinstance(future, asyncio.Future):
            for flag in (is_known, is_secret):
                if isinstance(flag, asyncio.Future):
                    flag.add_done_callback(lambda done, value=future: _repeats_failure(done, value))

    __init__._wid_observes_duplicates = True  # type: ignore[attr-defined]
    __init__._wid_original = original  # type: ignore[attr-defined]
    Output.__init__ = __init__  # type: ignore[method-assign]


def _repeats_failure(flag: asyncio.Future, value: asyncio.Future) -> None:
    if flag.cancelled() or not value.done() or value.cancelled():
        return
    failure = value.exception()  # awaited by the Output anyway: reading it here hides nothing
    # ``_exception`` reads the exception without marking it observed (asyncio.Future, C and Python).
    if failure is not None and getattr(flag, "_exception", None) is failure:
        flag.exception()  # marks the duplicate as observed


def install(mocks: WidMocks, project: str = "project", stack: str = "stack", preview: bool = False) -> WidMocks:
    """Install ``mocks`` as the Pulumi runtime for this process (one set per test)."""
    _observe_duplicate_failures()
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=preview, monitor=_RecordingMonitor(mocks)
    )
    return mocks


# The fixture exists only under pytest (which has imported itself by the time it loads
# this plugin); `pulumi-wid plan` and user programs do not pay for importing pytest.
pytest = sys.modules.get("pytest")

if pytest is not None:

    @pytest.fixture
    def wid_mocks() -> Iterator[WidMocks]:
        """A fresh recording ``WidMocks`` installed for one test."""
        yield install(WidMocks())
