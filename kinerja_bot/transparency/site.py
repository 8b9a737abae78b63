"""The public transparency site: Starlette routes rendering Jinja2 templates, no login, no
JavaScript, cached for a minute.

Routes (every page takes `?periode=P`, default this year):
- `/` the city: its IKM, every OPD with its IKM, trend, RTL progress, complaint figures;
- `/unit/{kode}` a unit with its sub-units: the same, and each of its services;
- `/layanan/{kode}` a service, with its survey QR code (`/layanan/{kode}/qr.svg`);
- `/layar/{kode}` a service full screen for the counter's display (refreshes itself).

An IKM is shown as a number only when the bot's rules publish it (`IkmResult.enough_data`:
at least 5 responses and every unsur answered); else "belum dapat dipublikasikan" with the
reason. Respondents are always shown against the Krejcie & Morgan sample. Units are named the
way residents know them (`citizen_unit_names`: the OPD's short name, then the sub-unit), as the
bot's pickers and the QR cards do; a unit's own page shows its full official name once, under
the title. Words live in `percakapan/situs.yaml`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import qrcode
import qrcode.image.svg
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Service, Unit, id_of
from kinerja_bot.core.organisation import citizen_unit_names, service_by_kode, unit_by_kode
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    format_date_id,
    parse_period,
    wib_today,
)
from kinerja_bot.core.rules.skm import (
    MIN_RESPONSES_FOR_SCORE,
    UNSUR,
    UNSUR_BY_CODE,
    IkmResult,
    unsur_grade,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.ikm import Rating, Tally, rating, tallies
from kinerja_bot.survey import survey_link
from kinerja_bot.transparency.figures import (
    Page,
    city_scope,
    page,
    scope_rating,
    service_scope,
    unit_scope,
)
from kinerja_bot.transparency.svg import trend_svg

TEXTS = TextBook(
    "situs",
    {
        "judul_situs": (),
        "kota": (),
        "deskripsi": (),
        "lewati": (),
        "periode": (),
        "tampilkan": (),
        "ikm": (),
        "mutu": (),
        "responden_sampel": ("responden", "minimal", "dasar"),
        "dasar_populasi": ("populasi",),
        "dasar_tidak_diketahui": (),
        "sampel_cukup": (),
        "sampel_kurang": (),
        "belum_publikasi": (),
        "alasan_responden": ("minimal",),
        "alasan_unsur": ("unsur",),
        "nrr_judul": (),
        "kolom_kode": (),
        "kolom_unsur": (),
        "kolom_nrr": (),
        "kolom_mutu_unsur": (),
        "tren_judul": (),
        "tren_desk": ("daftar",),
        "tren_tidak_ada": (),
        "terlemah": ("unsur", "nrr"),
        "rtl_judul": (),
        "rtl_kosong": (),
        "rtl_kemajuan": ("selesai", "jumlah", "tahun", "persen"),
        "rtl_lewat": (),
        "kolom_tindakan": (),
        "kolom_tenggat": (),
        "kolom_status": (),
        "pengaduan_judul": (),
        "pengaduan_diterima": (),
        "pengaduan_tepat_waktu": (),
        "pengaduan_belum_dinilai": (),
        "unit_judul": (),
        "layanan_judul": (),
        "kolom_nama": (),
        "kolom_responden": (),
        "qr_judul": (),
        "qr_alt": ("layanan",),
        "qr_petunjuk": (),
        "layar": (),
        "layar_ajakan": (),
        "tidak_ditemukan": (),
        "sumber": (),
        "kanal": (),
        "data_pribadi": (),
    },
    html=False,
)

TEMPLATES = Path(__file__).parent / "templates"
CACHE_SECONDS = 60
CACHE_ENTRIES = 512
SCREEN_REFRESH_SECONDS = 300


def _text(key: str, /, **values: Any) -> str:
    return TEXTS.get(key, **values)


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        t=_text,
        angka=format_number_id,
        persen=format_percent_id,
        tanggal=format_date_id,
        unsur_nama=lambda code: UNSUR_BY_CODE[code].name,
        unsur_huruf=lambda value: unsur_grade(value).value,
        UNSUR=UNSUR,
    )
    return environment


def withheld_reason(result: IkmResult) -> str | None:
    """Why an IKM is not published, or None when it is."""
    if result.enough_data:
        return None
    if result.too_few_respondents:
        return TEXTS.get("alasan_responden", minimal=MIN_RESPONSES_FOR_SCORE)
    return TEXTS.get("alasan_unsur", unsur=", ".join(result.unanswered))


def period_choices(today: date) -> list[Period]:
    """The periods offered in the selector: this and last year, their semesters and this
    year's triwulan (any other period still works when typed into the address)."""
    choices: list[Period] = []
    for year in (today.year, today.year - 1):
        choices.append(parse_period(str(year)))
        choices += [parse_period(f"{year}-S{n}") for n in (1, 2)]
        if year == today.year:
            choices += [parse_period(f"{year}-Q{n}") for n in range(1, 5)]
    return choices


