"""The weekly summary to every atasan: who reported, where each person stands, what falls
behind, obstacles (and those open for more than two weeks), training needs, the unit's IKM and
its weakest unsur, and tickets past due — as text that reads well on a phone, plus a chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup

from kinerja_bot.complaints.service import OverdueTicket, overdue_tickets
from kinerja_bot.core.charts import MAX_BARS, STATUS_COLORS, Bar, render_bar_chart
from kinerja_bot.core.models import Delivery, DeliveryStatus, Employee, ProgressReport, id_of
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.outbox import (
    DeliveryReport,
    JobServices,
    Outgoing,
    deliver_all,
    split_blocks,
)
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.achievement import OnTrackStatus, status_from_pct
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import WIB, Period, PeriodKind, current_period, format_date_id
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE, IkmResult
from kinerja_bot.core.telegram_ui import keyboard, shorten
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.core.vocabulary import category_label, status_label
from kinerja_bot.development import JP_PER_YEAR, format_jp, jp_totals, nudge_season
from kinerja_bot.ikm.tally import ikm_for_unit_tree
from kinerja_bot.recognition.service import Given, appreciation_for
from kinerja_bot.reminders.service import weeks_without_report
from kinerja_bot.team.service import MemberWeek, team_members, team_week

TEXTS = TextBook(
    "ringkasan",
    {
        "judul": ("nama", "minggu"),
        "tingkat_lapor": ("sudah", "jumlah", "persen"),
        "belum_lapor": ("daftar",),
        "dua_minggu": ("daftar",),
        "per_orang_judul": ("legenda",),
        "per_orang": ("nama", "hijau", "kuning", "merah", "capaian"),
        "tertinggal_judul": (),
        "tertinggal": ("nama", "indikator", "capaian"),
        "kendala_judul": (),
        "kendala": ("kategori", "jumlah", "rincian"),
        "kendala_lama": (),
        "pelatihan_judul": (),
        "pelatihan": ("nama", "kategori", "isi"),
        "ikm": ("periode", "nilai", "mutu", "responden", "unsur"),
        "ikm_belum_cukup": ("periode", "responden"),
        "ikm_unsur_kosong": ("periode", "unsur", "responden"),
        "tiket_lewat": ("jumlah", "daftar"),
        "tiket_baris": ("nomor", "layanan", "hari"),
        "tidak_ada": (),
        "grafik_judul": ("minggu",),
        "grafik_sumbu": (),
        "grafik_acuan": (),
        "tombol_ingatkan": ("nama",),
        "tombol_buka_tim": (),
        "apresiasi_judul": (),
        "jp_kurang": ("daftar",),
        "jp_orang": ("nama", "jp"),
        "jp_semua_cukup": (),
        "apresiasi": ("pemberi", "penerima", "catatan"),
        "admin": ("minggu", "terkirim", "gagal", "diblokir"),
        "tak_terjangkau": ("daftar",),
        "warga_lain": ("jumlah",),
    },
)

SUMMARY_JOB = "ringkasan"
ADMIN_JOB = "ringkasan-admin"
OBSTACLE_OPEN_DAYS = 14
NUDGE_BUTTONS = 6


@dataclass
class TeamSummary:
    atasan: Employee
    week: Period
    members: list[MemberWeek]
    two_weeks_missing: list[Employee] = field(default_factory=list)
    obstacles: dict[str, list[tuple[Employee, ProgressReport, bool]]] = field(default_factory=dict)
    training: list[tuple[Employee, ProgressReport]] = field(default_factory=list)
    ikm: IkmResult | None = None
    ikm_period: Period | None = None
    overdue: list[OverdueTicket] = field(default_factory=list)
    appreciation: list[Given] = field(default_factory=list)
    # From the third quarter: team members under 20 JP this year, with their JP.
    under_jp: list[tuple[Employee, float]] | None = None


def mean_prorata(member: MemberWeek) -> float | None:
    values = [p.prorata_pct for p in member.progress if p.prorata_pct is not None]
    return sum(values) / len(values) if values else None


async def obstacles_of(
    session: AsyncSession, members: list[Employee], week: Period
) -> dict[str, list[tuple[Employee, ProgressReport, bool]]]:
    """This week's obstacles by category; each flagged when the same person first reported that
    category on that indicator at least two weeks earlier (it is still open)."""
    by_id = {id_of(m): m for m in members}
    history = (
        await session.exec(
            select(ProgressReport).where(
                col(ProgressReport.employee_id).in_(list(by_id)),
                col(ProgressReport.kendala_kategori).is_not(None),
                ProgressReport.week_start >= week.start - timedelta(weeks=12),
                ProgressReport.week_start <= week.start,
            )
        )
    ).all()
    first_seen: dict[tuple[int, int, str], date] = {}
    for report in history:
        key = (report.employee_id, report.indicator_id, str(report.kendala_kategori))
        first_seen[key] = min(first_seen.get(key, report.week_start), report.week_start)
    grouped: dict[str, list[tuple[Employee, ProgressReport, bool]]] = defaultdict(list)
    for report in history:
        if report.week_start != week.start:
            continue
        key = (report.employee_id, report.indicator_id, str(report.kendala_kategori))
        still_open = (week.start - first_seen[key]).days >= OBSTACLE_OPEN_DAYS
        grouped[str(report.kendala_kategori)].append(
            (by_id[report.employee_id], report, still_open)
        )
    return dict(grouped)


async def build_summary(session: AsyncSession, atasan: Employee, today: date) -> TeamSummary | None:
    """Everything the weekly summary says about one atasan's direct team."""
    members = await team_members(session, Person(telegram_id=0, employee=atasan), whole_unit=False)
    if not members:
        return None
    week = current_period(PeriodKind.WEEK, today)
    weeks = await team_week(session, members, today)
    missing = await weeks_without_report(session, [id_of(m) for m in members], today)
    by_id = {id_of(m): m for m in members}
    training = [
        (by_id[r.employee_id], r)
        for w in weeks
        for r in w.reports
        if r.dukungan_kategori is not None
    ]
    units = await unit_tree_ids(session, atasan.unit_id)
    quarter = current_period(PeriodKind.QUARTER, today)
    overdue = [t for t in await overdue_tickets(session, today) if t.unit.id in units]
    return TeamSummary(
        atasan=atasan,
        week=week,
        members=weeks,
        two_weeks_missing=[by_id[i] for i in sorted(missing)],
        obstacles=await obstacles_of(session, members, week),
        training=training,
        ikm=rated.result
        if (rated := await ikm_for_unit_tree(session, quarter, atasan.unit_id, WIB))
        else None,
        ikm_period=quarter,
        overdue=overdue,
        appreciation=await appreciation_for(session, list(by_id), week.start, week.end),
        under_jp=await under_jp(session, members, today) if nudge_season(today) else None,
    )


