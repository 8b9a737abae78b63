"""/analisis on one phone screen: a summary of the units with needs (a button each), a unit's
needs (a button each), one need in full with its proposed courses and their offer buttons; every
view has its way back, and the whole list goes out as a spreadsheet (`xlsx:ana:…`, written by
the exports feature with the same table as `kinerja-bot ekspor analisis`).

Callback data, all recomputed on the server at each press (so a forged or outdated button
finds nothing): `ana:l:<period>:<root>:<page>` the summary, `ana:u:<period>:<root>:<unit>` a
unit, `ana:k:<period>:<root>:<unit>:<need>` a need (its `need_key`), `ana:a:<period>:<root>`
appreciation, `ana:e:<period>:<root>` completed development. `root` is the unit asked for
with `/analisis KODE`, or 0 for what the person sees by default (a head: the units they lead;
an admin: the city).
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup

from kinerja_bot.analysis.needs import (
    Need,
    NeedsReport,
    UnitNeeds,
    build_needs_report,
    build_needs_report_for_units,
)
from kinerja_bot.analysis.offering import need_key, need_offer_rows
from kinerja_bot.analysis.render import (
    TEXTS,
    appreciation_block,
    effect_block,
    need_texts,
    offers_text,
    scope_text,
)
from kinerja_bot.core.models import id_of
from kinerja_bot.core.people import Person, may_see_unit
from kinerja_bot.core.rules.periods import Period, format_date_id, wib_today
from kinerja_bot.core.telegram_ui import (
    PAGE_SIZE,
    Button,
    back_button,
    keyboard,
    page_row,
    paginate,
    shorten,
)
from kinerja_bot.core.texts import BUTTON_LABEL_LIMIT, MESSAGE_LIMIT, Markup

__all__ = [
    "PREFIX",
    "XLSX_PREFIX",
    "need_view",
    "report_for",
    "summary_view",
    "text_view",
    "unit_view",
]

PREFIX = "ana"
# Handled by the exports feature, which writes the spreadsheet.
XLSX_PREFIX = "xlsx:ana"
View = tuple[str, InlineKeyboardMarkup]


async def report_for(
    session: AsyncSession, person: Person, period: Period, root: int
) -> NeedsReport | None:
    """The analysis a person sees: of the unit `root` (its tree), or by default (0) of the
    units they lead, or the city for an admin; None when they may not see it."""
    today = wib_today()
    if root:
        if not await may_see_unit(session, person, root):
            return None
        return await build_needs_report(session, root, period, today=today)
    if person.is_admin:
        return await build_needs_report(session, None, period, today=today)
    if not person.head_of_units:
        return None
    return await build_needs_report_for_units(session, person.head_of_units, period, today=today)


def _scope(report: NeedsReport, root: int) -> str:
    return f"{report.period.label}:{root}"


def _label(text: str) -> str:
    return shorten(str(text), BUTTON_LABEL_LIMIT)


def summary_view(report: NeedsReport, root: int, page: int = 0, *, attached: bool = False) -> View:
    """The heading, how many needs of each level, one line and one button per unit with needs
    (a page of them), the appreciation and development buttons and the spreadsheet's button —
    none when the spreadsheet comes `attached` below the message (the quarterly job)."""
    scope = _scope(report, root)
    lines = [
        TEXTS.get(
            "judul",
            periode=report.period.title,
            cakupan=scope_text(report),
            tanggal=format_date_id(report.as_of),
        )
    ]
    units = report.with_needs
    rows: list[list[Button]] = []
    if not units:
        lines.append(TEXTS.get("tidak_ada_kebutuhan"))
    else:
        levels = [need.level.value for unit in units for need in unit.needs]
        lines.append(
            TEXTS.get(
                "ringkasan_tingkat",
                tinggi=levels.count(3),
                sedang=levels.count(2),
                rendah=levels.count(1),
            )
        )
        shown, page, pages = paginate(units, page)
        first = page * PAGE_SIZE + 1
        for number, unit in enumerate(shown, start=first):
            top = need_texts(unit.needs[0])
            lines.append(
                TEXTS.get(
                    "ringkasan_unit",
                    nomor=number,
                    unit=unit.unit.nama,
                    jumlah=len(unit.needs),
                    ikon=Markup(top.ikon),
                    teratas=Markup(f"{top.jenis}: {top.subjek}"),
                )
            )
            label = TEXTS.get("tombol_unit", nomor=number, unit=unit.unit.nama)
            rows.append([(_label(label), f"{PREFIX}:u:{scope}:{id_of(unit.unit)}")])
        if nav := page_row(TEXTS, page, pages, f"{PREFIX}:l:{scope}:{{}}"):
            rows.append(nav)
        if pages > 1:
            lines.append(TEXTS.get("halaman", halaman=page + 1, jumlah=pages))
        lines.append(TEXTS.get("ringkasan_petunjuk_lampiran" if attached else "ringkasan_petunjuk"))
    rows.append(
        [
            (TEXTS.get("tombol_apresiasi"), f"{PREFIX}:a:{scope}"),
            (TEXTS.get("tombol_efek"), f"{PREFIX}:e:{scope}"),
        ]
    )
    if not attached:
        rows.append([(TEXTS.get("tombol_xlsx"), f"{XLSX_PREFIX}:{scope}")])
    return "\n".join(lines), keyboard(rows)


def find_unit(report: NeedsReport, unit_id: int) -> UnitNeeds | None:
    return next((u for u in report.with_needs if id_of(u.unit) == unit_id), None)


def find_need(unit: UnitNeeds, key: str) -> Need | None:
    return next((need for need in unit.needs if need_key(need) == key), None)


def _unit_heading(unit: UnitNeeds, number: int) -> str:
    return TEXTS.get(
        "unit",
        nomor=number,
        unit=unit.unit.nama,
        pegawai=unit.staff,
        melapor=unit.reporting_staff,
        responden=unit.respondents,
    )


def unit_view(report: NeedsReport, root: int, unit: UnitNeeds) -> View:
    """A unit's needs, one short line and one button each, with ◀ back to the summary."""
    scope = _scope(report, root)
    number = report.with_needs.index(unit) + 1
    lines = [_unit_heading(unit, number)]
    rows: list[list[Button]] = []
    for position, need in enumerate(unit.needs, start=1):
        words = need_texts(need)
        lines.append(
            TEXTS.get(
                "ringkas_kebutuhan",
                nomor=position,
                ikon=Markup(words.ikon),
                jenis=Markup(words.jenis),
                subjek=Markup(words.subjek),
                tingkat=Markup(words.tingkat),
            )
        )
        label = TEXTS.get(
            "tombol_kebutuhan", nomor=position, ikon=Markup(words.ikon), subjek=Markup(words.subjek)
        )
        data = f"{PREFIX}:k:{scope}:{id_of(unit.unit)}:{need_key(need)}"
        rows.append([(_label(label), data)])
    lines.append(TEXTS.get("petunjuk_unit"))
    page = (number - 1) // PAGE_SIZE
    rows.append(back_button(TEXTS.get("kembali_daftar"), f"{PREFIX}:l:{scope}:{page}"))
    return "\n".join(lines), keyboard(rows)


