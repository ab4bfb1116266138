"""Built-in banner texts. Sites override any key per language in their configuration."""

from __future__ import annotations

KEYS = (
    "title",
    "body",
    "accept",
    "reject",
    "prefs",
    "save",
    "policy",
    "close",
    "always_on",
    "gpc",
    "settings",
    "necessary",
    "functional",
    "analytics",
    "advertising",
    "necessary_desc",
    "functional_desc",
    "analytics_desc",
    "advertising_desc",
    "cookies",
    "blocked",
    "allow",
    "session",
    "days",
    "months",
    "ok",
    "dns",
    "optout",
)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "ok": "OK",
        "dns": "Do not sell or share my personal information",
        "optout": (
            "We and our partners use cookies to measure visits and show relevant ads. You can"
            " opt out of the sale or sharing of your personal information at any time."
        ),
        "blocked": "This content is blocked until you allow it",
        "allow": "Allow",
        "session": "session",
        "days": "days",
        "months": "months",
        "title": "Your privacy choices",
        "body": "We use cookies that are necessary for this site to work. With your consent we "
        "also use cookies to remember your preferences, measure visits and show relevant ads.",
        "accept": "Accept all",
        "reject": "Reject all",
        "prefs": "Preferences",
        "save": "Save choices",
        "policy": "Privacy policy",
        "close": "Close",
        "always_on": "Always on",
        "gpc": "Your browser's Global Privacy Control signal was honoured: advertising is off.",
        "settings": "Cookie settings",
        "necessary": "Necessary",
        "functional": "Preferences",
        "analytics": "Analytics",
        "advertising": "Advertising",
        "necessary_desc": "Sessions, security and your consent choice.",
        "functional_desc": "Remember your settings such as language or region.",
        "analytics_desc": "Count visits and see which pages are used, in aggregate.",
        "advertising_desc": "Let partners show and measure ads on other sites.",
        "cookies": "Cookies",
    },
    "fr": {
        "ok": "OK",
        "dns": "Ne pas vendre ni partager mes informations personnelles",
        "optout": (
            "Nos partenaires et nous utilisons des cookies pour mesurer l’audience et "
            "afficher des publicités pertinentes. Vous pouvez refuser à tout moment la vente "
            "ou le partage de vos informations personnelles."
        ),
        "blocked": "Ce contenu est bloqué tant que vous ne l’autorisez pas",
        "allow": "Autoriser",
        "session": "session",
        "days": "jours",
        "months": "mois",
        "title": "Vos choix de confidentialité",
        "body": "Nous utilisons des cookies nécessaires au fonctionnement du site. Avec votre "
        "accord, nous utilisons aussi des cookies pour mémoriser vos préférences, mesurer "
        "l'audience et afficher des publicités pertinentes.",
        "accept": "Tout accepter",
        "reject": "Tout refuser",
        "prefs": "Personnaliser",
        "save": "Enregistrer",
        "policy": "Politique de confidentialité",
        "close": "Fermer",
        "always_on": "Toujours actifs",
        "gpc": "Le signal Global Privacy Control de votre navigateur a été respecté : "
        "la publicité est désactivée.",
        "settings": "Paramètres des cookies",
        "necessary": "Nécessaires",
        "functional": "Préférences",
        "analytics": "Mesure d'audience",
        "advertising": "Publicité",
        "necessary_desc": "Session, sécurité et mémorisation de votre choix.",
        "functional_desc": "Mémoriser vos réglages comme la langue ou la région.",
        "analytics_desc": "Compter les visites et les pages consultées, de façon agrégée.",
        "advertising_desc": "Permettre à des partenaires d'afficher et mesurer des publicités.",
        "cookies": "Cookies",
    },
    "de": {
        "ok": "OK",
        "dns": "Meine personenbezogenen Daten nicht verkaufen oder weitergeben",
        "optout": (
            "Wir und unsere Partner verwenden Cookies, um Besuche zu messen und passende "
            "Werbung zu zeigen. Dem Verkauf oder der Weitergabe Ihrer personenbezogenen Daten"
            " können Sie jederzeit widersprechen."
        ),
        "blocked": "Dieser Inhalt ist blockiert, bis Sie ihn erlauben",
        "allow": "Erlauben",
        "session": "Sitzung",
        "days": "Tage",
        "months": "Monate",
        "title": "Ihre Datenschutz-Einstellungen",
        "body": "Wir verwenden Cookies, die für den Betrieb der Website nötig sind. Mit Ihrer "
        "Einwilligung nutzen wir auch Cookies, um Einstellungen zu speichern, Besuche zu messen "
        "und passende Werbung zu zeigen.",
        "accept": "Alle akzeptieren",
        "reject": "Alle ablehnen",
        "prefs": "Einstellungen",
        "save": "Auswahl speichern",
        "policy": "Datenschutzerklärung",
        "close": "Schließen",
        "always_on": "Immer aktiv",
        "gpc": "Das Global-Privacy-Control-Signal Ihres Browsers wurde beachtet: Werbung ist aus.",
        "settings": "Cookie-Einstellungen",
        "necessary": "Notwendig",
        "functional": "Präferenzen",
        "analytics": "Statistik",
        "advertising": "Werbung",
        "necessary_desc": "Sitzung, Sicherheit und Ihre Einwilligung.",
        "functional_desc": "Einstellungen wie Sprache oder Region speichern.",
        "analytics_desc": "Besuche und genutzte Seiten zusammengefasst zählen.",
        "advertising_desc": "Partnern erlauben, Werbung auf anderen Websites zu zeigen.",
        "cookies": "Cookies",
    },
    "es": {
        "ok": "Aceptar",
        "dns": "No vender ni compartir mi información personal",
        "optout": (
            "Nosotros y nuestros socios usamos cookies para medir visitas y mostrar anuncios "
            "relevantes. Puede excluirse de la venta o el intercambio de su información "
            "personal en cualquier momento."
        ),
        "blocked": "Este contenido está bloqueado hasta que lo permita",
        "allow": "Permitir",
        "session": "sesión",
        "days": "días",
        "months": "meses",
        "title": "Sus opciones de privacidad",
        "body": "Usamos cookies necesarias para que el sitio funcione. Con su consentimiento "
        "también usamos cookies para recordar sus preferencias, medir visitas y mostrar "
        "anuncios relevantes.",
        "accept": "Aceptar todo",
        "reject": "Rechazar todo",
        "prefs": "Preferencias",
        "save": "Guardar",
        "policy": "Política de privacidad",
        "close": "Cerrar",
        "always_on": "Siempre activas",
        "gpc": "Se respetó la señal Global Privacy Control de su navegador: "
        "la publicidad está desactivada.",
        "settings": "Configuración de cookies",
        "necessary": "Necesarias",
        "functional": "Preferencias",
        "analytics": "Analíticas",
        "advertising": "Publicidad",
        "necessary_desc": "Sesión, seguridad y su elección de consentimiento.",
        "functional_desc": "Recordar ajustes como el idioma o la región.",
        "analytics_desc": "Contar visitas y páginas vistas de forma agregada.",
        "advertising_desc": "Permitir a socios mostrar y medir anuncios en otros sitios.",
        "cookies": "Cookies",
    },
    "it": {
        "blocked": "Questo contenuto è bloccato finché non lo consenti",
        "allow": "Consenti",
        "session": "sessione",
        "days": "giorni",
        "months": "mesi",
        "title": "Le tue scelte sulla privacy",
        "body": "Usiamo cookie necessari al funzionamento del sito. Con il tuo consenso usiamo "
        "anche cookie per ricordare le preferenze, misurare le visite e mostrare annunci "
        "pertinenti.",
        "accept": "Accetta tutto",
        "reject": "Rifiuta tutto",
        "prefs": "Preferenze",
        "save": "Salva",
        "policy": "Informativa privacy",
        "close": "Chiudi",
        "always_on": "Sempre attivi",
        "gpc": "Il segnale Global Privacy Control del browser è stato rispettato: "
        "la pubblicità è disattivata.",
        "settings": "Impostazioni cookie",
        "necessary": "Necessari",
        "functional": "Preferenze",
        "analytics": "Statistici",
        "advertising": "Pubblicità",
        "necessary_desc": "Sessione, sicurezza e la tua scelta sul consenso.",
        "functional_desc": "Ricordare impostazioni come lingua o regione.",
        "analytics_desc": "Contare visite e pagine viste in forma aggregata.",
        "advertising_desc": "Consentire ai partner di mostrare e misurare annunci.",
        "cookies": "Cookie",
    },
    "nl": {
        "blocked": "Deze inhoud is geblokkeerd tot u die toestaat",
        "allow": "Toestaan",
        "session": "sessie",
        "days": "dagen",
        "months": "maanden",
        "title": "Uw privacykeuzes",
        "body": "We gebruiken cookies die nodig zijn om de site te laten werken. Met uw "
        "toestemming gebruiken we ook cookies om voorkeuren te onthouden, bezoeken te meten en "
        "relevante advertenties te tonen.",
        "accept": "Alles accepteren",
        "reject": "Alles weigeren",
        "prefs": "Voorkeuren",
        "save": "Opslaan",
        "policy": "Privacybeleid",
        "close": "Sluiten",
        "always_on": "Altijd aan",
        "gpc": "Het Global Privacy Control-signaal van uw browser is gerespecteerd: "
        "advertenties staan uit.",
        "settings": "Cookie-instellingen",
        "necessary": "Noodzakelijk",
        "functional": "Voorkeuren",
        "analytics": "Statistieken",
        "advertising": "Advertenties",
        "necessary_desc": "Sessie, beveiliging en uw toestemmingskeuze.",
        "functional_desc": "Instellingen zoals taal of regio onthouden.",
        "analytics_desc": "Bezoeken en bekeken pagina's geaggregeerd tellen.",
        "advertising_desc": "Partners advertenties laten tonen en meten op andere sites.",
        "cookies": "Cookies",
    },
    "pt": {
        "blocked": "Este conteúdo está bloqueado até o permitir",
        "allow": "Permitir",
        "session": "sessão",
        "days": "dias",
        "months": "meses",
        "title": "As suas escolhas de privacidade",
        "body": "Usamos cookies necessários ao funcionamento do site. Com o seu consentimento "
        "usamos também cookies para lembrar preferências, medir visitas e mostrar anúncios "
        "relevantes.",
        "accept": "Aceitar tudo",
        "reject": "Rejeitar tudo",
        "prefs": "Preferências",
        "save": "Guardar",
        "policy": "Política de privacidade",
        "close": "Fechar",
        "always_on": "Sempre ativos",
        "gpc": "O sinal Global Privacy Control do seu navegador foi respeitado: "
        "a publicidade está desligada.",
        "settings": "Definições de cookies",
        "necessary": "Necessários",
        "functional": "Preferências",
        "analytics": "Estatísticos",
        "advertising": "Publicidade",
        "necessary_desc": "Sessão, segurança e a sua escolha de consentimento.",
        "functional_desc": "Lembrar definições como idioma ou região.",
        "analytics_desc": "Contar visitas e páginas vistas de forma agregada.",
        "advertising_desc": "Permitir que parceiros mostrem e meçam anúncios.",
        "cookies": "Cookies",
    },
    "pl": {
        "blocked": "Ta treść jest zablokowana, dopóki na nią nie zezwolisz",
        "allow": "Zezwól",
        "session": "sesja",
        "days": "dni",
        "months": "miesięcy",
        "title": "Twoje wybory dotyczące prywatności",
        "body": "Używamy plików cookie niezbędnych do działania strony. Za Twoją zgodą używamy "
        "też plików cookie, by zapamiętać ustawienia, mierzyć odwiedziny i pokazywać trafne "
        "reklamy.",
        "accept": "Akceptuj wszystkie",
        "reject": "Odrzuć wszystkie",
        "prefs": "Ustawienia",
        "save": "Zapisz wybór",
        "policy": "Polityka prywatności",
        "close": "Zamknij",
        "always_on": "Zawsze aktywne",
        "gpc": "Uszanowano sygnał Global Privacy Control Twojej przeglądarki: "
        "reklamy są wyłączone.",
        "settings": "Ustawienia cookie",
        "necessary": "Niezbędne",
        "functional": "Preferencje",
        "analytics": "Analityczne",
        "advertising": "Reklamowe",
        "necessary_desc": "Sesja, bezpieczeństwo i Twój wybór zgody.",
        "functional_desc": "Zapamiętanie ustawień, np. języka lub regionu.",
        "analytics_desc": "Zliczanie odwiedzin i stron w formie zbiorczej.",
        "advertising_desc": "Pozwala partnerom pokazywać i mierzyć reklamy.",
        "cookies": "Pliki cookie",
    },
}


