"""French full-text search, once for the whole project.

The database holds a text search configuration, `pma_french`: the French stemmer behind
`unaccent`, so « délibérations », « deliberation » and « DÉLIBÉRATION » are one word. The
procès-verbaux and the deliberations keep a stored `search_vector` (tsvector, GIN-indexed),
filled by their own triggers (`vector_sql` below builds their SQL). Queries use the same
configuration with the websearch syntax (« "phrase exacte" », « -mot », « OR »), and the
excerpts come from ts_headline, then are escaped here before the matches are wrapped in
<mark>: a text typed by a user is never trusted as HTML.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, Func, Value
from django.db.models.expressions import BaseExpression
from django.db.models.fields import TextField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "pma_french"
MAX_QUERY_LENGTH = 200

# Ranking: a match in an objet (weight A) counts more than one in considérants (B), itself
# more than one in a debate (C). Normalisation 0: a long text is not penalised, and ts_rank
# stays cheap (no length to compute).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]  # D, C, B, A: the order ts_rank expects

# ts_headline wraps matches in these private-use characters; they become <mark> once the
# excerpt is escaped (a real tag would be escaped with the rest).
MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")

# Writing the SQL of a trigger: a weighted vector of one text column or expression.


def weighted_sql(expression: str, weight: str) -> str:
    """PL/pgSQL: the tsvector of `expression` (tags and entities ignored) with a weight."""
    if weight not in {"A", "B", "C", "D"}:
        raise ValueError(f"Poids inconnu : {weight}")
    return f"setweight(to_tsvector('{CONFIG}', coalesce({expression}, '')), '{weight}')"


def number_words_sql(number: str) -> str:
    """PL/pgSQL: a deliberation number and its pieces, so that « 2023/PMA00192 »,
    « 2023PMA00192 », « PMA00192 » and « 00192 » all find it through the index."""
    lowered = f"lower(coalesce({number}, ''))"
    return (
        f"{lowered} || ' ' || regexp_replace({lowered}, '[^a-z0-9]+', '', 'g') || ' ' || "
        f"regexp_replace({lowered}, '[^a-z0-9]+', ' ', 'g') || ' ' || "
        f"regexp_replace({lowered}, '[^0-9]+', ' ', 'g')"
    )


# Reading.


def clean_query(text: str) -> str:
    """The words typed, on one line, at most MAX_QUERY_LENGTH characters."""
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def search_query(text: str) -> SearchQuery | None:
    """The websearch query of `text` in `pma_french`, or None when nothing was typed."""
    text = clean_query(text)
    if not text:
        return None
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def rank(query: SearchQuery) -> SearchRank:
    """ts_rank of the stored `search_vector` of the rows searched."""
    return SearchRank(F("search_vector"), query, weights=RANK_WEIGHTS)


class ExcerptSource(Func):
    """SQL: the text ts_headline works on — without the marks' characters, and for HTML
    without its tags (they become spaces)."""

    output_field = TextField()

    def __init__(self, expression: BaseExpression | F | str, *, html: bool = True) -> None:
        text = "coalesce(%(expressions)s, '')"
        if html:
            text = f"regexp_replace({text}, '<[^>]*>', ' ', 'g')"
        self.template = f"translate({text}, '{MARK_START}{MARK_END}', '')"
        super().__init__(F(expression) if isinstance(expression, str) else expression)


class Concat(Func):
    """SQL: texts joined by a space (concat_ws skips NULLs)."""

    function = "concat_ws"
    output_field = TextField()

    def __init__(self, *expressions: BaseExpression | F) -> None:
        super().__init__(Value(" "), *expressions)


def headline(
    expression: BaseExpression | F | str,
    query: SearchQuery,
    *,
    html: bool = True,
    whole: bool = False,
) -> SearchHeadline:
    """ts_headline of a text (`html`: sanitised HTML): fragments around the matches, or the
    `whole` text with every match marked.

    Compute it only for the rows of the page shown: it reads and parses the whole text.
    """
    source = ExcerptSource(expression, html=html)
    marks: dict[str, Any] = {"config": CONFIG, "start_sel": MARK_START, "stop_sel": MARK_END}
    if whole:
        return SearchHeadline(source, query, highlight_all=True, **marks)
    return SearchHeadline(
        source,
        query,
        max_words=30,
        min_words=12,
        short_word="3",
        max_fragments=2,
        fragment_delimiter=" … ",
        **marks,
    )


def excerpt_html(raw: str | None, *, html: bool = True) -> SafeString:
    """An excerpt from ts_headline as safe HTML: the text escaped, the matches in <mark>.

    From sanitised HTML (`html`), entities (« &amp; ») are decoded first; then everything
    is escaped again, so the only markup is the <mark> tags written here.
    """
    parts: list[str] = []
    open_mark = False
    for piece in _MARKS.split(raw or ""):
        if piece == MARK_START:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == MARK_END:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        elif piece:
            text = unescape(piece) if html else piece
            text = text.replace(MARK_START, "").replace(MARK_END, "")
            parts.append(str(escape(text)))
    if open_mark:
        parts.append("</mark>")
    return mark_safe(" ".join("".join(parts).split()))
