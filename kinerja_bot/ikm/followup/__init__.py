"""Rencana tindak lanjut (RTL): a unit's actions on its weak SKM unsur, with owner, deadline
and status (PermenPANRB 14/2017: survey results are followed up; PEKPPP scores the share done).

`service` works on the database; `command` is `kinerja-bot rtl tambah|status|daftar`.
Declared service: `progress_of` (the share done, for the IKM digest and the public site) and
`actions_of` (the actions, for the public site).
"""

from kinerja_bot.ikm.followup.service import Progress, actions_of, progress_of

__all__ = ["Progress", "actions_of", "progress_of"]
