"""A conversation's draft: a `TypedDict` kept in `user_data`, so it is persisted (JSON) after
every update and survives a restart.

    REPORT_DRAFT = DraftSlot[ReportDraft]("lapor.v2")
    draft = REPORT_DRAFT.get(context)      # None when there is none (or it is of an old shape)
    REPORT_DRAFT.new(context, {...})
    REPORT_DRAFT.drop(context)

The slot's key carries a version: when a draft's shape changes, its key changes too, so a
draft written by an older release is simply not found (and removed by the retention job)
instead of being read with the wrong keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

D = TypeVar("D", bound=Mapping[str, Any])


class DraftSlot(Generic[D]):
    """Where one conversation keeps its draft in `user_data`."""

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self, context: Any) -> D | None:
        data = context.user_data
        return None if data is None else cast("D | None", data.get(self.key))

    def new(self, context: Any, draft: D) -> D:
        if context.user_data is None:
            raise RuntimeError("drafts need a user: this update has none")
        context.user_data[self.key] = draft
        return draft

    def drop(self, context: Any) -> None:
        if context.user_data is not None:
            context.user_data.pop(self.key, None)