async def under_jp(
    session: AsyncSession, members: list[Employee], today: date
) -> list[tuple[Employee, float]]:
    totals = await jp_totals(session, today.year, [id_of(m) for m in members])
    found = [(m, totals.get(id_of(m), 0.0)) for m in members]
    return [(m, total) for m, total in found if total < JP_PER_YEAR]


def title_block(summary: TeamSummary) -> str:
    title = f"{format_date_id(summary.week.start)} – {format_date_id(summary.week.end)}"
    return TEXTS.get("judul", nama=summary.atasan.nama, minggu=title)


def reporting_block(summary: TeamSummary) -> str:
    """How many reported, who did not, and who missed two weeks in a row."""
    weeks = summary.members
    reported = [w for w in weeks if w.reported]
    lines = [
        TEXTS.get(
            "tingkat_lapor",
            sudah=len(reported),
            jumlah=len(weeks),
            persen=format_percent_id(100 * len(reported) / len(weeks), 0),
        )
    ]
    missing = [w.employee.nama for w in weeks if not w.reported]
    if missing:
        lines.append(TEXTS.get("belum_lapor", daftar=", ".join(missing)))
    if summary.two_weeks_missing:
        names = ", ".join(e.nama for e in summary.two_weeks_missing)
        lines.append(TEXTS.get("dua_minggu", daftar=names))
    return "\n".join(lines)


def people_block(summary: TeamSummary) -> str:
    """Each person's indicators by status, and their mean against the pro-rata target."""
    # The legend is the shared status vocabulary (kosakata.yaml), never a copy of it.
    legend = " · ".join(status_label(status) for status in OnTrackStatus)
    lines = [TEXTS.get("per_orang_judul", legenda=legend)]
    for member in summary.members:
        counts = {s: sum(p.status == s for p in member.progress) for s in OnTrackStatus}
        average = mean_prorata(member)
        lines.append(
            TEXTS.get(
                "per_orang",
                nama=member.employee.nama,
                hijau=counts[OnTrackStatus.SESUAI_JADWAL],
                kuning=counts[OnTrackStatus.PERLU_PERHATIAN],
                merah=counts[OnTrackStatus.TERTINGGAL],
                capaian="-" if average is None else format_percent_id(average, 0),
            )
        )
    return "\n".join(lines)


