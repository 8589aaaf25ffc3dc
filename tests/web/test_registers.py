"""Registre over HTTP: the index, the practice, lists, one record's page with its findings
beside the fields, the check as the user types, stale edits refused, the national id revealed
(audited, never in an address), series templates, the tariff import and each record's
history; a read-only role sees no edit buttons and its posts are refused."""

from __future__ import annotations

import json

import pytest

from clinic_world import WORLD, load_world
from oppgjor.app.clinic import actions, records
from oppgjor.app.clinic.checking import shown
from web.conftest import NOW, Site, htmx


@pytest.fixture
def world(site: Site) -> Site:
    load_world(site.db, WORLD, NOW)
    return site


def _tag(site: Site, kind: str, ref: str) -> str:
    return shown(site.db, kind, ref).tag


def _series(site: Site, ref: str = "S1"):  # type: ignore[no-untyped-def]
    return records.get_record(site.db, "series", ref)


def test_the_index_counts_every_register(world: Site) -> None:
    answer = world.as_("read-only").get("/registre")
    assert answer.status_code == 200
    assert "<h1>Registre</h1>" in answer.text
    for title in ("Avdelinger", "Behandlere", "Pasienter", "Kontakter", "Takstperioder",
                  "Serier", "Seriemaler"):  # fmt: skip
        assert title in answer.text
    assert 'href="/registre/praksis"' in answer.text


@pytest.mark.parametrize("kind", ["departments", "practitioners", "patients", "referrers",
                                  "tariffs", "series"])  # fmt: skip
def test_every_list_renders_and_searches(world: Site, kind: str) -> None:
    browser = world.as_("settlement-office")
    answer = browser.get(f"/registre/{kind}")
    assert answer.status_code == 200, answer.text
    assert answer.text.count("<h1>") == 1
    assert "i alt" in answer.text
    assert f'href="/registre/ny/{kind}"' in answer.text


def test_a_search_narrows_the_list_and_htmx_gets_the_table_only(world: Site) -> None:
    browser = world.as_("settlement-office")
    answer = browser.get("/registre/patients?q=kari")
    assert "1 treff på «kari»" in answer.text
    assert "/registre/patients/P1" in answer.text and "/registre/patients/P2" not in answer.text
    part = browser.get("/registre/patients?q=ola", headers=htmx(**{"HX-Target": "treff"}))
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="treff">')
    assert "<h1>" not in part.text and "/registre/patients/P2" in part.text


def test_patients_are_listed_masked(world: Site) -> None:
    answer = world.as_("settlement-office").get("/registre/patients")
    assert "15916400184" not in answer.text
    assert "159164*****" in answer.text


def test_an_unknown_kind_or_record_is_a_norwegian_404(world: Site) -> None:
    browser = world.as_("settlement-office")
    assert browser.get("/registre/appointments").status_code == 404
    missing = browser.get("/registre/series/FINNES-IKKE")
    assert missing.status_code == 404
    assert "Fant ikke serie «FINNES-IKKE»" in missing.text
    assert browser.get("/registre/side?side=0").status_code in (404, 422)


def test_a_record_shows_its_form_with_its_version_and_findings_beside_the_fields(
    world: Site,
) -> None:
    with world.db.transaction() as repos:  # a series the control would stop
        stored = repos.series(refs=["S2"])[0]
        repos.save_series(stored.__class__(**{**stored.__dict__, "diagnosis_code": "XYZ"}))
    answer = world.as_("settlement-office").get("/registre/series/S2")
    assert answer.status_code == 200
    assert "<h1>Serie S2</h1>" in answer.text
    assert f'name="versjon" value="{_tag(world, "series", "S2")}"' in answer.text
    assert 'id="f-diagnosis_code" name="diagnosis_code" type="text" value="XYZ"' in answer.text
    assert 'aria-invalid="true" aria-describedby="f-diagnosis_code-feil"' in answer.text
    assert "«XYZ» finnes ikke i ICD-10" in answer.text
    assert 'hx-post="/registre/series/S2/sjekk"' in answer.text


