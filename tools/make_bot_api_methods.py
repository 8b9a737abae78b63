"""Write `kinerja_bot/testing/bot_api_methods.json` from the machine-readable Bot API spec.

The fake Bot API (`kinerja_bot.testing`) validates every call against the official method list:
unknown methods, missing required parameters and wrong types. The full spec is ~900 KB of
descriptions; this keeps only what validation needs: each method's parameters (name, types,
required) and the action fields of an inline keyboard button.

    python tools/make_bot_api_methods.py [SPEC_JSON] [-o OUTPUT_JSON]

SPEC_JSON defaults to `../shared/telegram/bot-api-spec.json` relative to the repository.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO.parent / "shared" / "telegram" / "bot-api-spec.json"
DEFAULT_OUTPUT = REPO / "kinerja_bot" / "testing" / "bot_api_methods.json"
# InlineKeyboardButton: "Exactly one of the fields other than text, icon_custom_emoji_id, and
# style must be used" (the type's description); these are the fields that are not an action.
BUTTON_NON_ACTION_FIELDS = ("text", "icon_custom_emoji_id", "style")


def compact_methods(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every method name mapped to its parameters: name, types, required."""
    return {
        name: [
            {"name": field["name"], "types": field["types"], "required": field["required"]}
            for field in method.get("fields", [])
        ]
        for name, method in sorted(spec["methods"].items())
    }


def button_action_fields(spec: dict[str, Any]) -> list[str]:
    """The InlineKeyboardButton fields of which exactly one must be set."""
    button = spec["types"]["InlineKeyboardButton"]
    description = " ".join(button["description"])
    missing = [name for name in BUTTON_NON_ACTION_FIELDS if name not in description]
    if missing:
        raise SystemExit(f"InlineKeyboardButton no longer describes {missing}; update this tool")
    return [f["name"] for f in button["fields"] if f["name"] not in BUTTON_NON_ACTION_FIELDS]


def render(spec: dict[str, Any]) -> str:
    """The compact JSON text: one method per line so a new API version diffs readably."""
    methods = compact_methods(spec)
    lines = [
        "{",
        f'"version": {json.dumps(spec["version"])},',
        f'"release_date": {json.dumps(spec["release_date"])},',
        f'"inline_keyboard_button_actions": {json.dumps(button_action_fields(spec))},',
        '"methods": {',
    ]
    entries = [
        f"{json.dumps(name)}: {json.dumps(params, separators=(',', ':'))}"
        for name, params in methods.items()
    ]
    lines.append(",\n".join(entries))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Read the spec, write the compact method list, report its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    text = render(spec)
    json.loads(text)  # the output must stay valid JSON
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(spec['methods'])} methods, {len(text.encode()) // 1024} KB")


if __name__ == "__main__":
    main()
