"""What a consent button means, from its label, in the banner's eight languages and more.

Meaning, not exact labels: "Accept only necessary cookies" refuses although it says
"accept"; "Agree and continue", "That's ok" and "Allow cookies" accept; "I decline",
"Ablehnen", "Weigeren" refuse. Labels are lower-cased, accents kept, punctuation dropped,
and matched as whole words or phrases. Languages: en, de, fr, es, it, nl, pt, pl (the
banner's, see ``banner/texts.py``).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Meaning(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    SETTINGS = "settings"
    SAVE = "save"


# Refusals that may contain an "accept" word: only the necessary / essential / required ones.
NECESSARY_ONLY = [
    r"(only|just) (the )?(strictly )?(necessary|essential|required|functional|technical)",
    r"(necessary|essential|required|functional) (cookies )?only",
    r"technically (necessary|required)",
    r"accept (the )?(necessary|essential|required)( cookies)?$",
    r"(continue|proceed) without (accepting|agreeing|consent)",
    r"nur (die )?(technisch )?(notwendigen?|essenziellen?|essentiellen?"
    r"|erforderlichen?|funktionalen?)",
    r"(notwendige|essenzielle|erforderliche) cookies (akzeptieren|zulassen|erlauben)$",
    r"(weiter|fortfahren) ohne (zustimmung|einwilligung|akzeptieren)",
    r"(uniquement|seulement) (les )?(cookies )?(strictement )?(nécessaires|essentiels"
    r"|obligatoires|techniques)",
    r"(continuer|poursuivre) sans (accepter|consentir)",
    r"(accepter|autoriser) (les )?(cookies )?(nécessaires|essentiels|obligatoires)$",
    r"(solo|sólo|únicamente) (las |los )?(cookies )?(necesarias|esenciales|técnicas"
    r"|imprescindibles)",
    r"(continuar|seguir) sin aceptar",
    r"(solo|soltanto) (i )?(cookie )?(necessari|essenziali|tecnici)",
    r"(continua|prosegui) senza accettare",
    r"(alleen|enkel|uitsluitend) (de )?(noodzakelijke|essentiële|functionele|strikt noodzakelijke)",
    r"(doorgaan|verder) zonder (te )?accepteren",
    r"(apenas|somente|só) (os )?(cookies )?(necessários|essenciais|estritamente necessários)",
    r"continuar sem aceitar",
    r"(tylko|wyłącznie) (niezbędne|wymagane|konieczne|podstawowe)",
    r"kontynuuj bez akceptacji",
]
NEGATED_ACCEPT = [
    r"(do not|don't|dont|not) (accept|agree|allow|consent)",
    r"nicht (akzeptieren|zustimmen|einverstanden|erlauben|zulassen)",
    r"ne pas (accepter|autoriser|consentir)|je n'accepte pas",
    r"no (aceptar|acepto|permitir|consentir)",
    r"non (accettare|accetto|consentire|acconsento)",
    r"niet (accepteren|akkoord|toestaan)",
    r"não (aceitar|aceito|permitir|concordo)",
    r"nie (akceptuj|akceptuję|zgadzam|zezwalaj)",
]
REJECT = [
    r"reject|decline|deny|refuse|disagree|disallow|opt out|opt-out|no,? thanks|^no$",
    r"ablehnen|ablehne|lehne (alle |alles )?ab|verweigern|widersprechen|nicht einverstanden|^nein",
    r"refuser|je refuse|tout refuser|interdire|décliner|non merci|^non$",
    r"rechazar|rechazo|denegar|declinar|no,? gracias",
    r"rifiuta|rifiutare|rifiuto|nega|negare|no,? grazie",
    r"weigeren|weiger|afwijzen|wijs af|niet akkoord|nee,? bedankt",
    r"rejeitar|recusar|rejeito|recuso|não,? obrigado",
    r"odrzuć|odrzucam|odmawiam|odmów|nie zgadzam",
]
SAVE = [
    r"save|confirm (my )?(choices|selection|preferences)|accept (the )?select(ed|ion)"
    r"|allow selection",
    r"speichern|auswahl (bestätigen|erlauben|akzeptieren|zulassen)|bestätigen",
    r"enregistrer|valider|confirmer (mes|la|les) (choix|sélection)|accepter (la )?sélection",
    r"guardar|confirmar (mis )?(preferencias|selección|elección)|aceptar (la )?selección",
    r"salva|conferma (le )?(scelte|selezione|preferenze)|accetta (la )?selezione",
    r"opslaan|keuze bevestigen|selectie (accepteren|toestaan|bevestigen)|bewaren",
    r"guardar|gravar|confirmar (as )?(escolhas|seleção|preferências)|aceitar (a )?seleção",
    r"zapisz|potwierdź (wybór|wybrane)|zaakceptuj wybrane|zezwól na wybór",
]
SETTINGS = [
    r"settings|preferences|customi[sz]e|manage|options|let me choose|more choices"
    r"|configure|details",
    r"einstellungen|anpassen|verwalten|optionen|lassen sie mich wählen|individuell"
    r"|mehr erfahren über",
    r"paramétrer|paramètres|personnaliser|préférences|gérer|choisir|options",
    r"configurar|configuración|personalizar|preferencias|gestionar|opciones",
    r"impostazioni|personalizza|preferenze|gestisci|opzioni|configura",
    r"instellingen|voorkeuren|aanpassen|beheren|opties|zelf kiezen",
    r"definições|configurações|preferências|personalizar|gerir|gerenciar|opções",
    r"ustawienia|dostosuj|preferencje|zarządzaj|opcje",
]
ACCEPT = [
    r"accept|agree|allow|^(i )?consent$|(that's|thats|it's|its) (ok|okay|fine)|^ok$|^okay$|got it"
    r"|i understand|sounds good|^yes|^continue$|agree and (continue|close)|enable all",
    r"akzeptier|zustimm|einverstanden|erlauben|zulassen|^verstanden$|das ist (ok|okay|in ordnung)"
    r"|alles klar|einwilligen|annehmen|^ja",
    r"accepte|j'accepte|autoriser|d'accord|^ok pour moi$|c'est (ok|compris)|^compris$"
    r"|consentir|^oui",
    r"acept|permitir|de acuerdo|entendido|consiento|^sí|^si$|estoy de acuerdo",
    r"accett|consenti|acconsento|va bene|^ho capito$|^capito$|permetti|^sì",
    r"accepteer|accepteren|akkoord|toestaan|^prima$|^begrepen$|sta toe|^ja",
    r"aceit|concordo|permitir|^entendi$|^sim|^está bem$",
    r"akceptuj|zaakceptuj|zgadzam się|zgoda|zezwól|^rozumiem$|^tak|^ok, rozumiem$",
]
_STRONG = re.compile(
    r"\b(all|alle|alles|tout|tous|toutes|todo|todas|todos|tutto|tutti|tutte|wszystkie)\b"
)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_NECESSARY = _compile(NECESSARY_ONLY)
_NEGATED = _compile(NEGATED_ACCEPT)
_REJECT = _compile(REJECT)
_SAVE = _compile(SAVE)
_SETTINGS = _compile(SETTINGS)
_ACCEPT = _compile(ACCEPT)
MAX_LABEL = 60


def normalize(label: str) -> str:
    text = re.sub(r"\s+", " ", label or "").strip().lower().replace("’", "'")
    return re.sub(r"[.!…:;»«\"“”()✓✔×]+", "", text).strip()


def meaning(label: str) -> tuple[Meaning, int] | None:
    """What clicking a button labelled ``label`` means, and how strongly (higher is clearer):
    ``("reject", 3)`` for "Reject all", ``("accept", 1)`` for "OK"."""
    text = normalize(label)
    if not text or len(text) > MAX_LABEL:
        return None
    strong = 1 if _STRONG.search(text) else 0
    if _NECESSARY.search(text) or _NEGATED.search(text):
        return Meaning.REJECT, 2
    if _REJECT.search(text):
        return Meaning.REJECT, 2 + strong
    if _SAVE.search(text):
        return Meaning.SAVE, 1
    if _SETTINGS.search(text):
        return Meaning.SETTINGS, 1
    if _ACCEPT.search(text):
        return Meaning.ACCEPT, 2 + strong
    return None
