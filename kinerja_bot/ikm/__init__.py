"""IKM: the results of the SKM survey — tallies per service and unsur (`tally`), the report of
/ikm and `kinerja-bot ikm` (`report`, `handlers`), and the monthly digest to unit heads (`digest`).

Other features read the IKM through `ikm_for_unit_tree` and `tallies`.
"""

from kinerja_bot.ikm.tally import IkmResult, ikm_for_unit_tree, result_from_tally, tallies

__all__ = ["IkmResult", "ikm_for_unit_tree", "result_from_tally", "tallies"]