def test_the_check_returns_the_fields_with_the_findings_and_saves_nothing(world: Site) -> None:
    browser = world.as_("settlement-office")
    before = _tag(world, "series", "S1")
    part = browser.post("/registre/series/S1/sjekk", data={"diagnosis_code": "XYZ",
                        "stay_type": "2"}, headers=htmx())  # fmt: skip
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="felter"')
    assert "<h1>" not in part.text
    assert "BLOKKERENDE: «XYZ» finnes ikke i ICD-10" in part.text
    assert 'value="XYZ"' in part.text and 'aria-invalid="true"' in part.text
    assert _tag(world, "series", "S1") == before
    fine = browser.post("/registre/series/S1/sjekk", data={"diagnosis_code": "M545"},
                        headers=htmx())  # fmt: skip
    assert "Ingen funn." in fine.text and "aria-invalid" not in fine.text
    bad_date = browser.post("/registre/series/S1/sjekk", data={"start_date": "nei"},
                            headers=htmx())  # fmt: skip
    assert "ugyldig dato (bruk ÅÅÅÅ-MM-DD)" in bad_date.text


def test_saving_changes_only_what_the_user_changed_and_keeps_the_way_back(world: Site) -> None:
    browser = world.as_("settlement-office")
    page = browser.get("/registre/series/S1?tilbake=/oppgjor/12")
    assert 'name="tilbake" value="/oppgjor/12"' in page.text
    assert '<a href="/oppgjor/12">Tilbake til oppgjøret</a>' in page.text
    row = shown(world.db, "series", "S1").row
    answer = browser.post("/registre/series/S1", data={
        **row, "title": "Rygg, ny tittel", "versjon": _tag(world, "series", "S1"),
        "tilbake": "/oppgjor/12"})  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/registre/series/S1?tilbake=/oppgjor/12"
    assert _series(world).title == "Rygg, ny tittel"
    shown_page = browser.get(answer.headers["location"])
    assert "Endringene er lagret." in shown_page.text
    assert '<a href="/oppgjor/12">Tilbake til oppgjøret</a>' in shown_page.text
    history = browser.get("/registre/series/S1/historikk")
    assert history.status_code == 200
    assert "<h1>Historikk for serie S1</h1>" in history.text
    assert "Rygg, ny tittel" in history.text and "Tittel" in history.text


def test_a_way_back_to_another_site_is_dropped(world: Site) -> None:
    browser = world.as_("settlement-office")
    page = browser.get("/registre/series/S1?tilbake=//evil.example/x")
    assert "evil.example" not in page.text
    row = shown(world.db, "series", "S1").row
    answer = browser.post(
        "/registre/series/S1",
        data={**row, "versjon": _tag(world, "series", "S1"), "tilbake": "https://evil.example"},
    )
    assert answer.headers["location"] == "/registre/series/S1"


def test_a_stale_edit_is_refused_in_norwegian_and_nothing_is_saved(world: Site) -> None:
    browser = world.as_("settlement-office")
    old_tag = _tag(world, "series", "S1")
    row = shown(world.db, "series", "S1").row
    other = world.as_("settlement-office")
    assert other.post("/registre/series/S1", data={**row, "title": "Den andres",
                      "versjon": old_tag}).status_code == 303  # fmt: skip
    answer = browser.post("/registre/series/S1", data={**row, "title": "Min",
                          "versjon": old_tag})  # fmt: skip
    assert answer.status_code == 409
    assert "er endret av noen andre siden du hentet den" in answer.text
    assert "Ingenting ble lagret." in answer.text
    assert 'value="Min"' in answer.text  # what the user typed is still there
    assert _series(world).title == "Den andres"


