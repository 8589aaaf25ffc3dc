"""Whether an enterprise certificate may sign for this practice: it must carry the practice's
organisation number, and a TEST certificate signs only in a test installation. Checked when the
certificate is configured and again each time a message is signed."""

from __future__ import annotations

from oppgjor.app import installation
from oppgjor.app.errors import UseCaseError
from oppgjor.helfo.adapters import signing
from oppgjor.store import Database


class CertificateRefused(UseCaseError):
    """The certificate must not sign for this practice (nothing was written)."""


def refusal(cert: signing.Certificate, practice_org_nr: str | None, test: bool) -> str | None:
    """Why *cert* must not sign for the practice, or ``None``."""
    found = signing.org_nr_of(cert)
    if practice_org_nr and found != practice_org_nr:
        return (
            f"Virksomhetssertifikatet tilhører org.nr {found or '(ukjent)'}, men praksisen har "
            f"org.nr {practice_org_nr}; Helfo godtar bare meldinger signert med praksisens eget "
            "sertifikat. Bruk praksisens virksomhetssertifikat, eller rett org.nr (oppgjor "
            "practice set --org-nr)."
        )
    if not test and signing.is_test_certificate(cert):
        return (
            f"Virksomhetssertifikatet er et TEST-sertifikat (utstedt av "
            f"«{signing.issuer_name(cert)}»), og installasjonen er i produksjon. Bruk "
            "praksisens ekte virksomhetssertifikat, eller merk installasjonen som test "
            "(oppgjor config --test-installation)."
        )
    return None


def check(db: Database, cert: signing.Certificate) -> None:
    """Refuse *cert* (:class:`CertificateRefused`) if it must not sign for the practice."""
    with db.transaction() as repos:
        practice = repos.get_practice()
        test = repos.get_setting(installation.TEST_INSTALLATION) == "true"
    problem = refusal(cert, practice.org_nr if practice else None, test)
    if problem:
        raise CertificateRefused(problem)
