"""Bounded texts: every text field of every model has a limit, refused in French by the
forms, the model validation the services run and the database itself; control characters
are taken out of what is typed and refused elsewhere; an oversized request is refused
unread (issue 11, point 4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse

from deliberations.models import Deliberation
from deliberations.services import deliberation_create, visa_template_create
from meetings.models import AgendaItem, Session
from meetings.services import pv_update
from pma_governance.lib import limits
from pma_governance.lib.limits import MaxLength, strip_controls
from pma_governance.lib.richtext import normalize
from tests.factories import login_as

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("members", "meetings", "deliberations")


def _text_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every free-text field of the domain's models (their history copies aside)."""
    return [
        (model, field)
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.endswith("Event")
        for field in model._meta.fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


def _limit(field: models.Field[Any, Any]) -> int:
    bounds = [v.limit_value for v in field.validators if isinstance(v, MaxLength)]
    return int(field.max_length or bounds[0])


@pytest.mark.parametrize(
    ("model", "field"),
    _text_fields(),
    ids=[f"{m.__name__}.{f.name}" for m, f in _text_fields()],
)
def test_every_text_field_refuses_a_text_over_its_limit_in_french(
    model: type[models.Model], field: models.Field[Any, Any]
) -> None:
    limit = _limit(field)
    instance = model(**{field.attname: "a" * (limit + 1)})

    with pytest.raises(ValidationError) as refused:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f != field])

    messages = refused.value.message_dict[field.name]
    assert any(
        (limits.french_count(limit) in message or str(limit) in message) and "caractère" in message
        for message in messages
    ), messages


def test_long_texts_are_bounded_at_twenty_times_the_seed() -> None:
    assert limits.CONSIDERANTS >= 20 * 6_742
    assert limits.DEBATE >= 20 * 4_204
    assert limits.DISPOSITIF >= 20 * 370
    assert limits.PV_TEXT >= 20 * 479
    assert limits.VISA >= 20 * 123
    bounded = {f"{m.__name__}.{f.name}": _limit(f) for m, f in _text_fields()}
    assert bounded["Deliberation.considerants"] == limits.CONSIDERANTS
    assert bounded["AgendaItem.debate_summary"] == limits.DEBATE
    assert bounded["Erratum.text"] == limits.ERRATUM


def test_a_service_refuses_an_act_over_its_limits(seed_session: Session) -> None:
    with pytest.raises(ValidationError) as refused:
        deliberation_create(
            body=seed_session.body,
            title="Partenariat",
            matiere="7.5",
            dispositif="D" * (limits.DISPOSITIF + 1),
            considerants="C" * (limits.CONSIDERANTS + 1),
        )

    assert refused.value.message_dict == {
        "considerants": [
            "Ce texte ne peut dépasser 135\u202f000 caractères (il en compte 135\u202f008)."
        ],
        "dispositif": [
            "Ce texte ne peut dépasser 7\u202f500 caractères (il en compte 7\u202f501)."
        ],
    }


def test_too_many_visas_are_refused_by_the_service(seed_session: Session) -> None:
    with pytest.raises(ValidationError) as refused:
        deliberation_create(
            body=seed_session.body,
            title="Partenariat",
            matiere="7.5",
            dispositif="DÉCIDE",
            visas=["V" * limits.VISA] * 5,
        )

    assert refused.value.message_dict["visas"] == [
        "L'ensemble des visas ne peut dépasser 10\u202f000 caractères (il en compte 12\u202f500)."
    ]


def test_the_database_refuses_a_text_over_its_limit_whatever_the_path(
    seed_session: Session,
) -> None:
    act = Deliberation.objects.filter(body=seed_session.body).first()
    assert act is not None

    with (
        pytest.raises(IntegrityError, match="deliberation_dispositif_length"),
        transaction.atomic(),
    ):
        Deliberation.objects.filter(pk=act.pk).update(dispositif="D" * (limits.DISPOSITIF + 1))


