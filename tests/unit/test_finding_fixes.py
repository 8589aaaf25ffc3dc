"""A finding names its record once and the command that fixes it (issue 12 §1, §4)."""

from oppgjor.core.findings import FindingCode, Location, Severity

CODE = FindingCode("X", Severity.BLOCKING, "x")


def test_a_record_seen_from_itself_is_named_once():
    finding = CODE("Velg avdeling.", Location("serie", "S005", "department_ref"))
    assert finding.at("serie[S005]").location == "serie[S005].department_ref"
    assert finding.at("rad 3").at("serie[S005]").location == "rad 3.serie[S005].department_ref"
    assert finding.at("regning[7]").location == "regning[7].serie[S005].department_ref"
    assert finding.at("serie[S006]").location == "serie[S006].serie[S005].department_ref"


def test_the_fix_is_the_update_of_the_field_the_location_names():
    inner = CODE("Velg avdeling.", Location("serie", "S005", "department_ref"))
    linked = inner.linked("serie/S005").at("regning[7]")
    assert linked.fix == "oppgjor series update S005 --department-ref <ref>"
    assert linked.as_dict()["fix"] == linked.fix
    date = CODE("x", Location("serie", "S1", "rights_assessment_date")).linked("serie/S1")
    assert date.fix == "oppgjor series update S1 --rights-assessment-date <dato>"
    assert CODE("x", Location("pasient", "P1", "id_value")).fix == ""  # not linked
    other = CODE("x", Location("regning", "7", "serie[S2].x")).linked("serie/S1")
    assert other.fix == "oppgjor series update S1"  # the field is another record's
