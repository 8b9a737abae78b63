"""The words of reporting: the /lapor conversation ("lapor") and the progress pages ("kinerja")."""

from __future__ import annotations

from kinerja_bot.core.texts import TextBook

TEXTS = TextBook(
    "lapor",
    {
        "bukan_pegawai": (),
        "tidak_ada_indikator": ("tahun",),
        "pilih_indikator": (),
        "tombol_indikator": ("nama", "capaian"),
        "minta_realisasi_kumulatif": ("indikator", "target", "satuan", "realisasi"),
        "minta_realisasi_terakhir": ("indikator", "target", "satuan", "realisasi"),
        "bukan_angka": ("alasan",),
        "negatif": (),
        "tidak_wajar": ("nilai", "target", "satuan"),
        "minta_bukti": (),
        "tombol_lewati": (),
        "terlalu_panjang": ("batas",),
        "minta_kendala": (),
        "minta_kendala_teks": ("kategori",),
        "minta_dukungan": (),
        "minta_dukungan_teks": ("kategori",),
        "tombol_tidak_ada": (),
        "ringkasan": ("indikator", "realisasi", "satuan", "bukti", "kendala", "dukungan"),
        "tombol_kirim": (),
        "tombol_ubah": (),
        "tombol_batal": (),
        "pilih_ubahan": (),
        "tombol_ubah_realisasi": (),
        "tombol_ubah_bukti": (),
        "tombol_ubah_kendala": (),
        "tombol_ubah_dukungan": (),
        "tersimpan": ("ringkasan",),
        "sudah_tersimpan": ("ringkasan",),
        "bukan_milik": (),
        "sedang_berjalan": (),
        "tombol_lanjutkan": (),
        "tombol_mulai_ulang": (),
        "mulai_lagi": (),
        "sedang_melapor": (),
        "jawab_dengan_teks": (),
        "bukti_foto": (),
        "bukti_dokumen": ("nama",),
        "bukti_tautan": ("isi",),
        "bukti_teks": ("isi",),
        "tidak_ada": (),
        "dengan_kategori": ("kategori", "isi"),
        "tombol_koreksi": (),
        "pilih_koreksi": ("indikator", "tanggal"),
        "tombol_koreksi_realisasi": (),
        "tombol_koreksi_kendala": (),
        "tombol_koreksi_dukungan": (),
        "minta_koreksi_realisasi": ("satuan", "lama"),
        "minta_koreksi_teks": ("lama",),
        "koreksi_tersimpan": ("versi", "ringkasan"),
        "sudah_dibaca": (),
        "lewat_batas": ("tanggal",),
    },
)

PROGRESS_TEXTS = TextBook(
    "kinerja",
    {
        "bukan_pegawai": (),
        "tidak_ada_indikator": ("tahun",),
        "judul": ("nama", "tahun", "halaman", "jumlah_halaman"),
        "indikator": (
            "nama",
            "jenis",
            "target",
            "realisasi",
            "satuan",
            "capaian",
            "status",
            "terakhir",
        ),
        "umpan_balik": ("dari", "tanggal", "isi"),
        "belum_ada_laporan": (),
        "belum_terukur": (),
        "tombol_sebelumnya": (),
        "tombol_berikutnya": (),
    },
)

# Evidence and feedback in files (spreadsheets, the evaluation pack): plain, dated.
FILE_TEXTS = TextBook(
    "laporan_berkas",
    {
        "bukti_foto": ("tanggal",),
        "bukti_dokumen": ("nama", "tanggal"),
        "bukti_tautan": ("isi",),
        "bukti_teks": ("isi",),
        "umpan_balik": ("tanggal", "nama", "teks"),
    },
    html=False,
)
