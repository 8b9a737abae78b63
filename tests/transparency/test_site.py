"""The public site over plain HTTP: every route, status codes, the figures, what is withheld,
and that no personal data or complaint text ever appears."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlmodel import select

from kinerja_bot.complaints.service import answer_complaint, create_complaint
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, FollowUpStatus, SurveyResponse, id_of
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.settings import Settings
from kinerja_bot.ikm.followup.service import add_action, set_status
from kinerja_bot.transparency.site import TEXTS, PageCache, build_site
from tests.factories import add_unit
from tests.survey.conftest import City, add_service
from tests.survey.test_ikm import example_responses, store

IN_S1 = datetime(2026, 3, 5, 12, tzinfo=WIB)
COMPLAINT_TEXT = "Petugas loket 3 membentak saya, nomor HP saya 0812-3456-7890"
SARAN = "Mohon tambah kursi tunggu, salam dari Bu Wati RT 04"
OWNER = "Bapak Hendra Gunawan selaku Kabid"


@pytest.fixture
async def client(database: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    site = build_site(database, settings)
    transport = httpx.ASGITransport(app=site)
    async with httpx.AsyncClient(transport=transport, base_url="http://situs") as client:
        yield client


@pytest.fixture
async def published(database: Database, city: City) -> City:
    """The 29-respondent example for KTP-el in 2026-S1, a suggestion, tickets and an RTL."""
    await store(database, city.ktp, example_responses(), IN_S1)
    await store(database, city.kk, example_responses()[:3], IN_S1)
    async with database.session() as session:
        response = (await session.exec(select(SurveyResponse))).first()
        assert response is not None
        response.saran = SARAN
        session.add(response)
        monday = datetime(2026, 3, 2, 3, tzinfo=UTC)
        on_time = await create_complaint(
            session, service=city.ktp, text=COMPLAINT_TEXT, now=monday, tz=WIB
        )
        await answer_complaint(session, on_time, None, "Sudah kami tegur", monday)
        await create_complaint(session, service=city.ktp, text="Antrean lama", now=monday, tz=WIB)
        action = await add_action(
            session,
            unit_id=id_of(city.disdukcapil),
            period="2026-S1",
            unsur="U3",
            tindakan="Tambah satu loket perekaman pada jam sibuk",
            penanggung_jawab=OWNER,
            tenggat=date(2026, 6, 30),
            now=monday,
        )
        await set_status(session, id_of(action), FollowUpStatus.IN_PROGRESS, monday)
    return city


async def test_every_route_answers(client: httpx.AsyncClient, published: City) -> None:
    for path in (
        "/",
        "/?periode=2026-S1",
        "/unit/DISDUKCAPIL?periode=2026-S1",
        "/unit/PKM-PAMULANG",
        "/layanan/L-KTP?periode=2026-S1",
        "/layar/L-KTP?periode=2026-S1",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="id">' in response.text
        assert "<script" not in response.text
    qr = await client.get("/layanan/L-KTP/qr.svg")
    assert qr.status_code == 200
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.text.lstrip().startswith("<?xml") or "<svg" in qr.text
    for path in ("/unit/NOPE", "/layanan/NOPE", "/layar/NOPE", "/layanan/NOPE/qr.svg"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert TEXTS.get("tidak_ditemukan") in response.text
    bad = await client.get("/?periode=2026-13")
    assert bad.status_code == 400
    assert "Periode &#39;2026-13&#39; tidak dikenal" in bad.text


async def test_a_service_page_shows_the_published_figures(
    client: httpx.AsyncClient, published: City
) -> None:
    page = (await client.get("/layanan/L-KTP?periode=2026-S1")).text
    assert '<p class="ikm">91,48</p>' in page
    assert "<strong>A</strong> (Sangat Baik)" in page
    assert "29 responden; sampel minimal 80 (untuk 100 pengguna layanan per tahun)." in page
    assert TEXTS.get("sampel_kurang") in page
    assert '<td class="angka">3,621</td>' in page  # U1: 105 / 29, three decimals
    assert "Unsur terlemah: U3 Waktu Penyelesaian (NRR 3,448)." in page
    assert "Tambah satu loket perekaman pada jam sibuk" in page
    assert "berjalan" in page
    assert 'role="img"' in page and '<title id="tren-judul">Tren IKM</title>' in page
    assert "2026-S1 91,48" in page  # the trend's description lists the values
    assert 'alt="Kode QR untuk mengisi survei layanan Perekaman KTP-el lewat Telegram"' in page
    assert "https://t.me/KinerjaTangselBot?start=layanan-L-KTP" in page
    assert ">2</dd>" in page  # two complaints received
    assert "50%" in page  # one answered on time, one past its due date unanswered


def complaints_received(page: str) -> str:
    """The figure under "Pengaduan diterima" of a page."""
    found = re.search(
        re.escape(f"<dt>{TEXTS.get('pengaduan_diterima')}</dt><dd>") + r"([^<]*)</dd>", page
    )
    assert found is not None
    return found.group(1)


async def test_a_complaint_without_a_service_counts_for_its_unit_and_the_city(
    client: httpx.AsyncClient, published: City, database: Database
) -> None:
    """A ticket filed under "lainnya" in /adu is the unit's, of none of its services."""
    async with database.session() as session:
        await create_complaint(
            session,
            service=None,
            unit_id=id_of(published.disdukcapil),
            text="Parkir liar",
            now=datetime(2026, 3, 3, 3, tzinfo=UTC),
            tz=WIB,
        )
    pages = {
        path: (await client.get(f"{path}?periode=2026-S1")).text
        for path in ("/", "/unit/DISDUKCAPIL", "/layanan/L-KTP", "/unit/DINKES")
    }
    assert {path: complaints_received(page) for path, page in pages.items()} == {
        "/": "3",
        "/unit/DISDUKCAPIL": "3",
        "/layanan/L-KTP": "2",
        "/unit/DINKES": "0",
    }