def test_the_form_refuses_an_overlong_dispositif_in_french(
    seed_session: Session, client: Client
) -> None:
    login_as(client, "secretariat", seed_session.body)

    response = client.post(
        reverse("deliberations:create"),
        {
            "title": "Partenariat",
            "nature": "1",
            "matiere": "7.5",
            "dispositif": "D" * (limits.DISPOSITIF + 12),
        },
    )

    assert response.status_code == 200
    assert (
        "Ce texte ne peut dépasser 7\u202f500 caractères (il en compte 7\u202f512)."
        in response.content.decode()
    )
    assert not Deliberation.objects.filter(title="Partenariat").exists()


def test_an_overlong_debate_is_refused_under_its_item(
    seed_session: Session, client: Client
) -> None:
    login_as(client, "secretariat", seed_session.body)
    pv = seed_session.pv
    item = AgendaItem.objects.filter(session=seed_session).first()
    assert item is not None

    response = client.post(
        reverse("meetings:pv_edit", args=[seed_session.pk]),
        {"version": str(pv.version), f"debate_{item.pk}": "d" * (limits.DEBATE + 1)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"debate_{item.pk}": [
            "Ce texte ne peut dépasser 85\u202f000 caractères (il en compte 85\u202f001)."
        ]
    }


def test_the_pv_service_refuses_a_preamble_over_its_limit(seed_session: Session) -> None:
    pv = seed_session.pv

    with pytest.raises(ValidationError) as refused:
        pv_update(pv=pv, texts={"preamble": "p" * limits.PV_TEXT}, expected_version=pv.version)

    # Stored as a paragraph, the text grows by its <p></p>: over the limit, refused.
    assert refused.value.message_dict["preamble"] == [
        "Ce texte ne peut dépasser 10\u202f000 caractères (il en compte 10\u202f007)."
    ]


# --- Control characters -------------------------------------------------------------------


def test_control_characters_typed_in_a_form_are_taken_out(
    seed_session: Session, client: Client
) -> None:
    login_as(client, "secretariat", seed_session.body)

    client.post(
        reverse("deliberations:create"),
        {
            "title": "Parte\x00nariat \u202eAULA\u202c\x1b",
            "nature": "1",
            "matiere": "7.5",
            "dispositif": "AUTORISE\u2066 le Président\u2069",
            "considerants": "<p>CONSIDÉRANT\x0b que</p>",
        },
    )

    act = Deliberation.objects.get(title="Partenariat AULA")
    assert act.dispositif == "AUTORISE le Président"
    assert act.considerants == "<p>CONSIDÉRANT que</p>"


def test_the_model_refuses_control_characters_in_french(seed_session: Session) -> None:
    with pytest.raises(ValidationError) as refused:
        deliberation_create(
            body=seed_session.body, title="Le Code\x00 \u202e", matiere="7.5", dispositif="D"
        )

    assert refused.value.message_dict["title"] == [
        "Ce texte contient des caractères de contrôle interdits (U+0000, U+202E) : retirez-les."
    ]


def test_a_visa_loses_its_control_characters(seed_session: Session) -> None:
    visa = visa_template_create(body=seed_session.body, text="VU le Code\x00 général\u202e ;")

    assert visa.text == "le Code général"


def test_tabs_and_line_breaks_are_kept() -> None:
    assert strip_controls("a\tb\nc\r\nd\x00\u202ee\u200ef") == "a\tb\nc\r\nde\u200ef"
    assert normalize("Un\x00 paragraphe\u2067.") == "<p>Un paragraphe.</p>"


# --- Request size ---------------------------------------------------------------------------


def test_a_request_over_the_size_limit_is_refused_unread(
    seed_session: Session, client: Client, settings: Any
) -> None:
    settings.REQUEST_MAX_BYTES = 50_000
    login_as(client, "secretariat", seed_session.body)

    response = client.post(reverse("deliberations:create"), {"dispositif": "D" * 60_000})

    assert response.status_code == 413
    length = int(response.wsgi_request.META["CONTENT_LENGTH"])
    assert response.content.decode() == (
        f"Requête trop volumineuse : {limits.french_count(length)} octets pour 50\u202f000 au plus."
    )
