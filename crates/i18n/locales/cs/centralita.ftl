## Common
app-name = Centralita
sign-in = Přihlásit
sign-out = Odhlásit
username = Uživatelské jméno
password = Heslo
sign-in-failed = Uživatelské jméno nebo heslo není správné.
sign-in-locked = Příliš mnoho neúspěšných přihlášení s tímto jménem odsud. Zkuste to znovu za { $count ->
    [one] minutu
    [few] { $count } minuty
   *[other] { $count } minut
}.
sign-in-busy = Právě se přihlašuje mnoho lidí. Zkuste to za chvíli znovu.
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
no-open-cases = Žádné další otevřené kontakty ani čekající zpětné volání.
callback-pending = Zpětné volání naplánováno na { $time }
interaction-created = Vytvořeno
interaction-waiting = Čeká
interaction-offered = Zvoní operátorovi
interaction-connected = U operátora
interaction-transferring = Přepojuje se
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
chat-your-name = Vaše jméno
chat-email = E-mail
chat-subject = Čeho se dotaz týká? (nepovinné)
chat-start = Zahájit chat
chat-conversation = Konverzace
chat-message = Zpráva
chat-message-placeholder = Napište zprávu
chat-you = Vy
chat-agent = Operátor
chat-connected = Ke konverzaci se připojil operátor.
chat-transferring = Předáváme vás jinému operátorovi…
chat-reconnecting = Spojení se přerušilo; připojujeme se znovu…
chat-failed = Něco se nepovedlo:
chat-new = Zahájit nový chat

## Web UI
actions = Akce
add-note = Přidat poznámku
add-user = Přidat uživatele
routing-plan-form = Pravidla a časované kroky
new-rule = Nové pravidlo
rule-name = Název pravidla
segment = Segment
priority-add = Přičíst k prioritě
add-skills = Přidat dovednosti (dovednost:úroveň, …)
remove = Odebrat
until-s = Do (sekundy ve frontě; u posledního kroku prázdné)
team = Tým
form-has-mistakes = Nic nebylo uloženo: viz zprávy u polí.
plan-form-hint = Seznamy se oddělují čárkami. Uložení prochází stejným validátorem jako dokument níže, který pak ukazuje, co bylo uloženo; co formulář neukazuje, zůstává zachováno.
form-required = Povinné.
form-whole-number = Celé číslo.
form-seconds = Počet sekund.
form-skill-level = napište dovednost:úroveň, například support:5.
form-queue-gone = tato fronta už v plánu není.
opening-hours = Otevírací doba (dny = HH:MM-HH:MM, jeden na řádek)
holiday-dates = Svátky (RRRR-MM-DD, …)
when-closed = Když je zavřeno
form-weekly = napište dny = HH:MM-HH:MM, například mon-fri = 08:00-20:00.
change-role = Změnit roli
new-password = Nové heslo
reset-password = Obnovit heslo
password-reset-done = Heslo změněno; relace uživatele skončily.
remove-user = Odebrat uživatele
remove-user-confirm = Odebrat tohoto uživatele? Jeho relace okamžitě skončí.
last-admin = Poslední správce nemůže o tuto roli přijít.
own-user = Vlastního uživatele zde nelze změnit ani odebrat.
user-exists = tento uživatel už existuje.
agent = Operátor
agent-user = Uživatel, který pracuje jako tento operátor (nepovinné)
answered = Přijaté
callback-when = Datum a čas v časovém pásmu zákazníka
caller-number = Volající číslo
change-state = Změnit můj stav
channel = Kanál
contacts-today-col = Kontakty dnes
define-agent = Přidat operátora nebo změnit jeho dovednosti
desktop-settings = Důvody, výsledky hovorů a scénáře
desktop-settings-hint = Důvody nepřipravenosti, kódy výsledků s jejich účinky a scénář a profilační otázky každé fronty.
desktop-settings-raw = Nastavení jako TOML nebo JSON
dialled-number = Volané číslo
live-updates = Živé aktualizace
my-state = Můj stav
navigation = Hlavní navigace
no-messages = Zatím žádné zprávy.
no-script = Pro tuto frontu není scénář.
no-work = Teď žádná interakce. Nabídky se zde objeví, jakmile přijdou.
nobody-available = Žádný operátor není volný.
nobody-waiting = Nikdo nečeká.
not-an-agent = Váš uživatel není propojen s operátorem. Administrátor jej může propojit v Administraci.
outcome = Výsledek
password-hint = Alespoň 12 znaků, ne jen mezery a ne uživatelské jméno.
plan-hint = Fronty, týmy, provozní doba, svátky, pravidla a časované kroky. Ověřit jej zkontroluje bez použití.
profile-needs-customer = Profilační otázky potřebují záznam zákazníka; tento kontakt žádný nemá.
role = Role
save-answers = Uložit odpovědi
set-state = Nastavit
settings-valid = Nastavení je platné.
skills-hint = dovednost:úroveň oddělené čárkami, úrovně 1 až 10 (support:8, sales:4).
skip-to-content = Přejít na obsah
state = Stav
subject = Předmět
tenant = Firma (tenant)
tenant-hint = Nechte prázdné, pokud spravujete poskytovatele.
time-in-state-col = Čas ve stavu
time-to-answer = Čas na přijetí:
tv-mode = Režim TV
waited = Čeká
waiting-interactions = Čekající interakce
when = Kdy
wrap-up-time = Zbývající čas na dopracování:
you = Vy
reason-supervisor = Nastaveno supervizorem
back-home = Zpět na první stránku
apply-preferences = Použít
call-controls = Hovor
call-live = Hovoříte se zákazníkem
call-on-hold = Zákazník je přidržen (hudba)
call-muted = Ztlumeno: zákazník vás neslyší
call-consult-ringing = Konzultace: vyzvání druhý operátor; zákazník je přidržen
call-consulting = Konzultace: hovoříte s druhým operátorem; zákazník je přidržen
call-hold = Přidržet
call-resume = Obnovit
call-mute = Ztlumit
call-unmute = Zrušit ztlumení
call-hangup = Zavěsit
call-consult-with = Konzultovat s
call-consult = Konzultovat
call-consult-complete = Dokončit přepojení
call-consult-cancel = Zpět k zákazníkovi
call-consult-title = Přepojení s konzultací

