"""The survey's text book (`percakapan/survei.yaml`): messages, the questionnaire, the profile."""

from __future__ import annotations

from dataclasses import dataclass

from kinerja_bot.core.rules.skm import UNSUR_BY_CODE, UNSUR_CODES
from kinerja_bot.core.texts import TextBook

# Keys of the IKM report, shared with the CLI book (`warga_cli.yaml`) so both print the same.
TEXTS = TextBook(
    "survei",
    {
        "pilih_unit": ("halaman", "jumlah"),
        "pilih_layanan": ("unit", "halaman", "jumlah"),
        "tidak_ada_layanan": (),
        "unit_tanpa_layanan": (),
        "kode_tidak_dikenal": ("kode",),
        "sudah_menilai": ("layanan", "batas", "tanggal"),
        "tombol_sebelumnya": (),
        "tombol_berikutnya": (),
        "tombol_unit_lain": (),
        "pertanyaan": ("layanan", "nomor", "jumlah", "pertanyaan"),
        "catatan_anonim": (),
        "tombol_kembali": (),
        "profil_ajakan": (),
        "profil_ajakan_versi": (),
        "profil_pertanyaan": ("nomor", "jumlah", "pertanyaan"),
        "tombol_isi_profil": (),
        "tombol_lewati": (),
        "saran_minta": ("layanan", "batas"),
        "terlalu_panjang": ("panjang", "batas"),
        "bukan_teks": (),
        "pakai_tombol": (),
        "sedang_survei": (),
        "terima_kasih": ("layanan",),
        "tawar_tiket_nilai": ("unsur",),
        "tawar_tiket_teks": (),
        "tombol_buat_tiket": (),
        "tombol_tidak_perlu": (),
        "minta_pengaduan": ("layanan", "batas"),
        "batal_survei": (),
        "batal_setelah_simpan": (),
        "habis_waktu": (),
        "habis_waktu_tersimpan": (),
    },
    data=("kuesioner", "profil"),
)


class QuestionnaireError(ValueError):
    """The questionnaire in survei.yaml does not match the SKM rules."""


@dataclass(frozen=True)
class Question:
    """One SKM question: its unsur code, its text, and the labels of scores 1, 2, 3, 4."""

    unsur: str
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ProfileOption:
    kode: str
    label: str


@dataclass(frozen=True)
class ProfileQuestion:
    """One question of the respondent profile; `column` is the SurveyResponse column."""

    column: str
    text: str
    options: tuple[ProfileOption, ...]


PROFILE_COLUMNS = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")


def questionnaire() -> tuple[Question, ...]:
    """The nine questions in asking order; every unsur exactly once (checked here)."""
    questions = tuple(
        Question(str(item["unsur"]), str(item["teks"]), tuple(str(x) for x in item["pilihan"]))
        for item in TEXTS.data("kuesioner")
    )
    codes = [q.unsur for q in questions]
    if sorted(codes) != sorted(UNSUR_CODES):
        raise QuestionnaireError(f"kuesioner must ask each of {UNSUR_CODES} once, got {codes}")
    for question in questions:
        if len(question.labels) != 4:
            raise QuestionnaireError(f"{question.unsur}: exactly four answer labels are needed")
        if question.unsur not in UNSUR_BY_CODE:
            raise QuestionnaireError(f"unknown unsur {question.unsur}")
    return questions


def profile_questions() -> tuple[ProfileQuestion, ...]:
    """The four optional profile questions, in asking order."""
    questions = tuple(
        ProfileQuestion(
            str(item["kolom"]),
            str(item["teks"]),
            tuple(ProfileOption(str(o["kode"]), str(o["label"])) for o in item["pilihan"]),
        )
        for item in TEXTS.data("profil")
    )
    if tuple(q.column for q in questions) != PROFILE_COLUMNS:
        raise QuestionnaireError(f"profil must ask {PROFILE_COLUMNS} in this order")
    return questions
