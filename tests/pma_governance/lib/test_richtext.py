"""The secretariat's formatted text: its one normaliser and its widget (no database)."""

from __future__ import annotations

import pytest

from pma_governance.lib.richtext import RichTextarea, normalize


def test_plain_text_is_cut_into_paragraphs_at_blank_lines() -> None:
    typed = "Premier paragraphe.\r\n\r\nSecond & dernier.\n\n\n"

    assert normalize(typed) == "<p>Premier paragraphe.</p><p>Second &amp; dernier.</p>"


def test_a_single_line_break_stays_a_line_break() -> None:
    assert normalize("Lens, le 13 juin 2023\nLe Président") == (
        "<p>Lens, le 13 juin 2023<br>Le Président</p>"
    )


def test_bold_typed_in_plain_text_is_kept_not_escaped() -> None:
    typed = (
        "Monsieur le Président évoque l'actualité.\n\nIl salue <strong>Gilles Huchette</strong>."
    )

    assert normalize(typed) == (
        "<p>Monsieur le Président évoque l'actualité.</p>"
        "<p>Il salue <strong>Gilles Huchette</strong>.</p>"
    )


def test_allowed_html_is_kept_as_typed() -> None:
    html = (
        "<p>CONSIDÉRANT <strong>ce qui suit</strong> :</p><h4>Axe 1</h4>"
        "<ul><li>un</li></ul><ol><li><em>deux</em></li></ol><p>a<br>b</p>"
    )

    assert normalize(html) == html


def test_scripts_attributes_and_other_tags_are_dropped() -> None:
    typed = (
        '<p onclick="x()" class="big">CONSIDÉRANT :</p><script>alert("x")</script>'
        '<style>p{}</style><a href="http://example.com">lien</a><img src="x.png">'
    )

    assert normalize(typed) == "<p>CONSIDÉRANT :</p>lien"


@pytest.mark.parametrize("empty", ["", "   ", "\n\n", "<script>x()</script>"])
def test_empty_text_gives_nothing(empty: str) -> None:
    assert normalize(empty) == ""


@pytest.mark.parametrize(
    "typed",
    [
        "Premier paragraphe.\n\nSecond & dernier.",
        "<p>Débat <b>nourri</b></p>",
        "Il salue <strong>Gilles</strong>.\nSuite",
        "<h4>Axe</h4><ul><li>a &lt; b</li></ul>",
    ],
)
def test_normalising_twice_changes_nothing(typed: str) -> None:
    # Documents normalise again what the services stored.
    assert normalize(normalize(typed)) == normalize(typed)


def test_without_javascript_the_widget_is_a_plain_textarea_under_a_hidden_toolbar() -> None:
    widget = RichTextarea(toolbar_label="Mise en forme de « Préambule »", attrs={"rows": 4})

    html = widget.render("preamble", "<p>Texte</p>", attrs={"id": "id_preamble"})

    toolbar, textarea = html.split("<textarea")
    assert 'role="toolbar" aria-label="Mise en forme de « Préambule »"' in toolbar
    assert 'data-richtext-for="id_preamble" hidden>' in toolbar
    assert 'G</strong><span class="visually-hidden"> : mettre en gras' in toolbar
    assert ">Liste à puces</button>" in toolbar
    assert 'name="preamble" cols="40" rows="4" id="id_preamble">' in textarea
    assert "&lt;p&gt;Texte&lt;/p&gt;</textarea>" in textarea
