## Common
app-name = Centralita
sign-in = Přihlásit
sign-out = Odhlásit
username = Uživatelské jméno
password = Heslo
sign-in-failed = Uživatelské jméno nebo heslo není správné.
save = Uložit
cancel = Zrušit
delete = Smazat
edit = Upravit
add = Přidat
search = Hledat
language = Jazyk
time-zone = Časové pásmo
yes = Ano
no = Ne
not-allowed = K této akci nemáte oprávnění.
not-found = Nenalezeno.
saved = Uloženo.
field-error = { $field }: { $message }

## Agent states
state-offline = Odhlášen
state-available = K dispozici
state-reserved = Vyzvání
state-busy = Obsazen
state-wrap-up = Dokončování
state-not-ready = Nepřipraven
reason-break = Přestávka
reason-lunch = Oběd
reason-training = Školení
reason-meeting = Porada
reason-missed = Zmeškaná nabídka
time-in-state = { $duration } v tomto stavu

## Agent desktop
desktop-title = Pracoviště operátora
go-available = Být k dispozici
go-not-ready = Nepřipraven
offer-incoming = Příchozí: { $channel }
offer-countdown = { $seconds ->
    [one] Na přijetí zbývá { $seconds } sekunda
    [few] Na přijetí zbývají { $seconds } sekundy
   *[other] Na přijetí zbývá { $seconds } sekund
}
accept = Přijmout
reject = Odmítnout
customer = Zákazník
customer-unknown = Neznámý zákazník
value-tier = Hodnota
consent = Souhlas
do-not-call = Nevolat
last-contacts = Poslední kontakty
open-cases = Otevřené případy
ivr-collected = Co zákazník zadal v IVR
no-history = Žádné dřívější kontakty.
conversation = Konverzace
type-message = Napište zprávu
send = Odeslat
notes = Poznámky
script = Scénář
profiling-question = Profilová otázka
disposition = Výsledek hovoru
choose-disposition = Zvolte výsledek
wrap-up-left = { $seconds ->
    [one] Na dokončení zbývá { $seconds } sekunda
    [few] Na dokončení zbývají { $seconds } sekundy
   *[other] Na dokončení zbývá { $seconds } sekund
}
schedule-callback = Naplánovat zpětné volání
callback-local-time = Místní čas zákazníka: { $time }
transfer = Přepojit
transfer-to-queue = Do fronty
transfer-to-agent = Na operátora
complete = Dokončit
contacts-today = { $count ->
    [one] { $count } kontakt dnes
    [few] { $count } kontakty dnes
   *[other] { $count } kontaktů dnes
}

## Channels
channel-voice = hovor
channel-chat = chat
channel-email = e-mail
channel-sms = SMS
channel-web_form = webový formulář
channel-fax = fax
channel-callback = zpětné volání
channel-task = úkol
channel-outbound_voice = odchozí hovor

## Wallboard
wallboard-title = Přehled provozu
full-screen = Celá obrazovka
queue = Fronta
waiting-now = Čeká nyní
longest-wait = Nejdelší čekání
service-level-today = Úroveň služeb dnes
service-level-30min = Úroveň služeb, posledních 30 min
target = Cíl
asa = Průměrná doba přijetí
abandoned = Opuštěné
agents-by-state = Operátoři podle stavu
agents = Operátoři
current-interaction = Aktuální kontakt
force-not-ready = Vynutit nepřipraven
force-sign-out = Odhlásit
reassign = Přeřadit
alert-service-level = { $queue }: úroveň služeb { $value } je pod cílem { $target }.
waiting-count = { $count ->
    [one] { $count } čeká
    [few] { $count } čekají
   *[other] { $count } čeká
}
agents-count = { $count ->
    [one] { $count } operátor
    [few] { $count } operátoři
   *[other] { $count } operátorů
}

## Administration
admin-title = Správa
users = Uživatelé
roles = Role
role-admin = Správce
role-supervisor = Supervizor
role-agent = Operátor
role-analyst = Analytik
role-client = Klient
skills = Dovednosti
proficiency = Úroveň
teams = Týmy
queues = Fronty
business-hours = Provozní doba
holidays = Svátky
disposition-codes = Výsledky hovorů
reason-codes = Důvody nepřipravenosti
scripts = Scénáře
tenants = Klienti služby
routing-plans = Směrovací plány
routing-plan-raw = Plán v TOML nebo JSON
validate = Ověřit
plan-valid = Plán je platný.
rules = Pravidla
timed-steps = Časované kroky

## Chat page (customers)
chat-title = Napište nám
chat-welcome = Napište svůj dotaz a operátor vám brzy odpoví.
chat-waiting = Operátor se vám bude brzy věnovat.
chat-agent-joined = { $agent } se připojil ke konverzaci.
chat-ended = Konverzace skončila. Děkujeme.