async def test_an_unpublishable_ikm_is_never_a_number(
    client: httpx.AsyncClient, published: City, database: Database
) -> None:
    page = (await client.get("/layanan/L-KK?periode=2026-S1")).text
    assert TEXTS.get("belum_publikasi") in page
    assert TEXTS.get("alasan_responden", minimal=5) in page
    assert 'class="ikm"' not in page
    assert TEXTS.get("nrr_judul") not in page

    without_u9 = [{c: s for c, s in r.items() if c != "U9"} for r in example_responses()]
    await store(database, published.pkm, without_u9, IN_S1)
    page = (await client.get("/layanan/" + published.pkm.kode + "?periode=2026-S1")).text
    assert TEXTS.get("alasan_unsur", unsur="U9") in page
    assert 'class="ikm"' not in page
    screen = (await client.get("/layar/" + published.pkm.kode + "?periode=2026-S1")).text
    assert TEXTS.get("belum_publikasi") in screen and 'class="ikm"' not in screen


async def test_no_personal_data_and_no_complaint_text_anywhere(
    client: httpx.AsyncClient, published: City, database: Database
) -> None:
    async with database.session() as session:
        people = (await session.exec(select(Employee))).all()
    assert people
    secrets = [COMPLAINT_TEXT, "Antrean lama", "Sudah kami tegur", SARAN, OWNER]
    secrets += [person.nama for person in people] + [person.nip for person in people]
    secrets += [str(person.telegram_id) for person in people if person.telegram_id]
    for path in (
        "/?periode=2026-S1",
        "/unit/DISDUKCAPIL?periode=2026-S1",
        "/layanan/L-KTP?periode=2026-S1",
        "/layar/L-KTP?periode=2026-S1",
        "/layanan/L-KTP/qr.svg",
    ):
        text = (await client.get(path)).text
        for secret in secrets:
            assert secret not in text, (path, secret)


async def test_pages_are_cached_for_a_minute(
    database: Database, settings: Settings, published: City
) -> None:
    now = [1000.0]
    cache = PageCache(clock=lambda: now[0])
    site = build_site(database, settings, cache=cache)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=site), base_url="http://situs"
    ) as client:
        first = (await client.get("/layanan/L-KK?periode=2026-S1")).text
        await store(database, published.kk, example_responses()[:10], IN_S1)
        assert (await client.get("/layanan/L-KK?periode=2026-S1")).text == first
        now[0] += 61
        fresh = (await client.get("/layanan/L-KK?periode=2026-S1")).text
    assert fresh != first and "13 responden" in fresh


async def test_an_empty_city_and_no_bot_username(database: Database, settings: Settings) -> None:
    site = build_site(database, settings.model_copy(update={"bot_username": None}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=site), base_url="http://situs"
    ) as client:
        home = await client.get("/")
        assert home.status_code == 200
        assert TEXTS.get("belum_publikasi") in home.text
        assert TEXTS.get("rtl_kosong") in home.text
    city = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    await add_service(database, city, "L-KTP", "Perekaman KTP-el")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=site), base_url="http://situs"
    ) as client:
        page = await client.get("/layanan/L-KTP")
        assert page.status_code == 200
        assert "qr.svg" not in page.text  # no QR without the bot's username
        assert (await client.get("/layanan/L-KTP/qr.svg")).status_code == 404


async def test_units_are_named_as_residents_know_them(
    client: httpx.AsyncClient, published: City
) -> None:
    """The OPD's short name, then the sub-unit, as in the bot; the official name once, on the
    unit's own page."""
    official = published.disdukcapil.nama
    city = (await client.get("/?periode=2026-S1")).text
    assert '<a href="/unit/DISDUKCAPIL?periode=2026-S1">Disdukcapil</a>' in city
    assert '<a href="/unit/DINKES?periode=2026-S1">Dinkes</a>' in city
    assert city.index(">Dinkes</a>") < city.index(">Disdukcapil</a>")  # by the name shown
    assert official not in city

    unit = (await client.get("/unit/DISDUKCAPIL?periode=2026-S1")).text
    assert "<title>Disdukcapil — " in unit
    assert "<h1>Disdukcapil — Semester I 2026</h1>" in unit
    assert unit.count(official) == 1
    assert f'<p class="redup">{official}</p>' in unit

    sub = (await client.get("/unit/PKM-PAMULANG?periode=2026-S1")).text
    assert "<h1>Dinkes — UPTD Puskesmas Pamulang — Semester I 2026</h1>" in sub
    assert '<a href="/unit/DINKES?periode=2026-S1">Dinkes</a>' in sub  # the way back
    assert "Dinas Kesehatan" not in sub
    assert sub.count("UPTD Puskesmas Pamulang</p>") == 1  # the official name, once

    service = (await client.get("/layanan/L-KTP?periode=2026-S1")).text
    assert '<a href="/unit/DISDUKCAPIL?periode=2026-S1">Disdukcapil</a>' in service
    assert official not in service