## Agents' teams (administration)
teams-hint = Názvy týmů oddělené čárkami (vip, fakturace); plány směrování mohou vyžadovat tým. Prázdné: žádný.

## Campaigns
campaigns-title = Kampaně
campaign = Kampaň
campaign-mode = Režim
campaign-mode-preview = Náhled
campaign-mode-progressive = Progresivní
campaign-mode-power = Výkonový
campaign-mode-predictive = Prediktivní
campaign-state-ready = Připravena
campaign-state-running = Běží
campaign-state-paused = Pozastavena
campaign-state-stopped = Zastavena
campaign-state-finished = Dokončena
campaign-contacts-closed = Uzavřené kontakty
campaign-reached = Zastiženo
campaign-dials = Uskutečněné hovory
campaign-answer-rate = Míra přijetí
campaign-abandon-rate = Míra opuštění
campaign-start = Spustit
campaign-pause = Pozastavit
campaign-stop = Zastavit
campaign-stop-confirm = Zastavit tuto kampaň natrvalo? Její otevřené kontakty už nebudou voláni.
campaign-new = Nová kampaň
campaign-caller-id = Zobrazované číslo
campaign-country-code = Předvolba země pro vnitrostátní čísla
campaign-contacts = Kontakty
campaign-contacts-hint = Jeden na řádek: jméno a jedno nebo více čísel oddělených čárkami.
campaign-create = Vytvořit kampaň
no-campaigns = Zatím žádné kampaně.
campaign-contact = Kontakt
campaign-phones = Čísla
campaign-reason = Důvod
campaign-attempts = Hovory
campaign-last-outcome = Poslední hovor
campaign-contact-open = Otevřený
campaign-contact-reached = Zastižen
campaign-contact-exhausted = Vyčerpán
campaign-contact-rejected = Odmítnut
dial-outcome-live_answer = Přijat
dial-outcome-busy = Obsazeno
dial-outcome-no_answer = Nepřijat
dial-outcome-machine = Záznamník
dial-outcome-failed = Selhal
dial-outcome-abandoned = Opuštěn
team-members = Členové
previews-title = Kontakty k volání
preview-call-now = Volat hned
preview-skip = Přeskočit
preview-dials-at = zavolá se samo v { $time }