class PageCache:
    """Rendered pages by URL for CACHE_SECONDS: the figures change slowly, readers are many."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.pages: dict[str, tuple[float, Response]] = {}

    async def get(self, key: str, render: Callable[[], Awaitable[Response]]) -> Response:
        now = self.clock()
        hit = self.pages.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        response = await render()
        if response.status_code == 200:
            if len(self.pages) >= CACHE_ENTRIES:
                self.pages.clear()
            self.pages[key] = (now + CACHE_SECONDS, response)
        return response


class Site:
    """The site's pages over one database: each route is one method."""

    def __init__(self, database: Database, settings: Settings, cache: PageCache) -> None:
        self.database = database
        self.settings = settings
        self.cache = cache
        self.environment = _environment()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/", self.city),
                Route("/unit/{kode}", self.unit_page),
                Route("/layanan/{kode}", self.service_page),
                Route("/layanan/{kode}/qr.svg", self.service_qr),
                Route("/layar/{kode}", self.service_page),
            ]
        )

    def html(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        body = self.environment.get_template(template).render(**context)
        headers = {"Cache-Control": f"public, max-age={CACHE_SECONDS}"} if status == 200 else {}
        return HTMLResponse(body, status_code=status, headers=headers)

    def not_found(self) -> HTMLResponse:
        return self.html("pesan.html", 404, pesan=TEXTS.get("tidak_ditemukan"), today=wib_today())

    def common(
        self, request: Request, today: date, period: Period, figures: Page
    ) -> dict[str, Any]:
        """What every page shows: the period and its choices, the figures, the trend chart."""
        points = [(p.period.label, p.ikm) for p in figures.trend]
        listed = "; ".join(
            f"{label} {format_number_id(value, 2) if value is not None else '-'}"
            for label, value in points
        )
        return {
            "today": today,
            "period": period,
            "choices": period_choices(today),
            "figures": figures,
            "result": figures.rating.result,
            "withheld": withheld_reason(figures.rating.result),
            "trend": trend_svg(
                points,
                title=TEXTS.get("tren_judul"),
                description=TEXTS.get("tren_desk", daftar=listed),
                missing=TEXTS.get("tren_tidak_ada"),
            ),
            "path": request.url.path,
        }

    async def service_rows(
        self, session: AsyncSession, services: list[Service], period: Period
    ) -> list[Rating]:
        ids = [id_of(s) for s in services]
        by_service = await tallies(session, period, ids, self.settings.tz)
        return [rating(s.kode, s.nama, by_service.get(id_of(s), Tally()), [s]) for s in services]

    async def guarded(
        self, request: Request, render: Callable[[date, Period], Awaitable[Response]]
    ) -> Response:
        """The page for the asked period (400 for a bad one), from the cache when fresh."""
        today = wib_today()
        text = request.query_params.get("periode")
        try:
            period = parse_period(text) if text else current_period(PeriodKind.YEAR, today)
        except PeriodError as error:
            return self.html("pesan.html", 400, pesan=str(error), today=today)
        return await self.cache.get(str(request.url), lambda: render(today, period))

    async def city(self, request: Request) -> Response:
        async def render(today: date, period: Period) -> Response:
            tz = self.settings.tz
            async with self.database.session() as session:
                scope = await city_scope(session, TEXTS.get("kota"))
                figures = await page(session, scope, period, tz, today)
                names = await citizen_unit_names(session)
                roots = await session.exec(select(Unit).where(col(Unit.parent_id).is_(None)))
                rows = []
                for unit in roots.all():
                    unit_services = await unit_scope(session, unit)
                    if unit_services.services:
                        found = await scope_rating(session, unit_services, period, tz)
                        rows.append((unit.kode, names[id_of(unit)], found))
                rows.sort(key=lambda row: row[1].casefold())
            return self.html("kota.html", rows=rows, **self.common(request, today, period, figures))

        return await self.guarded(request, render)

    async def unit_page(self, request: Request) -> Response:
        kode = request.path_params["kode"]

        async def render(today: date, period: Period) -> Response:
            async with self.database.session() as session:
                unit = await unit_by_kode(session, kode)
                if unit is None:
                    return self.not_found()
                scope = await unit_scope(session, unit)
                figures = await page(session, scope, period, self.settings.tz, today)
                services = await self.service_rows(session, scope.services, period)
                parent = await session.get(Unit, unit.parent_id) if unit.parent_id else None
                names = await citizen_unit_names(session)
            return self.html(
                "unit.html",
                unit=unit,
                name=names[id_of(unit)],
                parent=parent,
                parent_name=names[id_of(parent)] if parent is not None else None,
                rows=[(r.kode, r.nama, r) for r in services],
                **self.common(request, today, period, figures),
            )

        return await self.guarded(request, render)

    async def service_page(self, request: Request) -> Response:
        """A service's page, or its full-screen counter display (`/layar/…`)."""
        kode = request.path_params["kode"]
        template = "layar.html" if request.url.path.startswith("/layar/") else "layanan.html"
        username = self.settings.bot_username

        async def render(today: date, period: Period) -> Response:
            async with self.database.session() as session:
                service = await service_by_kode(session, kode)
                if service is None:
                    return self.not_found()
                unit = await session.get(Unit, service.unit_id)
                scope = service_scope(service)
                figures = await page(session, scope, period, self.settings.tz, today)
                names = await citizen_unit_names(session)
            return self.html(
                template,
                service=service,
                unit=unit,
                unit_name=names.get(service.unit_id),
                link=survey_link(username, service.kode) if username else None,
                refresh=SCREEN_REFRESH_SECONDS,
                **self.common(request, today, period, figures),
            )

        return await self.guarded(request, render)

    async def service_qr(self, request: Request) -> Response:
        kode = request.path_params["kode"]
        async with self.database.session() as session:
            service = await service_by_kode(session, kode)
        username = self.settings.bot_username
        if service is None or not username:
            return self.not_found()
        image = qrcode.make(
            survey_link(username, service.kode),
            image_factory=qrcode.image.svg.SvgPathFillImage,
            box_size=10,
        )
        return Response(
            image.to_string(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )


def build_site(
    database: Database, settings: Settings, *, cache: PageCache | None = None
) -> Starlette:
    """The site's ASGI application over this database."""
    return Site(database, settings, cache or PageCache()).app()