def test_a_value_that_cannot_be_saved_is_refused_beside_its_field(world: Site) -> None:
    browser = world.as_("settlement-office")
    row = shown(world.db, "patients", "P1").row
    answer = browser.post(
        "/registre/patients/P1",
        data={**row, "birth_date": "31.02.2026", "versjon": _tag(world, "patients", "P1")},
    )
    assert answer.status_code == 422
    assert 'aria-describedby="f-birth_date-feil"' in answer.text
    assert "Ingenting ble lagret" in answer.text
    assert records.get_record(world.db, "patients", "P1").birth_date is None
    bad_id = browser.post(
        "/registre/patients/P1",
        data={**row, "id_value": "123", "versjon": _tag(world, "patients", "P1")},
    )
    assert bad_id.status_code == 422
    assert "må ha 11 siffer" in bad_id.text
    assert records.get_record(world.db, "patients", "P1").id_value == "15916400184"


def test_a_masked_national_id_left_as_shown_is_not_changed(world: Site) -> None:
    browser = world.as_("settlement-office")
    page = browser.get("/registre/patients/P1")
    assert "15916400184" not in page.text and 'value="159164*****"' in page.text
    row = shown(world.db, "patients", "P1").row
    answer = browser.post(
        "/registre/patients/P1",
        data={**row, "last_name": "Testesen", "versjon": _tag(world, "patients", "P1")},
    )
    assert answer.status_code == 303
    stored = records.get_record(world.db, "patients", "P1")
    assert (stored.last_name, stored.id_value) == ("Testesen", "15916400184")


def test_the_national_id_is_revealed_by_a_post_and_the_reveal_is_audited(world: Site) -> None:
    browser = world.as_("settlement-office")
    page = browser.get("/registre/patients/P1")
    assert 'action="/registre/patients/P1/fodselsnummer"' in page.text
    assert "Vis fødselsnummer" in page.text
    answer = browser.post("/registre/patients/P1/fodselsnummer", data={"tilbake": ""})
    assert answer.status_code == 200
    assert "15916400184" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert "15916400184" not in str(answer.url)
    with world.db.reading() as repos:
        events = [e for e in repos.audit.find(kind="patient", ref="P1") if e.action == "reveal"]
    assert len(events) == 1 and events[0].actor.startswith("settlementoffice")
    again = browser.get("/registre/patients/P1")
    assert "15916400184" not in again.text  # for that page view only
    history = browser.get("/registre/patients/P1/historikk")
    assert "15916400184" not in history.text


def test_a_read_only_role_sees_no_edit_buttons_and_its_posts_are_refused(world: Site) -> None:
    reader = world.as_("read-only")
    page = reader.get("/registre/series/S1")
    assert page.status_code == 200
    assert '<form method="post" action="/registre/series/S1"' not in page.text
    assert "Lagre" not in page.text and "M545" in page.text
    assert "Vis fødselsnummer" not in reader.get("/registre/patients/P1").text
    assert "/registre/ny/" not in reader.get("/registre/series").text
    assert "Importer" not in reader.get("/registre/tariffs").text
    row = shown(world.db, "series", "S1").row
    before = _tag(world, "series", "S1")
    for url, data in (
        ("/registre/series/S1", {**row, "title": "Nei", "versjon": before}),
        ("/registre/series/S1/sjekk", {"title": "Nei"}),
        ("/registre/patients/P1/fodselsnummer", {}),
        ("/registre/ny/series", {"ref": "S9", "patient_ref": "P1"}),
        ("/registre/praksis", {"name": "Nei"}),
        ("/registre/series/S1/mal", {"mal": "x"}),
        ("/registre/templates", {"navn": "x", "serie": "S1"}),
    ):
        answer = reader.post(url, data=data)
        assert answer.status_code == 403, url
        assert "Rollen din gir ikke tilgang til dette." in answer.text
    upload = reader.post("/registre/tariffs/import", files={"fil": ("t.csv", b"x")})
    assert upload.status_code == 403
    assert _tag(world, "series", "S1") == before
    with world.db.reading() as repos:
        assert not [e for e in repos.audit.find(kind="patient", ref="P1") if e.action == "reveal"]