def need_view(report: NeedsReport, root: int, unit: UnitNeeds, need: Need) -> View:
    """One need in full: evidence, suggested action, proposed courses with the buttons that
    offer them; ◀ back to the unit."""
    scope = _scope(report, root)
    words = need_texts(need)
    position = unit.needs.index(need) + 1
    parts = [
        TEXTS.get("kebutuhan_unit", unit=unit.unit.nama),
        TEXTS.get(
            "kebutuhan",
            nomor=position,
            ikon=Markup(words.ikon),
            jenis=Markup(words.jenis),
            subjek=Markup(words.subjek),
            tingkat=Markup(words.tingkat),
            bukti=Markup(words.bukti),
            saran=Markup(words.saran),
        ),
    ]
    if (proposed := offers_text(need, report.offers)) is not None:
        parts.append(proposed)
    rows = need_offer_rows(report, unit, need)
    rows.append(
        back_button(
            TEXTS.get("kembali_unit", unit=shorten(unit.unit.nama, 40)),
            f"{PREFIX}:u:{scope}:{id_of(unit.unit)}",
        )
    )
    return _fit("\n".join(parts)), keyboard(rows)


def text_view(report: NeedsReport, root: int, text: str) -> View:
    """Appreciation or completed development, within one message, ◀ back to the summary."""
    scope = _scope(report, root)
    return _fit(text), keyboard([back_button(TEXTS.get("kembali_daftar"), f"{PREFIX}:l:{scope}:0")])


def _fit(text: str) -> str:
    """One message at most: a view longer than Telegram allows ends at a line, with a pointer to
    the spreadsheet (real units stay far below; a city-wide list of thanks might not)."""
    if len(text) <= MESSAGE_LIMIT:
        return text
    more = "\n" + TEXTS.get("terpotong")
    cut = text[: MESSAGE_LIMIT - len(more)].rsplit("\n", 1)[0]
    return cut + more


def appreciation_view(report: NeedsReport, root: int) -> View:
    return text_view(report, root, appreciation_block(report))


def effect_view(report: NeedsReport, root: int) -> View:
    return text_view(report, root, effect_block(report))
