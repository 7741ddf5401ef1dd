"""The history of governance records is kept by the database itself (django-pghistory
triggers): every code path is recorded, with the row before and after, the user and the URL,
and admins read it in French on each record."""

from __future__ import annotations

import html

import pghistory
import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberations.models import Deliberation, Vote, VoteNonParticipant
from meetings.admin import SessionAdmin
from meetings.models import Attendance, Proxy, Session
from pma_governance.lib.history import FieldChange, Related, event_model, history_for
from tests.conftest import Council
from tests.factories import login_as

pytestmark = pytest.mark.django_db


def _present(session: Session) -> Attendance:
    attendance = (
        Attendance.objects.filter(session=session, status="present", seated=False)
        .select_related("mandate__person")
        .first()
    )
    assert attendance is not None
    return attendance


def test_a_plain_queryset_update_is_recorded_with_before_and_after(
    seed_session: Session,
) -> None:
    attendance = _present(seed_session)

    Attendance.objects.filter(pk=attendance.pk).update(status=Attendance.Status.EXCUSED)

    events = (
        event_model(Attendance)._default_manager.filter(pgh_obj_id=attendance.pk).order_by("pgh_id")
    )
    # The row after the insert, the row before the update, the row after it.
    assert list(events.values_list("pgh_label", "status")) == [
        ("insert", "present"),
        ("before_update", "present"),
        ("update", "excused"),
    ]
    latest = history_for(attendance)[0]
    assert latest.action == "Modification"
    assert latest.changes == (FieldChange("présence", "Présent", "Excusé"),)
    assert latest.user == "hors application (commande, import, console)"


def test_insert_and_delete_are_recorded_with_the_values(council: Council) -> None:
    proxy = Proxy.objects.create(
        session=council.session, giver=council["Alice"], holder=council["Bernard"]
    )
    proxy_id = proxy.pk
    proxy.delete()

    entries = history_for(council.session, [Related(Proxy, "session_id", "giver")])
    deleted, created = entries[0], entries[1]
    assert created.action == "Création"
    assert deleted.action == "Suppression"
    assert deleted.subject == f"Pouvoir — {council['Alice']}"
    assert FieldChange("mandataire", str(council["Bernard"]), "—") in deleted.changes
    assert event_model(Proxy)._default_manager.filter(pgh_obj_id=proxy_id).count() == 2


def test_the_not_voting_relation_is_tracked(council: Council, seated: object) -> None:
    from deliberations.services import vote_record

    seated("Alice", "Bernard", "Claire", "David")  # type: ignore[operator]
    vote = vote_record(item=council.items[1], unanimous=True, not_voting=[council["Alice"]])

    vote.not_voting.set([council["Bernard"]])

    labels = list(
        event_model(VoteNonParticipant)
        ._default_manager.filter(vote_id=vote.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "mandate_id")
    )
    assert labels == [
        ("insert", council["Alice"].pk),
        ("delete", council["Alice"].pk),
        ("insert", council["Bernard"].pk),
    ]
    assert [m.pk for m in vote.not_voting.all()] == [council["Bernard"].pk]


def test_the_context_names_the_user_and_url(seed_session: Session, admin_user: object) -> None:
    attendance = _present(seed_session)

    with pghistory.context(user=admin_user.pk, url="/seances/1/presences/"):  # type: ignore[attr-defined]
        Attendance.objects.filter(pk=attendance.pk).update(status=Attendance.Status.ABSENT)

    latest = history_for(attendance)[0]
    assert latest.user == admin_user.get_username()  # type: ignore[attr-defined]
    assert latest.url == "/seances/1/presences/"


def test_a_change_through_the_admin_is_recorded_and_shown(
    seed_session: Session, client: Client
) -> None:
    attendance = _present(seed_session)
    # Without a full name, the history names the account by its username.
    admin = login_as(client, "superuser", first_name="", last_name="")
    url = reverse("admin:meetings_attendance_change", args=[attendance.pk])

    response = client.post(
        url,
        {
            "session": seed_session.pk,
            "mandate": attendance.mandate_id,
            "status": "excused",
            "replaces": "",
            "arrived_at": "",
            "left_at": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    latest = history_for(attendance)[0]
    assert (latest.user, latest.url) == (admin.get_username(), url)
    page = html.unescape(client.get(url).content.decode())
    assert "Historique des modifications" in page
    assert "présence</strong> : Présent → Excusé" in page
    assert admin.get_username() in page


def test_the_session_page_gathers_its_roll_and_agenda_history(seed_session: Session) -> None:
    Session.objects.filter(pk=seed_session.pk).update(facts_frozen_at=timezone.now())

    entries = history_for(seed_session, SessionAdmin.history_related)

    # One transaction here, so one NOW() for every event: find the freeze by its subject.
    freeze = next(e for e in entries if e.subject == "Séance" and e.action == "Modification")
    assert [c.field for c in freeze.changes] == ["faits figés le"]
    assert freeze.changes[0].before == "—"
    subjects = {e.subject.split(" — ")[0] for e in entries}
    assert {"Séance", "Présence", "Pouvoir", "Point de l'ordre du jour"} <= subjects


def test_signed_act_history_shows_the_signature(seed_session: Session) -> None:
    deliberation = Deliberation.objects.get(number="2023/PMA00192")
    Session.objects.filter(pk=seed_session.pk).update(facts_frozen_at=timezone.now())
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status="signed", signed_at=timezone.now()
    )

    change = history_for(deliberation)[0]

    assert FieldChange("état", "Votée", "Signée") in change.changes
    assert any(c.field == "signée le" and c.before == "—" for c in change.changes)


def test_history_itself_cannot_be_rewritten(seed_session: Session) -> None:
    events = event_model(Vote)._default_manager.all()
    assert events.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        events.update(pgh_label="update")
    with pytest.raises(DatabaseError), transaction.atomic():
        events.delete()


def test_frozen_records_are_read_only_in_the_admin(seed_session: Session, client: Client) -> None:
    Session.objects.filter(pk=seed_session.pk).update(facts_frozen_at=timezone.now())
    attendance = _present(seed_session)
    login_as(client, "superuser")
    url = reverse("admin:meetings_attendance_change", args=[attendance.pk])

    page = client.get(url).content.decode()
    post = client.post(url, {"session": seed_session.pk, "status": "absent"})

    assert 'name="_save"' not in page  # a view-only page, with its history
    assert "Historique des modifications" in page
    assert post.status_code == 403
    assert Attendance.objects.get(pk=attendance.pk).status == "present"
    session_page = client.get(reverse("admin:meetings_session_change", args=[seed_session.pk]))
    assert 'name="_save"' not in session_page.content.decode()
