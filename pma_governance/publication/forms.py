"""The publication's form: it validates and converts only; the services check the act
(signed, dates against the signature)."""

from __future__ import annotations

from pma_governance.lib.forms import BoundedForm, date_field


class PublishForm(BoundedForm):
    """The day a signed act (or PV) is put online (CGCT R2131-1)."""

    published_on = date_field("Publiée le")