def test_a_new_record_is_registered_or_refused_with_its_findings(world: Site) -> None:
    browser = world.as_("settlement-office")
    form = browser.get("/registre/ny/referrers")
    assert form.status_code == 200 and "<h1>Ny kontakt</h1>" in form.text
    check = browser.post(
        "/registre/ny/referrers/sjekk",
        data={"ref": "K9", "name": "Ny", "kind": "organisation", "org_nr": "123"},
        headers=htmx(),
    )
    assert 'aria-describedby="f-org_nr-feil"' in check.text
    refused = browser.post("/registre/ny/referrers", data={"ref": "K9", "name": "Ny",
                           "kind": "organisation", "org_nr": "123"})  # fmt: skip
    assert refused.status_code == 422
    assert "Ingenting ble lagret" in refused.text and 'value="Ny"' in refused.text
    assert "K9" not in [r.ref for r in records.list_records(world.db, "referrers")]
    made = browser.post("/registre/ny/referrers", data={"ref": "K9", "name": "Ny henviser",
                        "kind": "organisation", "org_nr": "974760673"})  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/registre/referrers/K9"
    assert records.get_record(world.db, "referrers", "K9").name == "Ny henviser"
    twice = browser.post("/registre/ny/referrers", data={"ref": "K9", "name": "Igjen",
                         "kind": "organisation"})  # fmt: skip
    assert twice.status_code == 409 and "finnes allerede" in twice.text


def test_the_practice_is_shown_checked_and_saved(world: Site) -> None:
    browser = world.as_("settlement-office")
    page = browser.get("/registre/praksis")
    assert page.status_code == 200 and "<h1>Praksis</h1>" in page.text
    check = browser.post("/registre/praksis/sjekk", data={"org_nr": "123"}, headers=htmx())
    assert "Organisasjonsnummer «123» er ugyldig" in check.text
    assert 'aria-describedby="f-org_nr-feil"' in check.text
    tag = shown_practice_tag(world)
    refused = browser.post("/registre/praksis", data={"org_nr": "123", "versjon": tag})
    assert refused.status_code == 422
    assert actions.get_practice(world.db).org_nr != "123"
    saved = browser.post("/registre/praksis", data={"account_number": "12345678903",
                         "versjon": tag})  # fmt: skip
    assert saved.status_code == 303, saved.text
    assert actions.get_practice(world.db).account_number == "12345678903"
    stale = browser.post("/registre/praksis", data={"name": "Gammel", "versjon": tag})
    assert stale.status_code == 409 and "endret av noen andre" in stale.text
    assert "kontonummer" in browser.get("/registre/praksis/historikk").text.lower()


def shown_practice_tag(site: Site) -> str:
    from oppgjor.app.clinic.checking import shown_practice

    found = shown_practice(site.db)
    assert found is not None
    return found.tag


def test_a_template_fills_only_the_empty_fields_of_a_series(world: Site) -> None:
    actions.save_template_from_series(world.db, "Rygg", "S1", world.clock, actor="test")
    browser = world.as_("settlement-office")
    row = shown(world.db, "series", "S2").row
    assert browser.post("/registre/series/S2", data={
        **row, "title": "Beholdes", "fbv_tariff": "", "versjon": _tag(world, "series", "S2"),
    }).status_code == 303  # fmt: skip
    templates = browser.get("/registre/templates")
    assert "<h1>Seriemaler</h1>" in templates.text and "Rygg" in templates.text
    page = browser.get("/registre/series/S2")
    assert '<option value="Rygg">Rygg</option>' in page.text
    answer = browser.post(
        "/registre/series/S2/mal", data={"mal": "Rygg", "versjon": _tag(world, "series", "S2")}
    )
    assert answer.status_code == 303
    s2 = _series(world, "S2")
    assert s2.fbv_tariff == "FBV01" and s2.title == "Beholdes"
    message = browser.get(answer.headers["location"]).text
    assert "Malen «Rygg» er brukt:" in message and "verdier beholdt" in message
    missing = browser.post("/registre/series/S2/mal", data={"mal": "Finnes ikke"})
    assert missing.status_code == 404 and "Fant ikke seriemal «Finnes ikke»" in missing.text