## Wallboard: the waiting list, page by page
waiting-shown = zobrazeno { $first }–{ $last }
waiting-pages = Stránky čekajících interakcí
page-previous = Předchozí
page-next = Další

## Administration: the tenant's time zone and holidays
tenant-settings = Časové pásmo a svátky
tenant-settings-hint = Vlastní časové pásmo a kalendář svátků společnosti: den na nástěnce začíná o půlnoci v tomto pásmu; plány směrování, kampaně a lhůty případů se na ně odkazují.
tenant-time-zone = Časové pásmo (název IANA, např. Europe/Prague)
tenant-holidays = Svátky
tenant-holidays-hint = Jeden na řádek: datum ve tvaru RRRR-MM-DD a případně jeho název (2026-12-25 Vánoce).

## API tokens (administration)
tokens-title = Tokeny API
tokens-hint = Tokeny umožňují systémům vaší firmy používat API s vlastní rolí. Tajný klíč se zobrazí jen jednou, při vytvoření tokenu; odvolaný token okamžitě přestane fungovat.
tokens-none = Zatím žádné tokeny API.
token-name = Název
token-created = Vytvořen
token-expires = Platnost do
token-last-used = Naposledy použit
token-new = Nový token
token-make = Vytvořit token
token-revoke = Odvolat
token-revoke-confirm = Odvolat tento token? Co ho používá, okamžitě přestane fungovat.
token-revoked = Token odvolán.
token-secret-once = Zkopírujte si tajný klíč hned: znovu se nezobrazí.
never = nikdy

## Audit trail (administration)
audit-title = Auditní záznam
audit-hint = Kdo co udělal, podle identifikátoru: přihlášení, uživatelé a role, hesla, tokeny, plány a nastavení, poslechnuté nahrávky, vynucené změny na pracovišti. Každý záznam je s předchozím spojen hashem; příkaz `centralita audit verify` řetězec ověří.
audit-none = Zatím nic nezaznamenáno.
audit-when = Kdy
audit-actor = Kdo
audit-action = Co
audit-target = Čeho se týká
audit-download = Stáhnout celý záznam (CSV)

