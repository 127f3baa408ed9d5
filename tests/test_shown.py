"""What the panes show of one appointment is built once, by one pure
function: names with privacy applied, each attendee's send decision, and
who may be late. The panes only draw it (they restate no rule)."""

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from frontdesk.cliniko.models import AppointmentType, Attendee, Business, IndividualAppointment, Patient
from frontdesk.domain.links import AccountHosts
from frontdesk.domain.wording import person_name
from frontdesk.services.day import Day
from frontdesk.services.shown import shown_appointment

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 23, 23, 0, tzinfo=timezone.utc)  # 10:00 in Sydney
API = "https://api.au4.cliniko.com/v1"


def a_day() -> Day:
    appointment = IndividualAppointment.model_validate({
        "id": "1", "appointment_type": {"links": {"self": f"{API}/appointment_types/7"}},
        "business": {"links": {"self": f"{API}/businesses/5"}},
        "starts_at": START.isoformat(), "ends_at": (START + timedelta(minutes=30)).isoformat()})
    kind = AppointmentType.model_validate({"id": "7", "name": "Telehealth", "telehealth_enabled": True})
    attendee = Attendee.model_validate({"id": "2", "telehealth_url": "https://harbourhealth.au4.cliniko.com/c/abcdefghijkl",
                                        "booking": {"links": {"self": f"{API}/bookings/1"}},
                                        "patient": {"links": {"self": f"{API}/patients/3"}}})
    patient = Patient.model_validate({"id": "3", "first_name": "Amelia", "preferred_first_name": "Mia",
                                      "last_name": "Nguyen", "email": "mia@example.com"})
    business = Business.model_validate({"id": "5", "business_name": "Sydney", "country_code": "AU",
                                        "time_zone_identifier": "Australia/Sydney"})
    return Day(local_date=date(2026, 11, 24), businesses={"5": business}, appointment_types={"7": kind},
               appointments={"1": appointment}, attendees={"2": attendee}, patients={"3": patient},
               hosts=AccountHosts("harbourhealth", "au4"), complete=True)


def shown(now: datetime, private: bool):
    view = a_day().view("1")
    return view, shown_appointment(view, now, ("email",), private=private, late_after=timedelta(minutes=5))


def test_names_and_decisions_as_the_screen_shows_them():
    before = START - timedelta(hours=1)
    view, seen = shown(before, private=False)
    [mia] = seen.attendees
    assert (seen.title, seen.legal_name, mia.name) == ("Mia Nguyen", "Amelia Nguyen", "Mia Nguyen")
    assert mia.decision == view.decision(view.primary_attendee(), before, ("email",)) and mia.decision.allowed
    assert mia.decision.channels == ("email",) and not mia.late
    assert seen.unattended == view.decision(None, before, ("email",)) and not seen.unattended.allowed


def test_privacy_is_applied_once_here_and_hides_the_legal_name():
    _, seen = shown(START - timedelta(hours=1), private=True)
    [mia] = seen.attendees
    assert seen.title == mia.name == person_name("Mia Nguyen", private=True) != "Mia Nguyen"
    assert seen.legal_name is None
    assert "Nguyen" not in seen.title + mia.name and "Amelia" not in seen.title + mia.name


def test_late_once_the_call_is_under_way_unmarked_and_over_when_it_ends():
    _, early = shown(START + timedelta(minutes=4), private=False)
    _, late = shown(START + timedelta(minutes=6), private=False)
    _, over = shown(START + timedelta(minutes=31), private=False)
    assert [a.late for a in early.attendees] == [False]
    assert [a.late for a in late.attendees] == [True] and late.minutes_in == 6
    assert [a.late for a in over.attendees] == [False]
    assert not over.attendees[0].decision.allowed  # already over: nothing to send


def test_the_widgets_restate_no_rule():
    """The widgets draw what they are given: the panes a shown view, the
    list each row's words (frontdesk.services.row_words)."""
    for widget in sorted((ROOT / "widgets").glob("*.py")):
        code = widget.read_text()
        for rule in ("person_name(", ".decision(", "late_attendees(", "telehealth_state(", "list_time(", "zone_for("):
            assert rule not in code, f"{widget.name} restates {rule}"


def test_the_headers_words_come_from_the_state_without_a_terminal():
    from frontdesk.cliniko.models import Practitioner
    from frontdesk.screens.console_state import ConsoleState

    day = a_day()
    day.practitioners["9"] = Practitioner.model_validate({"id": "9", "first_name": "Chloe", "last_name": "Nguyen"})
    state = ConsoleState(local_date=day.local_date)
    state.loaded(day)
    state.set_home(day.businesses["5"])
    assert state.zone is not None and state.zone.key == "Australia/Sydney"
    assert state.header_words(day.businesses, None, START).location == "All locations"
    on_the_day = state.header_words(day.businesses, "5", START)
    assert "NOT TODAY" not in on_the_day.date_label and on_the_day.location.startswith("Sydney")
    tomorrow = state.header_words(day.businesses, None, START - timedelta(days=1))
    assert tomorrow.date_label.endswith("(tomorrow) · NOT TODAY")
    state.practitioner_id = "9"
    theirs = state.header_words(day.businesses, None, START)
    assert theirs.location_short == "Chloe Nguyen's list" and "Chloe Nguyen's list" in theirs.location
    assert theirs.sync == "loading…"  # no sync time yet: it does not claim one
    day.synced_at = START
    assert "10:00" in state.header_words(day.businesses, None, START).sync  # on the clinic's clock


