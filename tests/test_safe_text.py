"""One sanitizer for everything shown or printed: generated strings never
carry a control, bidi or other format character to a terminal, and JSON
keeps the data exact through \\u escapes."""

import json
import unicodedata

from hypothesis import given, settings, strategies as st

from frontdesk.safe_text import UNSAFE, cells, clean, clean_lines, dumps_json, fit

HOSTILE_CHARS = st.sampled_from(["\x1b", "\x07", "\x9b", "\x00", "\x7f", "\u202e", "\u2066", "\u2069",
                                 "\u200b", "\ufeff", "\u2028", "\ud800", "\U000e0041", "\u200d", "é", "山", "🩺"])
TEXT = st.one_of(st.text(max_size=60), st.lists(st.one_of(HOSTILE_CHARS, st.text(max_size=3)), max_size=20).map("".join))


def test_the_unsafe_class_is_every_control_and_format_character():
    """Cc, Cf (but the zero-width joiner emoji need), Zl, Zp and Cs, for
    this Python's Unicode; the class may also hold newer ones."""
    wanted = {cp for cp in range(0x110000)
              if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp", "Cs") and cp != 0x200D}
    held = {cp for cp in range(0x110000) if UNSAFE.match(chr(cp))}
    assert wanted <= held
    assert held - wanted <= set(range(0x13430, 0x13440))  # Egyptian format controls added in Unicode 15


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_clean_leaves_nothing_unsafe(text):
    out = clean(text)
    assert not UNSAFE.search(out)
    assert clean(out) == out
    out.encode("utf-8")  # printable: a lone surrogate would raise here


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(max_size=5), TEXT, max_size=4))
def test_json_is_exact_and_inert(data):
    text = dumps_json(data)
    assert not UNSAFE.search(text)
    assert json.loads(text) == data
    indented = dumps_json(data, indent=2)
    assert not UNSAFE.search(indented.replace("\n", "")) and json.loads(indented) == data


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(0, 30))
def test_fit_is_exactly_the_width_in_cells(text, width):
    out = fit(text, width)
    assert cells(out) == width and not UNSAFE.search(out)


def test_escapes_and_layout():
    assert clean("a\x1b]52;c;ZXZpbA==\x07b\tc\nd") == "a]52;c;ZXZpbA==b c d"
    assert clean("\u202eevil\u2066") == "evil"
    assert clean("👩\u200d⚕️") == "👩\u200d⚕️"
    assert clean_lines("one\r\ntwo\x1b[2J") == ["one", "two[2J"]
    assert fit("山田太郎", 5) == "山田…" and fit("ab", 4) == "ab  "
