import pytest

from avvikelse.core.text import TextError, clean_text

BOTH = pytest.mark.parametrize("multiline", [True, False])
BIDI_CONTROLS = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c",
]


@BOTH
@pytest.mark.parametrize(
    "value",
    ['<script>alert("x")</script>', "Tom & Jerry's <b>", "a > b && c < d", "&amp; &lt;"],
)
def test_markup_is_kept_exactly_as_typed(value, multiline):
    assert clean_text(value, multiline=multiline) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\x85b", "a\nb"),  # NEL, a line break from old encodings
        ("a\tb\nc", "a\tb\nc"),
    ],
)
def test_multiline_normalises_line_breaks(value, expected):
    assert clean_text(value, multiline=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Anna\nSvensson", "Anna Svensson"),
        ("Anna\r\nSvensson", "Anna Svensson"),
        ("a \r\n\t  b", "a b"),
        ("a\t\tb", "a b"),
        ("a\n\n\nb", "a b"),
        ("a  b", "a  b"),  # plain spaces inside the text are the user's
    ],
)
def test_single_line_turns_breaks_into_one_space(value, expected):
    assert clean_text(value, multiline=False) == expected


@BOTH
@pytest.mark.parametrize(
    ("value", "expected"),
    [("e\u0301", "\u00e9"), ("A\u030a", "Å"), ("a\u0308o\u0308", "äö")],
)
def test_nfc(value, expected, multiline):
    assert clean_text(value, multiline=multiline) == expected


@BOTH
@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x0b", "\x0c", "\x7f", "\x9b"])
def test_control_characters_are_refused(control, multiline):
    with pytest.raises(TextError) as caught:
        clean_text(f"före{control}efter", multiline=multiline)
    assert str(caught.value) == "Texten innehåller otillåtna kontrolltecken."
    assert isinstance(caught.value, ValueError)


@BOTH
@pytest.mark.parametrize("value", ["\ud800", "a\udfffb", "\udc80"])
def test_lone_surrogates_are_refused(value, multiline):
    with pytest.raises(TextError):
        clean_text(value, multiline=multiline)


@BOTH
def test_characters_outside_the_bmp_are_kept(multiline):
    assert clean_text("tack 😀", multiline=multiline) == "tack 😀"


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_single_line_strips_bidi_controls(control):
    assert clean_text(f"fil{control}gpj.exe", multiline=False) == "filgpj.exe"


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_multiline_keeps_bidi_controls(control):
    assert clean_text(f"ord{control}ord", multiline=True) == f"ord{control}ord"


@pytest.mark.parametrize(
    ("value", "multiline", "expected"),
    [
        ("  hej  ", False, "hej"),
        ("\n\n  hej\n  då \n\n", True, "hej\n  då"),
        ("\u00a0hej\u3000", False, "hej"),
        ("   ", False, ""),
        ("\r\n\t", True, ""),
    ],
)
def test_surrounding_whitespace_is_stripped(value, multiline, expected):
    assert clean_text(value, multiline=multiline) == expected


@BOTH
@pytest.mark.parametrize(
    "value",
    ["  Åsa\r\n\tÖberg \u202e<b> ", "e\u0301\u2028x", "a\r\rb\t", "\u2066x\u2069\ny"],
)
def test_cleaning_is_idempotent(value, multiline):
    once = clean_text(value, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once


def test_refused_controls_are_exactly_category_cc_but_line_breaks_and_tab():
    """The regex stands for unicodedata's Cc: every control in the range is refused, and
    nothing beside it (Cc ends at U+009F; U+00A0 on is letters, spaces, marks)."""
    import unicodedata

    kept = {"\n", "\t", "\r", "\x85"}  # the last two become newlines first
    for code in range(0x200):
        char = chr(code)
        try:
            clean_text(f"a{char}b", multiline=True)
            refused = False
        except TextError:
            refused = True
        assert refused == (unicodedata.category(char) == "Cc" and char not in kept), hex(code)
