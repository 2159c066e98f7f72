"""What a booking holds of the studio's rooms and equipment, as plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceNeed:
    """`quantity` units of resource `resource_id` (1 reformer, the small room)."""

    resource_id: int
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError("a need is at least one unit")


def needs_merge(needs: Iterable[ResourceNeed]) -> list[ResourceNeed]:
    """One need per resource (quantities added up), ordered by resource id."""
    totals: dict[int, int] = {}
    for need in needs:
        totals[need.resource_id] = totals.get(need.resource_id, 0) + need.quantity
    return [ResourceNeed(resource_id, totals[resource_id]) for resource_id in sorted(totals)]