## Sign-in: single sign-on and the second factor
sign-in-sso = Přihlásit se jednotným přihlášením
continue = Pokračovat
two-factor = Dvoufázové přihlášení
two-factor-setup = Nastavit dvoufázové přihlášení
two-factor-setup-hint = Naskenujte tento kód ověřovací aplikací (například FreeOTP, Aegis nebo Google Authenticator) a napište šest číslic, které zobrazí.
two-factor-qr = QR kód vašeho klíče pro dvoufázové přihlášení
two-factor-key = Nebo zadejte do aplikace tento klíč:
two-factor-code = Kód z ověřovací aplikace
verify = Ověřit
two-factor-wrong = Tento kód není správný. Napište kód, který aplikace zobrazuje teď.
two-factor-expired = Toto přihlášení trvalo příliš dlouho nebo mělo příliš mnoho chybných kódů. Přihlaste se znovu.
sso-not-set-up = Jednotné přihlášení není pro tohoto klienta nastaveno.
sso-expired = Toto jednotné přihlášení vypršelo nebo bylo zahájeno v jiném prohlížeči. Zkuste to znovu.
sso-no-role = Poskytovatel identity vám nepřidělil žádnou roli, takže účet nebylo možné vytvořit. Obraťte se na správce.
sso-no-user = V tomto klientovi není žádný uživatel s vaším jménem. Obraťte se na správce.
account-title = Můj účet
sessions-title = Moje relace
two-factor-required = Vaše organizace pro vaši roli vyžaduje dvoufázové přihlášení.
two-factor-turn-off = Vypnout dvoufázové přihlášení
two-factor-on = Dvoufázové přihlášení je zapnuté.
two-factor-off = Dvoufázové přihlášení je vypnuté.
two-factor-set-up = Nastavit dvoufázové přihlášení
session-this = Tato relace
session-end = Ukončit
session-expires = Vyprší
two-factor-now-on = Dvoufázové přihlášení je nyní zapnuté.
two-factor-now-off = Dvoufázové přihlášení je nyní vypnuté.
access-title = Přihlašování
two-factor-rule = Dvoufázové přihlášení pro správce a supervizory
two-factor-optional = Volitelné
two-factor-required-choice = Povinné
sso-title = Jednotné přihlášení (OpenID Connect)
sso-hint = Nechte vydavatele prázdného, chcete-li jen hesla. U poskytovatele zaregistrujte tuto návratovou cestu:
sso-issuer = Vydavatel
sso-client-id = ID klienta
sso-client-secret = Tajný klíč klienta
sso-role-claim = Atribut s rolí
sso-create-users = Vytvářet uživatele při prvním přihlášení
sso-secret-kept = Tajný klíč je uložen (nechte prázdné, chcete-li ho ponechat)
two-factor-reset = Odebrat dvoufázové přihlášení (ztracený telefon)
two-factor-reset-confirm = Odebrat tomuto uživateli dvoufázové přihlášení? Tam, kde je povinné, si ho nastaví znovu.

