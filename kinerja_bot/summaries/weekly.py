"""The weekly summary to every atasan: who reported, where each person stands, what falls
behind, obstacles (and those open for more than two weeks), training needs, the unit's IKM and
its weakest unsur, and tickets past due — as text that reads well on a phone, plus a chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup

from kinerja_bot.complaints.service import OverdueTicket, overdue_tickets
from kinerja_bot.core.charts import MAX_BARS, STATUS_COLORS, Bar, render_bar_chart
from kinerja_bot.core.collector import cycle_collector_paused
from kinerja_bot.core.models import Delivery, DeliveryStatus, Employee, ProgressReport, id_of
from kinerja_bot.core.organisation import descendants, unit_parents
from kinerja_bot.core.outbox import (
    DeliveryReport,
    JobServices,
    Outgoing,
    deliver_all,
    split_blocks,
)
from kinerja_bot.core.rules.achievement import OnTrackStatus, status_from_pct
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import WIB, Period, PeriodKind, current_period, format_date_id
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE, IkmResult
from kinerja_bot.core.telegram_ui import keyboard, shorten
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.core.vocabulary import category_label, status_counts, status_legend
from kinerja_bot.development import JP_PER_YEAR, format_jp, jp_totals, nudge_season
from kinerja_bot.ikm.tally import ikm_for_unit_trees
from kinerja_bot.recognition.service import Given, appreciation_for
from kinerja_bot.reminders.service import weeks_without_report
from kinerja_bot.team.service import MemberWeek, team_week

TEXTS = TextBook(
    "ringkasan",
    {
        "judul": ("nama", "minggu"),
        "tingkat_lapor": ("sudah", "jumlah", "persen"),
        "belum_lapor": ("daftar",),
        "dua_minggu": ("daftar",),
        "per_orang_judul": ("legenda",),
        "per_orang": ("nama", "status", "capaian"),
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
# Teams read together: their members' ids stay well under every backend's parameter limit.
ATASAN_PER_BATCH = 250


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
    session: AsyncSession, member_ids: list[int], week: Period
) -> list[tuple[ProgressReport, bool]]:
    """This week's obstacles of these people, each flagged when the same person first reported
    that category on that indicator at least two weeks earlier (it is still open)."""
    history = (
        await session.exec(
            select(ProgressReport)
            .where(
                col(ProgressReport.employee_id).in_(member_ids),
                col(ProgressReport.kendala_kategori).is_not(None),
                ProgressReport.week_start >= week.start - timedelta(weeks=12),
                ProgressReport.week_start <= week.start,
            )
            .order_by(col(ProgressReport.id))
        )
    ).all()

    def key(report: ProgressReport) -> tuple[int, int, str]:
        return (report.employee_id, report.indicator_id, str(report.kendala_kategori))

    first_seen: dict[tuple[int, int, str], date] = {}
    for report in history:
        first_seen[key(report)] = min(
            first_seen.get(key(report), report.week_start), report.week_start
        )
    return [
        (report, (week.start - first_seen[key(report)]).days >= OBSTACLE_OPEN_DAYS)
        for report in history
        if report.week_start == week.start
    ]


def by_category(
    items: list[tuple[ProgressReport, bool]], by_id: dict[int, Employee]
) -> dict[str, list[tuple[Employee, ProgressReport, bool]]]:
    grouped: dict[str, list[tuple[Employee, ProgressReport, bool]]] = defaultdict(list)
    for report, still_open in items:
        grouped[str(report.kendala_kategori)].append(
            (by_id[report.employee_id], report, still_open)
        )
    return dict(grouped)


async def build_summary(session: AsyncSession, atasan: Employee, today: date) -> TeamSummary | None:
    """Everything the weekly summary says about one atasan's direct team."""
    found = await build_summaries(session, [atasan], today)
    return found[0] if found else None


async def teams_of(session: AsyncSession, atasan: list[Employee]) -> dict[int, list[Employee]]:
    """The direct, active subordinates of each atasan, by name (as `team_members` lists them),
    in one statement."""
    rows = await session.exec(
        select(Employee)
        .where(col(Employee.atasan_id).in_([id_of(a) for a in atasan]), Employee.active)
        .order_by(col(Employee.nama))
    )
    teams: dict[int, list[Employee]] = defaultdict(list)
    for member in rows.all():
        if member.atasan_id is not None and member.atasan_id != member.id:
            teams[member.atasan_id].append(member)
    return teams


