"""The fear hierarchy: ordered scenes to imagine, each with a SUDS rating.

A hierarchy climbs from the least to the most distressing scene (Wolpe, 1958). Each item
carries the client's own rating on the Subjective Units of Distress Scale, 0-100
(SUDS; Wolpe, 1969). Hierarchies are immutable: every edit returns a new one, and the
program state is reconciled against it (see :mod:`.machine`).

References
----------
Wolpe, J. (1958). *Psychotherapy by Reciprocal Inhibition*. Stanford University Press.
Wolpe, J. (1969). *The Practice of Behavior Therapy*. Pergamon.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .errors import HierarchyError, check_int

SUDS_MIN = 0
SUDS_MAX = 100
MAX_ITEMS = 30
MAX_TEXT_CHARS = 300
MAX_ID_CHARS = 64


@dataclass(frozen=True)
class Item:
    """One scene of the hierarchy.

    Parameters
    ----------
    id : str
        A stable identifier (the web layer uses the database key). Progress is kept by id,
        so an item keeps its progress when it is moved or re-rated.
    text : str
        The scene to imagine, in the client's words (1-300 characters).
    suds : int
        How distressing the scene feels now, 0 (calm) to 100 (the worst imaginable).

    Raises
    ------
    HierarchyError
        If the id or text is empty or too long, or ``suds`` is not a whole number 0-100.
    """

    id: str
    text: str
    suds: int

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id or len(self.id) > MAX_ID_CHARS:
            raise HierarchyError(
                f"an item id must be 1-{MAX_ID_CHARS} characters of text; got {self.id!r}"
            )
        if not isinstance(self.text, str) or not self.text.strip():
            raise HierarchyError("a step needs a short description of the scene to imagine")
        if len(self.text) > MAX_TEXT_CHARS:
            raise HierarchyError(
                f"a step's description can be at most {MAX_TEXT_CHARS} characters; "
                f"got {len(self.text)}"
            )
        check_int("SUDS", self.suds, SUDS_MIN, SUDS_MAX, HierarchyError)


@dataclass(frozen=True)
class StepGap:
    """Two neighbouring items whose SUDS ratings climb by more than the allowed step."""

    lower_id: str
    upper_id: str
    rise_suds: int


@dataclass(frozen=True)
class Hierarchy:
    """An ordered tuple of :class:`Item`, lowest rung first.

    Raises
    ------
    HierarchyError
        If ids repeat or there are more than ``MAX_ITEMS`` items.

    Examples
    --------
    >>> h = Hierarchy((Item("a", "Alone, eyes getting wet", 10),))
    >>> h.add(Item("b", "In the waiting room", 30)).ids
    ('a', 'b')
    """

    items: tuple[Item, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        for item in self.items:
            if not isinstance(item, Item):
                raise HierarchyError(f"a hierarchy holds Item objects; got {item!r}")
        if len(self.items) > MAX_ITEMS:
            raise HierarchyError(
                f"a hierarchy can have at most {MAX_ITEMS} steps; got {len(self.items)}"
            )
        repeated = _repeated(item.id for item in self.items)
        if repeated:
            raise HierarchyError(f"each step needs its own id; repeated: {', '.join(repeated)}")

    def __len__(self) -> int:
        return len(self.items)

    @property
    def ids(self) -> tuple[str, ...]:
        """The item ids in order."""
        return tuple(item.id for item in self.items)

    def get(self, item_id: str) -> Item:
        """Return the item with ``item_id``; raise :class:`HierarchyError` if absent."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise HierarchyError(f"there is no step with id {item_id!r}")

    def index_of(self, item_id: str) -> int:
        """Return the 0-based position of ``item_id``; raise if absent."""
        return self.ids.index(self.get(item_id).id)

    def add(self, item: Item, position: int | None = None) -> Hierarchy:
        """Return a hierarchy with ``item`` inserted at ``position`` (default: at the end).

        Raises
        ------
        HierarchyError
            If the id is taken, the hierarchy is full, or the position is out of range.
        """
        items = list(self.items)
        where = len(items) if position is None else position
        check_int("position", where, 0, len(items), HierarchyError)
        items.insert(where, item)
        return Hierarchy(tuple(items))

    def remove(self, item_id: str) -> Hierarchy:
        """Return a hierarchy without ``item_id``; raise if it is absent."""
        self.get(item_id)
        return Hierarchy(tuple(item for item in self.items if item.id != item_id))

    def edit(self, item_id: str, *, text: str | None = None, suds: int | None = None) -> Hierarchy:
        """Return a hierarchy where ``item_id`` has a new text and/or SUDS rating.

        Changing the text changes the scene, so the program treats the item as not yet
        passed; re-rating keeps its progress.
        """
        old = self.get(item_id)
        new = replace(
            old,
            text=old.text if text is None else text,
            suds=old.suds if suds is None else suds,
        )
        return Hierarchy(tuple(new if item.id == item_id else item for item in self.items))

    def reorder(self, order: Sequence[str]) -> Hierarchy:
        """Return the same items in ``order``, which must name every id exactly once.

        Raises
        ------
        HierarchyError
            Naming repeated, unknown or missing ids.
        """
        repeated = _repeated(order)
        if repeated:
            raise HierarchyError(
                f"each step can have only one place; repeated: {', '.join(repeated)}"
            )
        unknown = [item_id for item_id in order if item_id not in self.ids]
        if unknown:
            raise HierarchyError(f"there is no step with id {', '.join(map(repr, unknown))}")
        missing = [item_id for item_id in self.ids if item_id not in order]
        if missing:
            raise HierarchyError(f"the new order leaves out {', '.join(map(repr, missing))}")
        return Hierarchy(tuple(self.get(item_id) for item_id in order))

    def reorder_by_positions(self, positions: dict[str, int]) -> Hierarchy:
        """Return the items sorted by 1-based ``positions`` (id -> place), as on a form.

        Raises
        ------
        HierarchyError
            If two items get the same place, a place is outside 1..n, or an id is missing.
        """
        count = len(self.items)
        for item_id, place in positions.items():
            check_int(f"place of step {item_id!r}", place, 1, max(count, 1), HierarchyError)
        clashes = sorted({p for p, n in Counter(positions.values()).items() if n > 1})
        if clashes:
            raise HierarchyError(
                "two steps cannot share a place; repeated place(s): "
                + ", ".join(str(place) for place in clashes)
            )
        return self.reorder(sorted(positions, key=positions.__getitem__))

    def sorted_by_suds(self) -> Hierarchy:
        """Return the items ordered by SUDS, keeping the current order among equal ratings."""
        return Hierarchy(tuple(sorted(self.items, key=lambda item: item.suds)))

    def large_steps(self, max_step_suds: int) -> list[StepGap]:
        """Return neighbours whose SUDS rises by more than ``max_step_suds``.

        A big rise is a hint to add an in-between scene; it is never an error.
        """
        gaps = []
        for lower, upper in zip(self.items, self.items[1:], strict=False):
            if upper.suds - lower.suds > max_step_suds:
                gaps.append(StepGap(lower.id, upper.id, upper.suds - lower.suds))
        return gaps

    def suggest_intermediate_suds(self, item_id: str) -> int:
        """Return a SUDS rating halfway between ``item_id`` and the step before it.

        For the first item the midpoint is taken from 0.
        """
        index = self.index_of(item_id)
        below = self.items[index - 1].suds if index > 0 else SUDS_MIN
        return (below + self.items[index].suds) // 2


def _repeated(values: Iterable[str]) -> list[str]:
    return sorted(value for value, n in Counter(values).items() if n > 1)