## Zákazníci (CRM) a importy
crm-title = Zákazníci
crm-record = Karta zákazníka
crm-search = Najít zákazníka
crm-search-hint = Jméno (v libovolném pořadí, s diakritikou i bez), telefon v libovolném tvaru, e-mail nebo číslo zákazníka u klienta.
crm-none = Žádný zákazník nenalezen.
crm-name = Jméno
crm-duplicates = Pravděpodobné duplicity
crm-duplicates-hint = Karty se stejným jménem, PSČ a městem. Sloučte je, nebo je ponechte, jde-li o různé osoby.
crm-no-duplicates = Žádné pravděpodobné duplicity.
crm-merge-into = Sloučit do #{ $id }
crm-external-id = Číslo u klienta
crm-phones = Telefony
crm-phones-hint = Jeden na řádek; za číslo připište ", mobile", ", landline", ", work" nebo ", other".
crm-emails = E-maily
crm-emails-hint = Jeden na řádek.
crm-addresses = Adresy
crm-street = Ulice
crm-postal-code = PSČ
crm-city = Město
crm-country = Země
crm-tags = Štítky
crm-fields = Vlastní pole
crm-fields-hint = Jedno na řádek: název = hodnota.
crm-version = Verze
crm-invalid = nevolat
crm-merge = Sloučit jinou kartu do této
crm-merge-other = Číslo karty
crm-merged-here = Sloučeno do této karty
crm-unmerge = Zrušit sloučení
crm-timeline = Historie
crm-older = Starší záznamy
crm-kind-contact = Kontakt
crm-kind-note = Poznámka
crm-kind-profile = Odpověď
crm-kind-dial = Pokusy o volání
crm-kind-change = Změna
crm-cause-edit = Upraveno
crm-cause-import = Import { $n }
crm-cause-merge = Záznam #{ $n } sloučen do tohoto
crm-cause-unmerge = Záznam #{ $n } opět oddělen
crm-cause-contact = Kontakt #{ $n }
crm-cause-merged_into = Sloučen do #{ $n }
crm-cause-unmerged_from = Oddělen od #{ $n }
crm-part-created = vytvořen
crm-part-external_id = id klienta
crm-part-name = jméno
crm-part-phones = telefony
crm-part-emails = e-mailové adresy
crm-part-addresses = adresy
crm-part-language = jazyk
crm-part-time_zone = časové pásmo
crm-part-tags = štítky
imports-campaign = Kampaň (nepovinné)
imports-no-campaign = Žádná: jen zákazníci
imports-campaign-hint = S kampaní se záznam každého řádku přidá i do jejího seznamu kontaktů (jednou: záznam, který už v něm je, se znovu nepřidá).
imports-contacts = Přidané kontakty
imports-title = Importy
imports-new = Importovat zákazníky
imports-file = Soubor (CSV, XLSX nebo ODS)
imports-country = Země čísel zapsaných bez mezinárodní předvolby
imports-mapping = Přiřazení sloupců (TOML, nepovinné: bez něj se rozpoznají běžné záhlaví)
imports-dry-run = Zkouška: zkontrolovat a spočítat, nic nezapsat
imports-dry = zkouška
imports-start = Importovat
imports-latest = Poslední importy
imports-none = Zatím žádné importy.
imports-file-name = Soubor
imports-state = Stav
imports-state-running = Probíhá
imports-state-done = Hotovo
imports-state-failed = Selhalo
imports-rows = Řádky
imports-created = Vytvořeno
imports-updated = Změněno
imports-unchanged = Beze změny
imports-rejected = Odmítnuto
imports-duplicates = Duplicity
imports-report = Zpráva
customer-fields = Pole zákazníka
customer-fields-hint = Vlastní pole společnosti v každém záznamu zákazníka: importy a úpravy je kontrolují a vyskakovací karta ukazuje označená. Řádek vynecháte prázdným názvem nebo zaškrtnutím Odebrat.
field-name = Název
field-label = Popisek
field-type = Typ
field-required = Povinné
field-pattern = Vzor
field-options = Možnosti (oddělené čárkou)
field-screen-pop = Ve vyskakovací kartě
field-remove = Odebrat
field-type-text = Text
field-type-number = Číslo
field-type-date = Datum
field-type-choice = Výběr
field-type-yes-no = Ano/ne
row = Řádek
consent-title = Souhlas
consent-none = Žádný souhlas není zaznamenán.
consent-purpose = Účel
consent-purpose-hint = K čemu slouží, malými písmeny: marketing, collections, surveys; odvolání "all" zastaví všechny hovory.
consent-channel = Kanál
consent-channel-voice = Hovory
consent-channel-sms = Textové zprávy
consent-channel-email = E-mail
consent-channel-any = Všechny kanály
consent-granted = Udělen nebo odvolán
consent-given = Udělen
consent-withdrawn = Odvolán
consent-when = Kdy
consent-source = Zdroj
consent-evidence = Doklad
imports-dnc = Seznam nevolat
imports-dnc-hint = Soubor čísel, jedno na řádek, nahradí seznam tohoto názvu, jakmile je přečten celý. Národní seznam (Robinsonův seznam) je jako takový uveden, když blokuje hovor.
imports-list-name = Název seznamu
imports-national = Národní registr
imports-feed = Naplnit kampaň z uloženého dotazu
imports-feed-hint = Záznamy nalezené dotazem se přidají do seznamu kontaktů kampaně s platnými čísly; ty, které v něm už jsou, se nepřidají znovu.
imports-query = Uložený dotaz
imports-feed-campaign = Kampaň
privacy-title = Ochrana osobních údajů
privacy-export = Stáhnout vše, co je o této osobě uloženo (ZIP)
privacy-erase-help = Výmaz natrvalo odstraní jméno, čísla, adresy, poznámky, zprávy a nahrávky této osoby; její kontakty se dál počítají do čísel. Nelze jej vrátit.
privacy-confirm = Pro potvrzení napište { $id }
privacy-confirm-wrong = Pro potvrzení napište číslo záznamu.
privacy-erase = Vymazat tuto osobu
privacy-erased = Údaje této osoby byly vymazány { $time }.
crm-cause-erased = Vymazáno (právo na výmaz)
email-thread = E-mail
email-attachments = Přílohy
email-left-out = neuloženo (nad povolenou velikost)
email-reply = Vaše odpověď
email-send = Odeslat odpověď
mailboxes-title = Schránky (e-mail)
mailbox-none = Zatím žádná schránka: e-maily do centra nepřicházejí.
mailbox-add = Přidat nebo změnit schránku
mailbox-name = Název
mailbox-address = Adresa
mailbox-queue = Fronta
mailbox-read = Naposledy čteno
mailbox-host = Server
mailbox-port = Port
mailbox-security = Zabezpečení
mailbox-user = Uživatel
mailbox-password-hint = Prázdné heslo ponechá uložené. Hesla jsou uložena šifrovaně a nikdy se nezobrazují.
mailbox-port-wrong = Port je číslo od 1 do 65535.
webhooks-title = Webhooky
webhook-none = Žádný webhook: události centra se nikam neodesílají.
webhook-add = Přidat webhook
webhook-kinds = Druhy událostí
webhook-kinds-hint = Oddělené čárkami (customers_set, disposition_set, outbound.gate_decided…); prázdné: všechny.
webhook-all-kinds = všechny
webhook-cursor = Doručeno po
webhook-last = Poslední pokus
webhook-secret = Tajemství
webhook-secret-hint = 16 až 256 znaků; každé doručení je jím podepsáno (Centralita-Signature). Uloží se šifrovaně a znovu se nezobrazí.
webhook-remove-confirm = Odebrat tento webhook? Události na něj přestanou chodit.

