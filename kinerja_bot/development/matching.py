"""Matching needs to catalog offers: pure, ranked and explainable (no black box).

A need is words (what was asked in /lapor, a lagging indicator's name, an obstacle) and,
for weak SKM, unsur codes. An offer scores:
- 3 for each of its topics (`kata_kunci`) found whole in the need's text,
- 1 for each other word the need shares with its topics or its name,
- 2 for each SKM unsur of the need that it strengthens.
Generic words (pelatihan, dasar, dan, …) never count. Ties go to the earlier start, then the
code. Each match says which topics, words and unsur matched, so the reason can be shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

TOPIC_POINTS = 3
WORD_POINTS = 1
UNSUR_POINTS = 2
MIN_WORD_LENGTH = 3
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about a topic: Indonesian function words and training vocabulary.
_GENERIC = """
dan yang untuk dengan di ke dari pada dalam atau ini itu agar bagi para perlu butuh
membutuhkan dibutuhkan mohon minta ingin tentang terkait secara lebih serta oleh akan
pelatihan diklat kursus bimtek bimbingan teknis dasar lanjutan tingkat kelas program
jumlah persentase layanan pelayanan kegiatan peningkatan kemampuan kompetensi pegawai
asn
"""
GENERIC_WORDS = frozenset(_GENERIC.split())


@dataclass(frozen=True)
class CatalogOffer:
    """What matching needs of an offer."""

    offer_id: int
    kode: str
    nama: str
    topics: tuple[str, ...]
    unsur: tuple[str, ...]
    mulai: date
    jenis: str = ""  # klasikal | nonklasikal, for a proposed route
    jp: float = 0


@dataclass(frozen=True)
class NeedSignal:
    """What a need says: its text and the SKM unsur it concerns."""

    text: str
    unsur: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    offer: CatalogOffer
    score: int
    topics: tuple[str, ...]  # whole topics found in the need's text
    words: tuple[str, ...]  # other shared words
    unsur: tuple[str, ...]  # SKM unsur the offer strengthens


def split_list(text: str | None) -> tuple[str, ...]:
    """A stored `;`-separated list."""
    return tuple(item.strip() for item in (text or "").split(";") if item.strip())


def words(text: str) -> set[str]:
    """The meaningful words of a text, lower-case."""
    return {
        word
        for word in _WORD.findall(text.lower())
        if len(word) >= MIN_WORD_LENGTH and word not in GENERIC_WORDS
    }


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text) is not None


def match(need: NeedSignal, offer: CatalogOffer) -> Match | None:
    """How `offer` fits `need`, or None when nothing meaningful matches."""
    text = " ".join(_WORD.findall(need.text.lower()))
    topics = tuple(
        topic
        for topic in offer.topics
        if words(topic) and _contains(text, " ".join(_WORD.findall(topic.lower())))
    )
    covered = set().union(*(words(topic) for topic in topics)) if topics else set()
    offered = set().union(words(offer.nama), *(words(topic) for topic in offer.topics))
    shared = tuple(sorted((words(need.text) & offered) - covered))
    unsur = tuple(code for code in need.unsur if code in offer.unsur)
    score = TOPIC_POINTS * len(topics) + WORD_POINTS * len(shared) + UNSUR_POINTS * len(unsur)
    if score == 0:
        return None
    return Match(offer, score, topics, shared, unsur)


def rank(need: NeedSignal, offers: Iterable[CatalogOffer], limit: int = 3) -> list[Match]:
    """The best offers for a need, best first."""
    found = [m for m in (match(need, offer) for offer in offers) if m is not None]
    found.sort(key=lambda m: (-m.score, m.offer.mulai, m.offer.kode))
    return found[:limit]


def rank_for_all(
    needs: Sequence[NeedSignal], offers: Sequence[CatalogOffer], limit: int = 5
) -> list[Match]:
    """The best offers for several needs together (an ASN's requests): each offer once, with
    its best match."""
    best: dict[int, Match] = {}
    for need in needs:
        for found in rank(need, offers, limit=len(offers)):
            kept = best.get(found.offer.offer_id)
            if kept is None or found.score > kept.score:
                best[found.offer.offer_id] = found
    ordered = sorted(best.values(), key=lambda m: (-m.score, m.offer.mulai, m.offer.kode))
    return ordered[:limit]
