"""Matching needs to offers on a catalog where the right offer is known."""

from __future__ import annotations

from datetime import date

from kinerja_bot.development.matching import CatalogOffer, NeedSignal, rank, rank_for_all


def offer(offer_id: int, nama: str, topics: str, unsur: str = "", day: int = 1) -> CatalogOffer:
    return CatalogOffer(
        offer_id,
        f"PLT-{offer_id:02d}",
        nama,
        tuple(t.strip() for t in topics.split(";")),
        tuple(u for u in unsur.split(";") if u),
        date(2026, 12, day),
    )


CATALOG = [
    offer(1, "Pelayanan Prima", "pelayanan prima;komunikasi;etika pelayanan", "U7;U6", day=7),
    offer(2, "Analisis Data dengan Excel", "excel;analisis data;pivot", day=3),
    offer(3, "Penyederhanaan Proses Bisnis", "proses bisnis;SOP;waktu layanan", "U2;U3"),
    offer(4, "Manajemen Arsip Digital", "arsip;kearsipan;digitalisasi"),
    offer(5, "Pelatihan Dasar Excel", "excel", day=20),
]


def test_a_request_finds_the_offer_on_its_topic_with_the_reason() -> None:
    (best, second) = rank(NeedSignal("Mohon pelatihan Excel untuk analisis data"), CATALOG)
    assert best.offer.offer_id == 2
    assert best.topics == ("excel", "analisis data")
    assert best.score == 6
    assert second.offer.offer_id == 5  # one topic only


def test_weak_unsur_finds_the_offers_that_strengthen_it() -> None:
    found = rank(NeedSignal("Perilaku Pelaksana", unsur=("U7",)), CATALOG)
    assert [m.offer.offer_id for m in found] == [1]
    assert found[0].unsur == ("U7",)


def test_an_indicator_name_matches_by_its_words() -> None:
    found = rank(NeedSignal("Persentase arsip yang didigitalisasi"), CATALOG)
    assert [(m.offer.offer_id, m.topics, m.words) for m in found] == [(4, ("arsip",), ())]


def test_generic_words_match_nothing() -> None:
    assert rank(NeedSignal("pelatihan peningkatan kompetensi pegawai"), CATALOG) == []


def test_several_requests_rank_each_offer_once() -> None:
    needs = [NeedSignal("pelatihan excel"), NeedSignal("SOP pelayanan, waktu layanan lama")]
    found = rank_for_all(needs, CATALOG)
    assert [m.offer.offer_id for m in found] == [3, 2, 5]