#: Units of a lifetime beyond "session", "days" and "months" (which every language above has),
#: for the count and unit the server sends with each cookie (``cookiegov.report.duration_parts``).
UNIT_TEXTS: dict[str, dict[str, str]] = {
    "en": {"seconds": "seconds", "minutes": "minutes", "hours": "hours", "years": "years"},
    "fr": {"seconds": "secondes", "minutes": "minutes", "hours": "heures", "years": "ans"},
    "de": {"seconds": "Sekunden", "minutes": "Minuten", "hours": "Stunden", "years": "Jahre"},
    "es": {"seconds": "segundos", "minutes": "minutos", "hours": "horas", "years": "años"},
    "it": {"seconds": "secondi", "minutes": "minuti", "hours": "ore", "years": "anni"},
    "nl": {"seconds": "seconden", "minutes": "minuten", "hours": "uur", "years": "jaar"},
    "pt": {"seconds": "segundos", "minutes": "minutos", "hours": "horas", "years": "anos"},
    "pl": {"seconds": "sekund", "minutes": "minut", "hours": "godz.", "years": "lat"},
}


#: Column headers of the live declaration (``data-cookiegov-declaration``).
DECLARATION_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "col_name": "Name",
        "col_provider": "Provider",
        "col_purpose": "Purpose",
        "col_lifetime": "Lifetime",
        "col_party": "Party",
    },
    "fr": {
        "col_name": "Nom",
        "col_provider": "Fournisseur",
        "col_purpose": "Finalité",
        "col_lifetime": "Durée",
        "col_party": "Origine",
    },
    "de": {
        "col_name": "Name",
        "col_provider": "Anbieter",
        "col_purpose": "Zweck",
        "col_lifetime": "Speicherdauer",
        "col_party": "Herkunft",
    },
    "es": {
        "col_name": "Nombre",
        "col_provider": "Proveedor",
        "col_purpose": "Finalidad",
        "col_lifetime": "Duración",
        "col_party": "Origen",
    },
    "it": {
        "col_name": "Nome",
        "col_provider": "Fornitore",
        "col_purpose": "Finalità",
        "col_lifetime": "Durata",
        "col_party": "Origine",
    },
    "nl": {
        "col_name": "Naam",
        "col_provider": "Aanbieder",
        "col_purpose": "Doel",
        "col_lifetime": "Bewaartermijn",
        "col_party": "Herkomst",
    },
    "pt": {
        "col_name": "Nome",
        "col_provider": "Fornecedor",
        "col_purpose": "Finalidade",
        "col_lifetime": "Duração",
        "col_party": "Origem",
    },
    "pl": {
        "col_name": "Nazwa",
        "col_provider": "Dostawca",
        "col_purpose": "Cel",
        "col_lifetime": "Okres",
        "col_party": "Pochodzenie",
    },
}


def texts_for(language: str, overrides: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Texts in ``language`` (falling back to English), with the site's overrides applied."""
    lang = (language or "en").split("-")[0].lower()
    base = dict(TEXTS["en"])
    base.update(UNIT_TEXTS["en"])
    base.update(DECLARATION_TEXTS["en"])
    base.update(TEXTS.get(lang, {}))
    base.update(UNIT_TEXTS.get(lang, {}))
    base.update(DECLARATION_TEXTS.get(lang, {}))
    if overrides:
        base.update({k: str(v) for k, v in overrides.get(lang, {}).items() if k in KEYS})
    return base
