"""The text books: every declared text loads, and mistakes stop the start with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

import kinerja_bot.app  # noqa: F401  (declares every book the bot uses)
from kinerja_bot.core import texts
from kinerja_bot.core.texts import Markup, TextBook, TextError


def test_every_book_of_the_bot_is_valid() -> None:
    names = TextBook.validate_all()
    assert {"umum", "aktivasi", "perintah", "cli"} <= set(names)


@pytest.fixture
def book_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(texts, "percakapan_dir", lambda: tmp_path)
    return tmp_path


def make_book(name: str, keys: dict[str, tuple[str, ...]], **kwargs) -> TextBook:  # type: ignore[no-untyped-def]
    book = TextBook(name, keys, **kwargs)
    TextBook._registry.pop(name)  # keep the test book out of the bot's registry
    return book


def test_values_are_escaped_but_markup_is_not(book_dir: Path) -> None:
    (book_dir / "t.yaml").write_text("salam: 'Halo <b>{nama}</b> {tautan}'\n")
    book = make_book("t", {"salam": ("nama", "tautan")})
    rendered = book.get("salam", nama="<script>&", tautan=Markup("<i>x</i>"))
    assert rendered == "Halo <b>&lt;script&gt;&amp;</b> <i>x</i>"


def test_a_rendered_text_inside_another_is_escaped_once(book_dir: Path) -> None:
    (book_dir / "t.yaml").write_text(
        "baris: 'Kendala: {isi}'\nringkasan: '<b>Ringkasan</b> {baris}'\n"
    )
    book = make_book("t", {"baris": ("isi",), "ringkasan": ("baris",)})
    line = book.get("baris", isi='A & "B" <c>')
    assert book.get("ringkasan", baris=line) == '<b>Ringkasan</b> Kendala: A &amp; "B" &lt;c&gt;'


def test_button_labels_and_alerts_are_plain_text(book_dir: Path) -> None:
    """Telegram shows labels and pop-ups as they are: an escaped `&` would be seen as `&amp;`."""
    (book_dir / "t.yaml").write_text("tombol_orang: '{nama}'\nperingatan_terkirim: 'Ke {nama}.'\n")
    book = make_book("t", {"tombol_orang": ("nama",), "peringatan_terkirim": ("nama",)})
    assert book.get("tombol_orang", nama="Tata <Usaha> & Umum") == "Tata <Usaha> & Umum"
    assert book.get("peringatan_terkirim", nama="A & B") == "Ke A & B."
    assert not isinstance(book.get("tombol_orang", nama="x"), Markup)


@pytest.mark.parametrize(
    ("content", "keys", "message"),
    [
        ("a: halo\n", {"b": ()}, "percakapan/t.yaml: kunci 'b' tidak ada"),
        ("a: 'halo {siapa}'\n", {"a": ("nama",)}, "kunci 'a': placeholder tidak dikenal {siapa}"),
        ("a: '" + "x" * 4097 + "'\n", {"a": ()}, "kunci 'a': 4097 karakter, batas 4096"),
        ("tombol_ok: '" + "x" * 65 + "'\n", {"tombol_ok": ()}, "batas 64"),
        ("a: [1, 2]\n", {"a": ()}, "kunci 'a' harus berupa teks"),
        ("a: 'tidak: valid: yaml\n", {"a": ()}, "YAML tidak valid"),
    ],
)
def test_mistakes_name_file_and_key(
    book_dir: Path, content: str, keys: dict[str, tuple[str, ...]], message: str
) -> None:
    (book_dir / "t.yaml").write_text(content)
    with pytest.raises(TextError, match=message.replace("{", r"\{").replace("}", r"\}")):
        make_book("t", keys).get(next(iter(keys)))


def test_callback_data_over_64_bytes_is_refused(book_dir: Path) -> None:
    (book_dir / "t.yaml").write_text(
        "pilihan:\n  - label: Sangat sesuai\n    data: '" + "é" * 33 + "'\n"
    )
    with pytest.raises(TextError, match="lebih dari 64 byte"):
        make_book("t", {}, data=("pilihan",)).data("pilihan")


def test_missing_file_is_named(book_dir: Path) -> None:
    with pytest.raises(TextError, match=r"percakapan/hilang\.yaml: berkas tidak ada"):
        make_book("hilang", {"a": ()}).get("a")