def test_a_series_is_saved_as_a_template(world: Site) -> None:
    browser = world.as_("settlement-office")
    answer = browser.post("/registre/templates", data={"navn": "Fra S1", "serie": "S1"})
    assert answer.status_code == 303
    assert "Fra S1" in [t.name for t in actions.list_templates(world.db)]
    empty = browser.post("/registre/templates", data={"navn": "", "serie": "S1"})
    assert empty.status_code == 422 and "Gi malen et navn." in empty.text


HELFO = [
    {"takst_id": 1, "takstkode": "NY1", "fagomraade": "LE", "beskrivelse": "Ny takst",
     "honorar": 500, "refusjon": 300, "egenandel": 200, "fradato": "2026-01-01T00:00:00",
     "tildato": None},
]  # fmt: skip


def test_helfos_open_tariff_data_is_imported_with_its_report(world: Site) -> None:
    browser = world.as_("settlement-office")
    page = browser.get("/registre/tariffs")
    assert 'enctype="multipart/form-data"' in page.text and 'for="f-fil"' in page.text
    data = json.dumps(HELFO).encode()
    answer = browser.post("/registre/tariffs/import",
                          files={"fil": ("takstkoder.json", data, "application/json")})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert "Importen er ferdig" in answer.text
    assert "1 rad lest: 1 nye, 0 endret, 0 uendret." in answer.text
    assert "NY1" in [t.code for t in actions.tariff_periods(world.db, code="NY1")]
    again = browser.post("/registre/tariffs/import",
                         files={"fil": ("takstkoder.json", data, "application/json")})  # fmt: skip
    assert "0 nye, 0 endret, 1 uendret" in again.text


def test_a_bad_tariff_file_changes_nothing_and_says_why(world: Site) -> None:
    browser = world.as_("settlement-office")
    before = len(actions.tariff_periods(world.db))
    bad = [{**HELFO[0], "takstkode": "NY2", "fradato": "i morgen"}]
    answer = browser.post(
        "/registre/tariffs/import",
        files={"fil": ("takstkoder.json", json.dumps(bad).encode(), "application/json")},
    )
    assert answer.status_code == 422
    assert "Ingenting ble lagret" in answer.text and "ugyldig dato" in answer.text
    assert len(actions.tariff_periods(world.db)) == before
    nothing = browser.post("/registre/tariffs/import", data={"x": "1"})
    assert nothing.status_code == 422 and "Velg en fil å importere." in nothing.text


def test_a_practitioner_shows_working_hours_and_modules(world: Site) -> None:
    page = world.as_("settlement-office").get("/registre/practitioners/B1")
    assert page.status_code == 200
    assert '<h2 id="timer-tittel">Arbeidstid</h2>' in page.text
    assert 'name="modules"' in page.text


def _new_national_id() -> str:
    import datetime

    from oppgjor.core.ids.national_id import make

    for individual in range(100, 200):
        made = make(datetime.date(1980, 5, 17), individual)
        if made:
            return made
    raise AssertionError("no number")


def test_the_history_shows_who_changed_what_with_national_ids_masked(world: Site) -> None:
    browser = world.as_("settlement-office")
    number = _new_national_id()
    row = shown(world.db, "patients", "P1").row
    answer = browser.post(
        "/registre/patients/P1",
        data={**row, "id_value": number, "versjon": _tag(world, "patients", "P1")},
    )
    assert answer.status_code == 303, answer.text
    assert records.get_record(world.db, "patients", "P1").id_value == number
    history = browser.get("/registre/patients/P1/historikk?tilbake=/oppgjor/3")
    assert history.status_code == 200
    assert "<h1>Historikk for pasient P1</h1>" in history.text
    assert "settlementoffice" in history.text and "02.03.2026 kl. 10:00" in history.text
    assert number not in history.text and "15916400184" not in history.text
    assert "ID-nummer" in history.text
    assert '<a href="/oppgjor/3">Tilbake til oppgjøret</a>' in history.text
    missing = browser.get("/registre/patients/P404/historikk")
    assert missing.status_code == 404


