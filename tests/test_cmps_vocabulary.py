"""What consent buttons mean, from their labels, in the banner's eight languages."""

from __future__ import annotations

import pytest

from scanner.cmps import handlers
from scanner.cmps.vocabulary import Meaning, meaning

ACCEPT, REJECT, SETTINGS, SAVE = Meaning.ACCEPT, Meaning.REJECT, Meaning.SETTINGS, Meaning.SAVE


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # "only necessary" refuses, even when the label also says accept or allow
        ("Accept only necessary cookies", REJECT),
        ("Use necessary cookies only", REJECT),
        ("Only essential", REJECT),
        ("Allow technically required cookies", REJECT),
        ("Nur notwendige Cookies akzeptieren", REJECT),
        ("Uniquement les cookies nécessaires", REJECT),
        ("Solo cookies necesarias", REJECT),
        ("Solo necessari", REJECT),
        ("Alleen noodzakelijke cookies", REJECT),
        ("Apenas os necessários", REJECT),
        ("Tylko niezbędne", REJECT),
        ("Continue without accepting", REJECT),
        ("Continuer sans accepter", REJECT),
        # refusals
        ("Reject all", REJECT),
        ("I decline", REJECT),
        ("Decline", REJECT),
        ("Ablehnen", REJECT),
        ("Ich lehne ab", REJECT),
        ("Tout refuser", REJECT),
        ("Rechazar todo", REJECT),
        ("Rifiuta tutti", REJECT),
        ("Weigeren", REJECT),
        ("Alles weigeren", REJECT),
        ("Rejeitar", REJECT),
        ("Odrzuć wszystkie", REJECT),
        ("Do not accept", REJECT),
        ("Nicht akzeptieren", REJECT),
        # acceptances
        ("Accept all", ACCEPT),
        ("Agree and continue", ACCEPT),
        ("Allow cookies", ACCEPT),
        ("That's ok", ACCEPT),
        ("That’s OK!", ACCEPT),
        ("Got it", ACCEPT),
        ("OK", ACCEPT),
        ("Das ist ok", ACCEPT),
        ("Alle akzeptieren", ACCEPT),
        ("Tout accepter", ACCEPT),
        ("Aceptar", ACCEPT),
        ("Accetta tutti", ACCEPT),
        ("Alles accepteren", ACCEPT),
        ("Aceitar todos", ACCEPT),
        ("Zgadzam się", ACCEPT),
        # the second layer
        ("Manage preferences", SETTINGS),
        ("Let me choose", SETTINGS),
        ("Lassen Sie mich wählen", SETTINGS),
        ("Paramétrer", SETTINGS),
        ("Voorkeuren", SETTINGS),
        ("Save preferences", SAVE),
        ("Accept selection", SAVE),
        ("Auswahl bestätigen", SAVE),
        ("Enregistrer", SAVE),
        ("Salva le preferenze", SAVE),
    ],
)
def test_meaning(label: str, expected: Meaning) -> None:
    found = meaning(label)
    assert found is not None and found[0] is expected, (label, found)


def test_clear_labels_rank_above_vague_ones() -> None:
    assert meaning("Reject all")[1] > meaning("Decline")[1]  # type: ignore[index]
    assert meaning("Accept all")[1] > meaning("OK")[1]  # type: ignore[index]


@pytest.mark.parametrize("label", ["Privacy policy", "Learn more", "Close", "Fermer", "", "x" * 80])
def test_labels_without_a_consent_meaning(label: str) -> None:
    assert meaning(label) is None


def test_handlers_are_assembled_by_priority() -> None:
    assert [h.name for h in handlers()] == ["autoconsent", "cookiegov", "generic"]
    assert [h.name for h in handlers(disabled=("autoconsent",))] == ["cookiegov", "generic"]
