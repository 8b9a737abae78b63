"""The IKM report's words: in the bot (HTML) and in the terminal (plain), the same keys."""

from __future__ import annotations

from kinerja_bot.core.texts import TextBook

REPORT_KEYS: dict[str, tuple[str, ...]] = {
    "ikm_kosong": (),
    "ikm_judul": ("periode",),
    "ikm_kanal": ("kanal",),
    "ikm_unit": ("unit", "kode"),
    "ikm_layanan": ("layanan", "kode"),
    "ikm_total_unit": (),
    "ikm_total_pohon": ("unit",),
    "ikm_responden": ("responden",),
    "ikm_nilai": ("ikm", "mutu", "mutu_nama"),
    "ikm_belum_cukup": ("minimal",),
    "ikm_unsur_kosong": ("unsur",),
    "ikm_unsur_judul": (),
    "ikm_unsur": ("kode", "nama", "nrr"),
    "ikm_sampel_cukup": ("minimal", "dasar"),
    "ikm_sampel_kurang": ("minimal", "dasar"),
    "ikm_dasar_populasi": ("populasi",),
    "ikm_populasi_tidak_diketahui": (),
}

TEXTS = TextBook(
    "ikm",
    {
        **REPORT_KEYS,
        "ikm_tidak_berhak": (),
        "ikm_unit_bukan_wewenang": ("kode",),
        "ikm_periode_salah": ("pesan",),
        "ikm_ringkas": ("unit", "kode", "responden", "hasil"),
        "ikm_ringkas_nilai": ("ikm", "mutu"),
        "ikm_ringkas_belum": (),
        "ikm_ringkas_unsur_kosong": (),
        "ikm_petunjuk_tombol": (),
        "ikm_halaman": ("halaman", "jumlah"),
        "ikm_total_unit_ringkas": (),
        "kembali_daftar": (),
        "kembali_unit": ("unit",),
        "tombol_xlsx": (),
        "tombol_sebelumnya": (),
        "tombol_berikutnya": (),
        "peringatan_bukan_wewenang": (),
    },
)

CLI_TEXTS = TextBook("ikm_cli", {**REPORT_KEYS, "unknown_service": ("kode",)}, html=False)
