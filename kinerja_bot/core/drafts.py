"""A conversation's draft: a `TypedDict` kept in `user_data`, so it is persisted (JSON) after
every update and survives a restart.

    REPORT_DRAFT = DraftSlot[ReportDraft]("lapor.v2")
    draft = REPORT_DRAFT.get(context)      # None when there is none (or it is of an old shape)
    REPORT_DRAFT.new(context, {...})
    REPORT_DRAFT.drop(context)

The slot's key carries a version: when a draft's shape changes, its key changes too, so a
draft written by an older release is simply not found (and removed by the retention job)
instead of being read with the wrong keys.

A draft that lacks a key its step reads (`draft["target"]`) raises `DraftMismatch`: after a
kill, a conversation's state and its draft can disagree (they are written one after the
other). Every conversation built with `telegram_ui.conversation` turns that into "the session
was interrupted, start again" and ends, instead of an error at every answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

D = TypeVar("D", bound=Mapping[str, Any])


class DraftMismatch(KeyError):
    """A step read a key its draft does not have: the draft does not fit the conversation's
    state (an interrupted run)."""

    def __init__(self, slot: str, missing: object) -> None:
        super().__init__(missing)
        self.slot = slot


class _Draft(dict[str, Any]):
    """A draft as kept in `user_data` (a plain dict to JSON); a missing key says which slot."""

    def __init__(self, slot: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.slot = slot

    def __missing__(self, key: str) -> Any:
        raise DraftMismatch(self.slot, key)


class DraftSlot(Generic[D]):
    """Where one conversation keeps its draft in `user_data`."""

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self, context: Any) -> D | None:
        data = context.user_data
        draft = None if data is None else data.get(self.key)
        if draft is None:
            return None
        if not isinstance(draft, _Draft):  # read back from the database: a plain dict
            draft = data[self.key] = _Draft(self.key, draft)
        return cast("D", draft)

    def new(self, context: Any, draft: D) -> D:
        if context.user_data is None:
            raise RuntimeError("drafts need a user: this update has none")
        context.user_data[self.key] = _Draft(self.key, draft)
        return cast("D", context.user_data[self.key])

    def drop(self, context: Any) -> None:
        if context.user_data is not None:
            context.user_data.pop(self.key, None)