def test_one_rule_says_whose_clock_a_patients_times_are_on():
    """The details and the send confirmation ask patient_clock (the message
    the zone it is built on, patient_zone); a zone Cliniko wrote that is
    unknown here is said, not shown as UTC or as the clinic's."""
    from zoneinfo import ZoneInfo

    from frontdesk.domain.timezones import patient_clock

    sydney = ZoneInfo("Australia/Sydney")
    assert patient_clock(None, sydney, START).zone is None
    assert patient_clock("Australia/Melbourne", sydney, START).words == "same zone as clinic"
    assert patient_clock("Australia/Perth", sydney, START).zone == ZoneInfo("Australia/Perth")
    unknown = patient_clock("Mars/Olympus_Mons", sydney, START)
    assert unknown.zone is None and unknown.unknown and "Mars/Olympus_Mons" in unknown.words
    day = a_day()
    day.patients["3"] = day.patients["3"].model_copy(update={"time_zone": "Mars/Olympus_Mons"})
    seen = shown_appointment(day.view("1"), START, ("email",), private=False, late_after=timedelta(minutes=5))
    assert seen.patient_clock == unknown
    for code in ("widgets/detail_pane.py", "tui/screens/send_flow.py", "tui/domain/message.py"):
        assert "zone_for(" not in (ROOT / code).read_text()


def test_a_rows_words_are_made_without_a_terminal():
    from zoneinfo import ZoneInfo

    from frontdesk.services.row_marks import NOT_SENT, RowMarks
    from frontdesk.services.row_words import ListShape, row_words

    view = a_day().view("1")
    sydney = ListShape(narrow=False, private=False, zone=None, on=None, locations=None)
    words = row_words(view, None, sydney)
    assert words[0] == "10:00" and words[1] == "Mia Nguyen" and len(words) == 7
    private = row_words(view, None, ListShape(False, True, None, None, {"Sydney": "SYD"}))
    assert private[1] == "SYD" and private[2] == person_name("Mia Nguyen", private=True)
    perth = row_words(view, None, ListShape(False, False, ZoneInfo("Australia/Perth"), date(2026, 11, 24), None))
    assert perth[0] == "07:00"  # one clock for the list: Perth's
    late = row_words(view, RowMarks(sent=NOT_SENT, late=1), sydney)
    assert late[-1] != words[-1] and late[-1] == row_words(view, RowMarks(sent=NOT_SENT, late=2), sydney)[-1]


def test_the_send_confirmation_is_planned_without_a_terminal():
    """Who, when on both clocks, masked address, the preview given, and
    earlier sends in words: the confirmation screen only draws them."""
    from frontdesk.services.delivery.answers import PreviousSends
    from frontdesk.services.send_plan import previous_note, send_plan

    day = a_day()
    day.patients["3"] = day.patients["3"].model_copy(update={"time_zone": "Australia/Perth"})
    view = day.view("1")
    chosen = view.primary_attendee()
    decision = view.decision(chosen, START - timedelta(hours=1), ("email",))
    plan = send_plan(view, chosen, decision, [], lambda channel: f"preview by {channel}",
                     lambda name: person_name(name, private=True))
    assert plan.patient == person_name("Mia Nguyen", private=True)
    assert plan.clinic_time.startswith("10:00–10:30") and "(Australia/Sydney)" in plan.clinic_time
    assert plan.patient_time.startswith("07:00") and "(Australia/Perth)" in plan.patient_time
    [option] = plan.options
    assert option.channel == "email" and option.recipient != "mia@example.com" and "•" in option.recipient
    assert option.preview == "preview by email" and plan.default == "email" and plan.group_in == []
    nothing = previous_note(PreviousSends(local=None, team=None), view, lambda moment: "then")
    assert not nothing.repeat and nothing.lines == ["Cliniko's own reminders: email unknown · SMS unknown."]
    unreadable = previous_note(PreviousSends(local=None, team=None, audit_error="This desk's log is locked"),
                               view, lambda moment: "then")
    assert "This desk's log is locked: a send from this desk would not show here." in unreadable.lines


def test_the_lookups_and_pickers_words_are_made_without_a_terminal():
    from frontdesk.services.pickers import location_choices
    from frontdesk.services.lookup_words import found_days, patient_words
    from frontdesk.services.sent_ledger import SentLedger

    day = a_day()
    mia = day.patients["3"]
    assert patient_words(mia, None, private=False) == "Mia Nguyen · m•••@example.com"
    assert "Nguyen" not in patient_words(mia, None, private=True) and "mia@" not in patient_words(mia, None, private=True)
    [found] = found_days(day.views(), mia, START - timedelta(hours=1), ("email",), SentLedger(), {})
    assert found.head.startswith("Tue 24 Nov 10:00") and found.sendable and found.verdict == "can be sent"
    assert found.local_date == date(2026, 11, 24) and found.sent == ""
    assert location_choices(day.businesses.values()) == [("5", "SYD Sydney (Sydney time)")]


def test_the_message_keeps_the_patients_own_zone_even_at_the_clinics_offset():
    """Lisbon and London share an offset in winter but not a name: the
    message says the patient's (WET), as it always has."""
    from frontdesk.cliniko.models import Business, IndividualAppointment, Patient
    from frontdesk.domain.message import message_values

    appointment = IndividualAppointment.model_validate({"id": "1", "starts_at": "2026-01-10T10:00:00Z",
                                                        "ends_at": "2026-01-10T10:30:00Z"})
    london = Business.model_validate({"id": "5", "business_name": "London", "time_zone_identifier": "Europe/London"})
    patient = Patient.model_validate({"id": "3", "first_name": "Ana", "time_zone": "Europe/Lisbon"})
    assert message_values(patient, appointment, "Dr Lee", london).as_dict("link")["time"] == "10:00 WET"
    unknown = patient.model_copy(update={"time_zone": "Mars/Olympus_Mons"})
    assert message_values(unknown, appointment, "Dr Lee", london).as_dict("link")["time"] == "10:00 GMT"