def with_heading(heading: str, lines: list[str]) -> str:
    """A section: its heading, then its lines, or "tidak ada" when there are none."""
    return "\n".join([TEXTS.get(heading), *(lines or [TEXTS.get("tidak_ada")])])


def lagging_block(summary: TeamSummary) -> str:
    lines = [
        TEXTS.get(
            "tertinggal",
            nama=member.employee.nama,
            indikator=p.indicator.nama,
            capaian=format_percent_id(p.achievement_pct or 0, 1),
        )
        for member in summary.members
        for p in member.progress
        if p.status is OnTrackStatus.TERTINGGAL
    ]
    return with_heading("tertinggal_judul", lines)


def obstacles_block(summary: TeamSummary) -> str:
    """Kendala by category, the most frequent first; an obstacle still open is marked."""
    lines = []
    for category, items in sorted(summary.obstacles.items(), key=lambda kv: -len(kv[1])):
        details = "; ".join(
            f"{employee.nama}: {shorten(report.kendala or '-', 80)}"
            + (" " + TEXTS.get("kendala_lama") if still_open else "")
            for employee, report, still_open in items
        )
        kategori = category_label("kendala", category)
        lines.append(TEXTS.get("kendala", kategori=kategori, jumlah=len(items), rincian=details))
    return with_heading("kendala_judul", lines)


def training_block(summary: TeamSummary) -> str:
    lines = [
        TEXTS.get(
            "pelatihan",
            nama=employee.nama,
            kategori=category_label("dukungan", report.dukungan_kategori),
            isi=shorten(report.dukungan or "-", 80),
        )
        for employee, report in summary.training
    ]
    return with_heading("pelatihan_judul", lines)


def development_block(summary: TeamSummary) -> str | None:
    """From July: who is still under 20 JP this year (or that everyone reached it)."""
    if summary.under_jp is None:
        return None
    if not summary.under_jp:
        return TEXTS.get("jp_semua_cukup")
    names = ", ".join(
        TEXTS.get("jp_orang", nama=e.nama, jp=format_jp(total)) for e, total in summary.under_jp
    )
    return TEXTS.get("jp_kurang", daftar=names)


def appreciation_block(summary: TeamSummary) -> str | None:
    """The thanks given to the team this week, if any."""
    if not summary.appreciation:
        return None
    lines = [
        TEXTS.get(
            "apresiasi",
            pemberi=given.giver,
            penerima=given.receiver,
            catatan=shorten(given.note, 80),
        )
        for given in summary.appreciation
    ]
    return "\n".join([TEXTS.get("apresiasi_judul"), *lines])


def ikm_block(summary: TeamSummary) -> str:
    """The unit's IKM this quarter with its weakest unsur; or why it cannot be given: an unsur
    nobody answered, or too few respondents."""
    period = summary.ikm_period.title if summary.ikm_period else "-"
    ikm = summary.ikm
    if ikm is not None and ikm.enough_data and ikm.ikm is not None:
        weakest = ikm.weakest_unsur
        return TEXTS.get(
            "ikm",
            periode=period,
            nilai=format_number_id(ikm.ikm, 2),
            mutu=f"{ikm.mutu.value} ({ikm.mutu.label})" if ikm.mutu else "-",
            responden=ikm.respondents,
            unsur=UNSUR_BY_CODE[weakest].name if weakest else "-",
        )
    if ikm is not None and not ikm.too_few_respondents:
        unanswered = ", ".join(ikm.unanswered)
        return TEXTS.get(
            "ikm_unsur_kosong", periode=period, unsur=unanswered, responden=ikm.respondents
        )
    return TEXTS.get("ikm_belum_cukup", periode=period, responden=ikm.respondents if ikm else 0)


def overdue_block(summary: TeamSummary) -> str | None:
    """Late tickets of the unit (the first ten), if any."""
    if not summary.overdue:
        return None
    lines = "\n".join(
        TEXTS.get(
            "tiket_baris", nomor=t.complaint.nomor, layanan=t.service.nama, hari=t.working_days_late
        )
        for t in summary.overdue[:10]
    )
    return TEXTS.get("tiket_lewat", jumlah=len(summary.overdue), daftar=Markup(lines))