async def build_summaries(
    session: AsyncSession, atasan: list[Employee], today: date
) -> list[TeamSummary]:
    """The summaries of these atasan (those with a team), in their order.

    Set-based: each kind of data is read once for all teams of a batch and then split per
    team, so the number of statements does not grow with the number of atasan (each used to
    cost 13, most of them recomputing the same city-wide IKM and overdue tickets).

    The cycle collector is paused meanwhile: for a city the summaries hold about 660,000
    objects (mostly the ORM's indicators, people and reports with their state), all alive
    until the summaries are sent, and each of Python's full collections while they piled up
    walked all of them again, though every one was still in use: about 40% of the time.
    """
    with cycle_collector_paused():
        week = current_period(PeriodKind.WEEK, today)
        quarter = current_period(PeriodKind.QUARTER, today)
        overdue = await overdue_tickets(session, today)
        parents = await unit_parents(session)
        ratings = await ikm_for_unit_trees(session, quarter, {a.unit_id for a in atasan}, WIB)
        summaries: list[TeamSummary] = []
        for first in range(0, len(atasan), ATASAN_PER_BATCH):
            batch = atasan[first : first + ATASAN_PER_BATCH]
            teams = await teams_of(session, batch)
            members = [m for a in batch for m in teams.get(id_of(a), [])]
            ids = [id_of(m) for m in members]
            weeks = {id_of(w.employee): w for w in await team_week(session, members, today)}
            missing = await weeks_without_report(session, ids, today)
            obstacles = await obstacles_of(session, ids, week)
            appreciation = await appreciation_for(session, ids, week.start, week.end)
            jp = await jp_totals(session, today.year, ids) if nudge_season(today) else None
            for boss in batch:
                team = teams.get(id_of(boss))
                if not team:
                    continue
                by_id = {id_of(m): m for m in team}
                units = descendants(parents, boss.unit_id)
                rated = ratings.get(boss.unit_id)
                team_weeks = [weeks[i] for i in by_id]
                summaries.append(
                    TeamSummary(
                        atasan=boss,
                        week=week,
                        members=team_weeks,
                        two_weeks_missing=[by_id[i] for i in sorted(missing & by_id.keys())],
                        obstacles=by_category(
                            [o for o in obstacles if o[0].employee_id in by_id], by_id
                        ),
                        training=[
                            (by_id[r.employee_id], r)
                            for w in team_weeks
                            for r in w.reports
                            if r.dukungan_kategori is not None
                        ],
                        ikm=rated.result if rated else None,
                        ikm_period=quarter,
                        overdue=[t for t in overdue if t.unit.id in units],
                        appreciation=[g for g in appreciation if g.receiver_id in by_id],
                        under_jp=None if jp is None else under_jp(team, jp),
                    )
                )
        return summaries


def under_jp(members: list[Employee], totals: dict[int, float]) -> list[tuple[Employee, float]]:
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
    lines = [TEXTS.get("per_orang_judul", legenda=status_legend())]
    for member in summary.members:
        counts = {s: sum(p.status == s for p in member.progress) for s in OnTrackStatus}
        average = mean_prorata(member)
        lines.append(
            TEXTS.get(
                "per_orang",
                nama=member.employee.nama,
                status=status_counts(counts),
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
            "tiket_baris",
            nomor=t.complaint.nomor,
            layanan=t.service_label,
            hari=t.working_days_late,
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


def chart_bars(summary: TeamSummary) -> tuple[list[Bar], dict[str, Any]]:
    """Achievement against the pro-rata target per person: the bars and the chart's texts."""
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
    return bars, {
        "title": TEXTS.get("grafik_judul", minggu=title),
        "value_label": TEXTS.get("grafik_sumbu"),
        "reference": 100.0,
        "reference_label": TEXTS.get("grafik_acuan"),
        "suffix": "%",
    }


async def chart(summary: TeamSummary) -> bytes:
    """The summary's chart, rendered off the event loop."""
    bars, options = chart_bars(summary)
    return await render_bar_chart(bars, **options)


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
        summaries = await build_summaries(session, await atasan_with_team(session), today)
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
