"""IKM: the results of the SKM survey — tallies per service and unsur (`tally`), the report of
/ikm and `kinerja-bot ikm` (`report`, `handlers`), and the monthly digest to unit heads (`digest`).

Other features read the IKM through `ikm_for_unit_tree`, `tallies` and `rating` (a summed
`Tally` of some services as a `Rating`, with its sample requirement).
"""

from kinerja_bot.ikm.tally import (
    IkmResult,
    Rating,
    Tally,
    ikm_for_unit_tree,
    period_bounds,
    rating,
    result_from_tally,
    tallies,
)

__all__ = [
    "IkmResult",
    "Rating",
    "Tally",
    "ikm_for_unit_tree",
    "period_bounds",
    "rating",
    "result_from_tally",
    "tallies",
]
