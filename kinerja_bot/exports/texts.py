"""The words of the exports: column headers, sheet names, the evaluation form, CLI messages.

Plain text (spreadsheets and the terminal), so nothing is HTML-escaped.
"""

from __future__ import annotations

from kinerja_bot.core.texts import TextBook

# Column headers (`kolom_<key>`) with the placeholders each one takes.
COLUMNS: dict[str, tuple[str, ...]] = {
    key: ()
    for key in (
        # people and units
        "nip",
        "nama",
        "jabatan",
        "unit_kode",
        "unit",
        "atasan",
        # activation codes (`kinerja-bot aktivasi -o FILE.xlsx|.csv`)
        "kode_aktivasi",
        "berlaku_sampai",
        "tautan_aktivasi",
        # ASN berprestasi candidates
        "indikator_sesuai_jadwal",
        "capaian_terendah",
        "apresiasi",
        "pengembangan_selesai",
        "ikm_unit",
        # progress reports
        "minggu",
        "kode_iki",
        "rhk",
        "indikator",
        "jenis",
        "satuan",
        "target",
        "realisasi",
        "bukti",
        "kategori_kendala",
        "kendala",
        "kategori_dukungan",
        "dukungan",
        "dikirim",
        "versi",
        "umpan_balik",
        # SKM
        "kode_layanan",
        "layanan",
        "responden",
        "ikm",
        "mutu",
        "kinerja_pelayanan",
        "unsur_terlemah",
        "pengguna_per_tahun",
        "sampel_minimal",
        "kecukupan_sampel",
        "waktu_isi",
        "jenis_kelamin",
        "usia",
        "pendidikan",
        "pekerjaan",
        "saran",
        # complaints
        "nomor",
        "status",
        "diterima",
        "batas_tindak_lanjut",
        "dijawab",
        "ditutup",
        "tepat_waktu",
        "dieskalasi",
        "isi",
        "jawaban",
        # needs analysis
        "peringkat",
        "tingkat",
        "jenis_kebutuhan",
        "kebutuhan",
        "cakupan",
        "jumlah_terkait",
        "dasar",
        "saran_tindak_lanjut",
        # evaluation recap
        "periode",
        "saran_rating_hasil",
        "rating_hasil",
        "rating_perilaku",
        "predikat",
        "dinilai_pada",
        "penilai",
        # competency development (JP, activities, AKPK)
        "total_jp",
        "memenuhi_20_jp",
        "jumlah_kegiatan",
        "kegiatan",
        "jalur",
        "bentuk",
        "penyelenggara",
        "tanggal_mulai",
        "tanggal_selesai",
        "jp",
        "menit",
        "status_verifikasi",
        "sertifikat",
        "nilai_kompetensi",
        "kesenjangan_kompetensi",
        "kesenjangan_kinerja",
        "usulan_pengembangan",
        "jalur_usulan",
        "jp_usulan",
        "kekurangan_jp",
    )
} | {"nrr": ("kode", "nama"), "skor": ("kode", "nama")}

SHEETS = (
    "aktivasi",
    "laporan",
    "skm_layanan",
    "skm_unit",
    "skm_jawaban",
    "tiket",
    "analisis",
    "rekap_evaluasi",
    "pengembangan_asn",
    "pengembangan_kegiatan",
    "berprestasi",
)

FORM = {
    "form_judul": (),
    "form_periode": ("periode",),
    "form_instansi": (),
    "form_masa": ("mulai", "selesai"),
    "form_no": (),
    "form_pegawai": (),
    "form_penilai": (),
    "form_nama": (),
    "form_nip": (),
    "form_jabatan": (),
    "form_unit": (),
    "form_hasil_kerja": (),
    "form_utama": (),
    "form_tambahan": (),
    "form_kol_rhk_atasan": (),
    "form_kol_rhk": (),
    "form_kol_aspek": (),
    "form_kol_iki": (),
    "form_kol_satuan": (),
    "form_kol_target": (),
    "form_kol_target_periode": ("tanggal",),
    "form_kol_realisasi": ("tanggal",),
    "form_kol_capaian": (),
    "form_kol_bukti": (),
    "form_kol_umpan_balik": (),
    "form_rating_hasil": (),
    "form_saran_hasil": (),
    "form_perilaku_kerja": (),
    "form_kol_perilaku": (),
    "form_kol_catatan": (),
    "form_rating_perilaku": (),
    "form_predikat": (),
    "form_tempat_tanggal": ("tanggal",),
    "form_pejabat": (),
    "form_nip_pejabat": ("nip",),
    "form_belum_dinilai": (),
    "form_kompetensi": (),
    "form_kol_kompetensi": (),
    "form_kol_nilai": (),
    "form_kol_alasan": (),
    "form_tanpa_kompetensi": (),
    "form_tanpa_indikator": (),
}

VALUES = {
    "kosong": (),
    "ya": (),
    "tidak": (),
    "belum_jatuh_tempo": (),
    "belum_cukup_data": (),
    "unsur_tanpa_jawaban": ("unsur",),
    "sampel_cukup": (),
    "sampel_belum_cukup": (),
    "unsur": ("kode", "nama"),
    "lembar_akpk": ("unit",),
    "kesenjangan_indikator": ("indikator", "persen"),
    "nilai_kompetensi": ("kompetensi", "nilai"),
    "status_diverifikasi": (),
    "status_menunggu": (),
    "status_ditolak": (),
}

CLI = {
    "ditulis": ("jumlah", "jenis", "periode", "file"),
    "periode_tahun": ("periode",),
    "evaluasi_ditulis": ("jumlah", "periode", "file"),
    "format_tidak_didukung": ("file",),
    "periode_evaluasi": ("periode",),
}

TEXTS = TextBook(
    "ekspor",
    {f"kolom_{key}": values for key, values in COLUMNS.items()}
    | {f"lembar_{name}": () for name in SHEETS}
    | FORM
    | VALUES
    | CLI,
    html=False,
)