## The desktop's inbox, offers and shortcuts
inbox = Moje práce
my-figures = Moje dnešní čísla
aht = PDO
aht-long = Průměrná doba obsluhy (hovor a dokončení na kontakt)
why-title = Proč vy:
why-rule = platí pravidlo „{ $value }“
why-step = fronta { $queue }, krok { $n }
why-by-longest_idle = čekali jste na práci nejdéle
why-by-most_skilled = máte pro to nejvyšší dovednost
why-by-fewest_contacts = obsloužili jste nejméně kontaktů
why-by-least_occupied = byli jste nejméně vytížení
why-by-round_robin = byli jste na řadě
why-by-random = vybráno náhodně mezi volnými agenty
why-by-next_in_line = byl na řadě pro vás
why-by-named_agent = žádal si vás jménem
why-by-force = přidělil vám ho supervizor
why-by-transfer = byl vám přepojen
why-by-callback = zpětné volání přidělené vám
offer-sound = Zvuk při nabídce
offer-notifications = Oznámení na ploše
shortcuts-title = Klávesové zkratky
shortcut-keys = Klávesy
shortcut-action = Akce
shortcut-accept = Přijmout nabídku
shortcut-reject = Odmítnout nabídku
shortcut-next = Další konverzace
shortcut-previous = Předchozí konverzace
shortcut-message = Napsat zprávu
shortcut-send = Odeslat (ve zprávě nebo odpovědi)
shortcut-disposition = Zvolit výsledek
shortcut-complete = Dokončit konverzaci
shortcut-ready = Připraven (k dispozici)
shortcut-not-ready = Nepřipraven (první důvod)
shortcut-help = Zobrazit tuto nápovědu
close = Zavřít
canned-replies = Připravené odpovědi
capacity = Kapacita
capacity-hint = Počet interakcí najednou podle kanálu, pokud se liší od výchozí (hlas 1, chat 3, e-mail 5…), např. chat:2, email:0.

## Wallboard charts
chart-contacts-title = Kontakty podle intervalu
chart-agents-title = Agenti podle stavu během dne
chart-offered = Nabídnuto
chart-abandoned = Opuštěno
chart-service-level = Úroveň služeb
chart-interval = Interval
timeline-title = Stavy agentů dnes
timeline-col = Dnes
timeline-empty = Dnes žádný stav
overruns-today = Překročení dnes
state-over-limit = { $value } přes { $target }