# The summary's sections, in the order the atasan reads them.
SECTIONS: tuple[Callable[[TeamSummary], str | None], ...] = (
    title_block,
    reporting_block,
    people_block,
    lagging_block,
    obstacles_block,
    training_block,
    development_block,
    appreciation_block,
    ikm_block,
    overdue_block,
)


def render(summary: TeamSummary) -> list[str]:
    """The summary as self-contained HTML blocks (split into messages by `split_blocks`)."""
    return [block for section in SECTIONS if (block := section(summary)) is not None]


def buttons(summary: TeamSummary) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                TEXTS.get("tombol_ingatkan", nama=shorten(w.employee.nama, 30)),
                f"tim:ingat:{w.employee.id}",
            )
        ]
        for w in summary.members
        if not w.reported
    ][:NUDGE_BUTTONS]
    rows.append([(TEXTS.get("tombol_buka_tim"), "tim:buka")])
    return keyboard(rows)


async def chart(summary: TeamSummary) -> bytes:
    """Achievement against the pro-rata target per person, rendered off the event loop."""
    bars = []
    # A chart holds MAX_BARS people; a larger team shows those furthest behind.
    members = sorted(summary.members, key=lambda m: mean_prorata(m) or 0.0)[:MAX_BARS]
    for member in sorted(members, key=lambda m: m.employee.nama):
        average = mean_prorata(member)
        bars.append(
            Bar(
                label=member.employee.nama,
                value=average or 0.0,
                color=STATUS_COLORS[None if average is None else status_from_pct(average)],
            )
        )
    title = f"{format_date_id(summary.week.start)} – {format_date_id(summary.week.end)}"
    return await render_bar_chart(
        bars,
        title=TEXTS.get("grafik_judul", minggu=title),
        value_label=TEXTS.get("grafik_sumbu"),
        reference=100.0,
        reference_label=TEXTS.get("grafik_acuan"),
        suffix="%",
    )


async def atasan_with_team(session: AsyncSession) -> list[Employee]:
    """Linked, active employees whom at least one active employee names as atasan."""
    subordinate_of = select(Employee.atasan_id).where(Employee.active)
    rows = await session.exec(
        select(Employee)
        .where(
            col(Employee.id).in_(subordinate_of),
            col(Employee.telegram_id).is_not(None),
            Employee.active,
        )
        .order_by(col(Employee.id))
    )
    return list(rows.all())


async def run_weekly_summary(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Send every atasan their team's summary, then tell admins how the delivery went."""
    today = now.astimezone(services.settings.tz).date()
    week = current_period(PeriodKind.WEEK, today)
    messages: list[Outgoing] = []
    async with services.database.session() as session:
        summaries = [
            s
            for atasan in await atasan_with_team(session)
            if (s := await build_summary(session, atasan, today)) is not None
        ]
    for summary in summaries:
        assert summary.atasan.telegram_id is not None
        messages.append(
            Outgoing(
                summary.atasan.telegram_id,
                split_blocks(render(summary)),
                buttons(summary),
                photo=await chart(summary),
            )
        )
    report = await deliver_all(
        services.bot,
        services.database,
        SUMMARY_JOB,
        week.label,
        messages,
        force=force,
        pacer=services.pacer,
    )
    admin_text = TEXTS.get(
        "admin",
        minggu=week.label,
        terkirim=report.sent,
        gagal=report.failed,
        diblokir=len(report.blocked),
    )
    admin_messages = [
        Outgoing(admin, [admin_text]) for admin in services.settings.admin_telegram_ids
    ]
    report.add(
        await deliver_all(
            services.bot,
            services.database,
            ADMIN_JOB,
            week.label,
            admin_messages,
            force=force,
            pacer=services.pacer,
        )
    )
    return report


async def unreachable_since(session: AsyncSession, since: datetime) -> list[str]:
    """Who blocked the bot (a 403 on any delivery) since `since`: employees by name, citizens
    only counted."""
    chats = set(
        (
            await session.exec(
                select(Delivery.chat_id).where(
                    Delivery.status == DeliveryStatus.BLOCKED, col(Delivery.created_at) >= since
                )
            )
        ).all()
    )
    if not chats:
        return []
    names = (
        await session.exec(select(Employee.nama).where(col(Employee.telegram_id).in_(chats)))
    ).all()
    others = len(chats) - len(names)
    return sorted(names) + ([TEXTS.get("warga_lain", jumlah=others)] if others else [])
