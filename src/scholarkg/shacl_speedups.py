"""Speed-ups for pyshacl that change no validation result; :func:`install` is idempotent.

Validation is most of the export's time, and profiling pyshacl 0.40 on our shapes showed four
costs that have nothing to do with checking constraints:

1. **SPARQL re-parsing.** A SPARQL-based constraint runs once per focus node with the same text
   and only the bindings changed; rdflib re-parses the text every time (pyparsing, ~6 ms a
   call). A prepared query is reusable by design (``prepareQuery``), so the preparation is
   cached by text.
2. **List membership.** For every shape it validates, pyshacl finds its constraint parameters
   with ``p in search_parameters``, a scan of a ~40-element list of URIRefs (2.3M rdflib
   ``__eq__`` calls per 32 pages). The list is given set membership; order and content stay.
3. **One call per focus node.** ``sh:property`` validates its property shape once per focus
   node, rebuilding the shape's constraint components each time (~12,000 calls per 32 pages).
   Validating a property shape against a list of focus nodes is defined as validating each of
   them, and pyshacl's ``Shape.validate`` accepts a list, so the nodes are passed in one call
   when they are distinct (with repeats, the original per-node loop runs, so duplicate results
   stay as they were).
4. **Descriptions nobody reads.** ``sh:not`` validates its shape and keeps only whether it
   conformed; the results of that inner run are thrown away (pyshacl logs them in debug mode
   only). Our "the authorship's person is an author of its paper" check is an ``sh:not``
   whose inner shape fails for every valid authorship, and writing the text description of
   each such result (``stringify_node`` on paths and nodes) was a fifth of validation. Inside
   ``sh:not`` (not in debug mode) the description is left empty; the result itself is built
   as before.

Together they make validation ~2.2× faster on the export's batches. ``tests/test_shacl_speedups.py``
checks that every shapes test case gives the same report with and without them. They rely on
pyshacl internals, so each is installed only when the internals look as expected (otherwise
pyshacl simply runs unpatched), and ``pyproject.toml`` bounds the pyshacl version. All four
are worth proposing upstream.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_ORIGINALS: list[tuple[object, str, object]] = []
_PREPARED: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], object] = {}


def _patch(owner: object, name: str, value: object) -> None:
    _ORIGINALS.append((owner, name, getattr(owner, name, None)))
    setattr(owner, name, value)


def _memoise_sparql_preparation() -> None:
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # type: ignore[no-untyped-def]
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = _PREPARED.get(key)
            if prepared is None:
                prepared = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
                if len(_PREPARED) < 512:
                    _PREPARED[key] = prepared
            strOrQuery = prepared
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    _patch(processor.SPARQLProcessor, "query", query)


class _ParameterList(list):  # type: ignore[type-arg]
    """pyshacl's list of constraint parameters, with set membership (same items, same order)."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def copy(self) -> _ParameterList:
        return _ParameterList(self)

    def append(self, item: Any) -> None:
        super().append(item)
        self._members = frozenset(self)


def _set_membership_for_parameters() -> None:
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    # Shape.validate reads (and lazily fills) this module attribute.
    _patch(shape_module, "CONSTRAINT_PARAMS",
           (_ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP))


def _batch_property_shapes() -> None:
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    original = PropertyConstraintComponent._evaluate_property_shape

    def evaluate(self, executor, prop_shape, target_graph, focus_value_nodes,  # type: ignore[no-untyped-def]
                 potentially_recursive, _evaluation_path):
        values = [v for nodes in focus_value_nodes.values() for v in nodes]
        found = self.shape.get_other_shape(prop_shape)
        if (len(values) < 2 or len(set(values)) != len(values) or not found
                or not found.is_property_shape
                or (potentially_recursive and found in potentially_recursive)):
            # Repeats, errors and recursion warnings: pyshacl's own loop, unchanged.
            return original(self, executor, prop_shape, target_graph, focus_value_nodes,
                            potentially_recursive, _evaluation_path)
        conforms, reports = found.validate(
            executor, target_graph, focus=values, _evaluation_path=_evaluation_path[:]
        )
        return (not conforms), reports

    _patch(PropertyConstraintComponent, "_evaluate_property_shape", evaluate)


_DISCARDING = threading.local()


def _skip_descriptions_under_not() -> None:
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.constraints.core.logical_constraints import NotConstraintComponent

    original_not = NotConstraintComponent._evaluate_not_constraint
    original_describe = ConstraintComponent.make_v_result_description

    def evaluate_not(self, executor, *args, **kwargs):  # type: ignore[no-untyped-def]
        if executor.debug:  # debug logging prints the inner results: keep them whole
            return original_not(self, executor, *args, **kwargs)
        stack = _DISCARDING.__dict__.setdefault("stack", [])
        stack.append(self)
        try:
            return original_not(self, executor, *args, **kwargs)
        finally:
            stack.pop()

    def describe(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        stack = getattr(_DISCARDING, "stack", None)
        # Inside the inner run of an sh:not, every result is thrown away; the outermost sh:not's
        # own result (made after its inner run, by that component) is kept.
        if stack and (len(stack) > 1 or stack[0] is not self):
            return ""
        return original_describe(self, *args, **kwargs)

    _patch(NotConstraintComponent, "_evaluate_not_constraint", evaluate_not)
    _patch(ConstraintComponent, "make_v_result_description", describe)


def _internals_as_expected() -> bool:
    try:
        import pyshacl.shape as shape_module
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP  # noqa: F401
        from pyshacl.constraints.constraint_component import ConstraintComponent
        from pyshacl.constraints.core.logical_constraints import NotConstraintComponent
        from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent
        from rdflib.plugins.sparql import processor
    except ImportError:
        return False
    return (
        hasattr(shape_module, "module")
        and hasattr(PropertyConstraintComponent, "_evaluate_property_shape")
        and hasattr(NotConstraintComponent, "_evaluate_not_constraint")
        and hasattr(ConstraintComponent, "make_v_result_description")
        and isinstance(ALL_CONSTRAINT_PARAMETERS, list)
        and hasattr(processor, "translateQuery")
    )


def install() -> bool:
    """Install the speed-ups (once per process). Returns whether they are active."""
    if _ORIGINALS:
        return True
    if not _internals_as_expected():
        return False
    _memoise_sparql_preparation()
    _set_membership_for_parameters()
    _batch_property_shapes()
    _skip_descriptions_under_not()
    return True


def uninstall() -> None:
    """Put pyshacl back as it was (tests compare the two)."""
    while _ORIGINALS:
        owner, name, original = _ORIGINALS.pop()
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _PREPARED.clear()


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run a block with plain pyshacl, re-installing the speed-ups afterwards if they were on."""
    was_on = bool(_ORIGINALS)
    uninstall()
    try:
        yield
    finally:
        if was_on:
            install()