def test_the_practice_is_registered_when_there_is_none(site: Site) -> None:
    browser = site.as_("settlement-office")
    page = browser.get("/registre/praksis")
    assert page.status_code == 200 and 'name="versjon" value=""' in page.text
    assert "Ikke registrert ennå." in browser.get("/registre").text
    answer = browser.post(
        "/registre/praksis", data={"name": "Ny klinikk", "org_nr": "974760673", "versjon": ""}
    )
    assert answer.status_code == 303, answer.text
    assert actions.get_practice(site.db).name == "Ny klinikk"


def test_a_long_list_is_paged(world: Site) -> None:
    from oppgjor.app.clinic import single

    for n in range(55):
        single.create(world.db, "departments", {"ref": f"X{n:02}", "name": f"Avdeling {n}"})
    browser = world.as_("read-only")
    first = browser.get("/registre/departments")
    assert "side 1 av 2" in first.text and "Neste side" in first.text
    second = browser.get("/registre/departments?side=2")
    assert "side 2 av 2" in second.text and "Forrige side" in second.text
    assert browser.get("/registre/departments?side=0").status_code == 422


def test_a_new_series_is_filled_from_a_template(world: Site) -> None:
    actions.save_template_from_series(world.db, "Rygg", "S1", world.clock, actor="test")
    browser = world.as_("settlement-office")
    form = browser.get("/registre/ny/series")
    assert '<option value="Rygg">Rygg</option>' in form.text
    answer = browser.post(
        "/registre/ny/series",
        data={"ref": "S7", "patient_ref": "P2", "start_date": "2026-02-01", "mal": "Rygg",
              "title": "Egen tittel"},
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    made = _series(world, "S7")
    assert (made.fbv_tariff, made.diagnosis_code, made.title) == ("FBV01", "M545", "Egen tittel")
    missing = browser.post("/registre/ny/series", data={"ref": "S8", "patient_ref": "P2",
                           "mal": "Finnes ikke"})  # fmt: skip
    assert missing.status_code == 404
    assert "S8" not in [s.ref for s in records.list_records(world.db, "series")]


def test_a_read_only_role_sees_the_practice_without_a_form(world: Site) -> None:
    page = world.as_("read-only").get("/registre/praksis")
    assert page.status_code == 200 and "<h1>Praksis</h1>" in page.text
    assert "Lagre praksisen" not in page.text and "<dt>Org.nr</dt>" in page.text


def test_a_template_has_its_history_and_can_be_deleted(world: Site) -> None:
    browser = world.as_("settlement-office")
    assert (
        browser.post("/registre/templates", data={"navn": "Kort", "serie": "S1"}).status_code == 303
    )
    page = browser.get("/registre/templates")
    assert 'action="/registre/templates/Kort/slett"' in page.text and "hx-confirm" in page.text
    history = browser.get("/registre/templates/Kort/historikk")
    assert history.status_code == 200 and "<h1>Historikk for seriemal Kort</h1>" in history.text
    assert world.as_("read-only").post("/registre/templates/Kort/slett").status_code == 403
    answer = browser.post("/registre/templates/Kort/slett")
    assert answer.status_code == 303
    assert "Kort" not in [t.name for t in actions.list_templates(world.db)]
    assert browser.post("/registre/templates/Kort/slett").status_code == 404


def test_working_hours_are_added_and_removed_on_the_practitioners_page(world: Site) -> None:
    from oppgjor.app.clinic import schedule

    browser = world.as_("settlement-office")
    form = {"ukedag": "1", "fra": "08:00", "til": "15:30", "gyldig_fra": "2026-03-02"}
    answer = browser.post("/registre/practitioners/B1/arbeidstid", data=form)
    assert answer.status_code == 303, answer.text
    (made,) = schedule.hours(world.db, "B1")
    assert (made.weekday, made.end.isoformat()) == (1, "15:30:00")
    page = browser.get("/registre/practitioners/B1")
    assert "tirsdag" in page.text and "15:30" in page.text
    wrong = browser.post("/registre/practitioners/B1/arbeidstid", data={**form, "til": "07:00"})
    assert wrong.status_code == 422 and len(schedule.hours(world.db, "B1")) == 1
    bad = browser.post("/registre/practitioners/B1/arbeidstid", data={**form, "ukedag": "9"})
    assert bad.status_code == 422 and "«ukedag»" in bad.text
    assert world.as_("read-only").post(
        f"/registre/practitioners/B1/arbeidstid/{made.id}/slett", data={"versjon": "1"}
    ).status_code == 403  # fmt: skip
    stale = browser.post(f"/registre/practitioners/B1/arbeidstid/{made.id}/slett",
                         data={"versjon": "7"})  # fmt: skip
    assert stale.status_code == 412 and "er endret av noen andre" in stale.text
    assert len(schedule.hours(world.db, "B1")) == 1
    gone = browser.post(f"/registre/practitioners/B1/arbeidstid/{made.id}/slett",
                        data={"versjon": str(made.version)})  # fmt: skip
    assert gone.status_code == 303 and schedule.hours(world.db, "B1") == []


def test_a_tariff_period_is_added_or_refused(world: Site) -> None:
    browser = world.as_("settlement-office")
    form = browser.get("/registre/ny/tariffs")
    assert form.status_code == 200 and "<h1>Ny takst</h1>" in form.text
    period = {"code": "NY3", "specialty": "LE", "text": "Ny", "fee": "100", "refund": "60",
              "copayment": "40", "valid_from": "2026-04-01"}  # fmt: skip
    check = browser.post(
        "/registre/ny/tariffs/sjekk", data={**period, "fee": "mye"}, headers=htmx()
    )
    assert 'aria-describedby="f-fee-feil"' in check.text
    answer = browser.post("/registre/ny/tariffs", data=period)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/registre/tariffs?q=NY3"
    assert [t.code for t in actions.tariff_periods(world.db, code="NY3")] == ["NY3"]


def test_working_hours_with_a_date_that_cannot_be_read_are_refused(world: Site) -> None:
    """A «gyldig til» like 31.12.2026 is a Norwegian 422, not a 500, and nothing is added."""
    office = world.as_("settlement-office")
    before = office.get("/registre/practitioners/B1").text.count("<tr")
    answer = office.post("/registre/practitioners/B1/arbeidstid", data={
        "ukedag": "0", "fra": "08:00", "til": "15:00", "gyldig_fra": "2026-01-01",
        "gyldig_til": "31.12.2026"})  # fmt: skip
    assert answer.status_code == 422
    assert "er ikke en dato" in answer.text
    assert office.get("/registre/practitioners/B1").text.count("<tr") == before


def test_save_and_go_back_returns_to_the_settlement(world: Site) -> None:
    """«Lagre og gå tilbake»: saved, and back where the finding's link came from."""
    browser = world.as_("settlement-office")
    assert "Lagre og gå tilbake" in browser.get("/registre/series/S1?tilbake=/oppgjor/12").text
    assert "Lagre og gå tilbake" not in browser.get("/registre/series/S1").text
    row = shown(world.db, "series", "S1").row
    answer = browser.post("/registre/series/S1", data={
        **row, "title": "Tilbake igjen", "versjon": _tag(world, "series", "S1"),
        "tilbake": "/oppgjor/12", "og": "tilbake"})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/oppgjor/12"
    assert _series(world).title == "Tilbake igjen"
    evil = browser.post("/registre/series/S1", data={
        **row, "title": "Og igjen", "versjon": _tag(world, "series", "S1"),
        "tilbake": "//evil.example", "og": "tilbake"})  # fmt: skip
    assert evil.headers["location"] == "/registre/series/S1"
