## Common
app-name = Centralita
sign-in = Entra
sign-out = Surt
username = Usuari
password = Contrasenya
sign-in-failed = L'usuari o la contrasenya no són correctes.
sign-in-locked = Massa intents fallits amb aquest usuari des d'aquí. Torna-ho a provar d'aquí a { $count ->
    [one] un minut
   *[other] { $count } minuts
}.
sign-in-busy = Hi ha molta gent entrant ara mateix. Torna-ho a provar d'aquí a un moment.
save = Desa
cancel = Cancel·la
delete = Elimina
edit = Edita
add = Afegeix
search = Cerca
language = Idioma
time-zone = Zona horària
yes = Sí
no = No
not-allowed = No teniu permís per fer això.
not-found = No s'ha trobat.
saved = Desat.
field-error = { $field }: { $message }

## Agent states
state-offline = Desconnectat
state-available = Disponible
state-reserved = Sonant
state-busy = Ocupat
state-wrap-up = Tancament
state-not-ready = No disponible
reason-break = Pausa
reason-lunch = Dinar
reason-training = Formació
reason-meeting = Reunió
reason-missed = Oferta perduda
time-in-state = { $duration } en aquest estat

## Agent desktop
desktop-title = Escriptori de l'agent
go-available = Posa't disponible
go-not-ready = No disponible
offer-incoming = Entrant: { $channel }
offer-countdown = { $seconds ->
    [one] Queda { $seconds } segon per respondre
   *[other] Queden { $seconds } segons per respondre
}
accept = Accepta
reject = Rebutja
customer = Client
customer-unknown = Client desconegut
value-tier = Valor
consent = Consentiment
do-not-call = No trucar
last-contacts = Darrers contactes
open-cases = Casos oberts
ivr-collected = El que el client ha indicat a l'IVR
no-history = No hi ha contactes anteriors.
no-open-cases = No hi ha altres interaccions obertes ni trucades de retorn pendents.
callback-pending = Trucada de retorn programada per al { $time }
interaction-created = Creada
interaction-waiting = En espera
interaction-offered = Sonant a un agent
interaction-connected = Amb un agent
interaction-transferring = En transferència
conversation = Conversa
type-message = Escriviu un missatge
send = Envia
notes = Notes
script = Guió
profiling-question = Pregunta de perfil
disposition = Tipificació
choose-disposition = Trieu una tipificació
wrap-up-left = { $seconds ->
    [one] Queda { $seconds } segon de tancament
   *[other] Queden { $seconds } segons de tancament
}
schedule-callback = Programa una trucada de retorn
callback-local-time = Hora local del client: { $time }
transfer = Transfereix
transfer-to-queue = A una cua
transfer-to-agent = A un agent
complete = Finalitza
contacts-today = { $count ->
    [one] { $count } contacte avui
   *[other] { $count } contactes avui
}

## Channels
channel-voice = trucada
channel-chat = xat
channel-email = correu
channel-sms = SMS
channel-web_form = formulari web
channel-fax = fax
channel-callback = trucada de retorn
channel-task = tasca
channel-outbound_voice = trucada sortint

## Wallboard
wallboard-title = Tauler de supervisió
full-screen = Pantalla completa
queue = Cua
waiting-now = En espera
longest-wait = Espera més llarga
service-level-today = Nivell de servei avui
service-level-30min = Nivell de servei, darrers 30 min
target = Objectiu
asa = Temps mitjà de resposta
abandoned = Abandonades
agents-by-state = Agents per estat
agents = Agents
current-interaction = Interacció actual
force-not-ready = Força no disponible
force-sign-out = Desconnecta
reassign = Reassigna
alert-service-level = { $queue }: el nivell de servei { $value } és per sota de l'objectiu { $target }.
waiting-count = { $count ->
    [one] { $count } en espera
   *[other] { $count } en espera
}
agents-count = { $count ->
    [one] { $count } agent
   *[other] { $count } agents
}

## Administration
admin-title = Administració
users = Usuaris
roles = Rols
role-admin = Administrador
role-supervisor = Supervisor
role-agent = Agent
role-analyst = Analista
role-client = Client
skills = Habilitats
proficiency = Nivell
teams = Equips
queues = Cues
business-hours = Horari d'atenció
holidays = Festius
disposition-codes = Tipificacions
reason-codes = Motius de pausa
scripts = Guions
tenants = Clients del servei
routing-plans = Plans d'encaminament
routing-plan-raw = Pla en TOML o JSON
validate = Valida
plan-valid = El pla és vàlid.
rules = Regles
timed-steps = Passos temporitzats

## Chat page (customers)
chat-title = Parleu amb nosaltres
chat-welcome = Escriviu la vostra pregunta i un agent us respondrà de seguida.
chat-waiting = Un agent us atendrà de seguida.
chat-agent-joined = { $agent } s'ha unit a la conversa.
chat-ended = La conversa ha acabat. Gràcies.
chat-your-name = El vostre nom
chat-email = Correu electrònic
chat-subject = De què es tracta? (opcional)
chat-start = Comença el xat
chat-conversation = Conversa
chat-message = Missatge
chat-message-placeholder = Escriviu un missatge
chat-you = Vós
chat-agent = Agent
chat-connected = Un agent s'ha unit a la conversa.
chat-transferring = Us passem a un altre agent…
chat-reconnecting = S'ha perdut la connexió; tornant a connectar…
chat-failed = Alguna cosa ha fallat:
chat-new = Comença un altre xat

## Web UI
actions = Accions
add-note = Afegeix una nota
add-user = Afegeix un usuari
routing-plan-form = Regles i passos temporitzats
new-rule = Regla nova
rule-name = Nom de la regla
segment = Segment
priority-add = Suma a la prioritat
add-skills = Habilitats per afegir (habilitat:nivell, …)
remove = Treu
until-s = Fins a (segons a la cua; buit a l'últim pas)
team = Equip
form-has-mistakes = No s'ha desat res: vegeu els missatges al costat dels camps.
plan-form-hint = Les llistes se separen amb comes. En desar es fa servir el mateix validador que el document de sota, que després mostra el que s'ha desat; el que el formulari no mostra es conserva.
form-required = Obligatori.
form-whole-number = Un nombre enter.
form-seconds = Un nombre de segons.
form-skill-level = escriviu habilitat:nivell, per exemple support:5.
form-queue-gone = aquesta cua ja no és al pla.
opening-hours = Horari (dies = HH:MM-HH:MM, un per línia)
holiday-dates = Festius (AAAA-MM-DD, …)
when-closed = Fora d'horari
form-weekly = escriviu dies = HH:MM-HH:MM, per exemple mon-fri = 08:00-20:00.
change-role = Canvia el rol
new-password = Contrasenya nova
reset-password = Restableix la contrasenya
password-reset-done = Contrasenya canviada; les sessions de l'usuari han acabat.
remove-user = Elimina l'usuari
remove-user-confirm = Voleu eliminar aquest usuari? Les seves sessions acaben immediatament.
last-admin = L'últim administrador no pot perdre aquest rol.
own-user = No podeu canviar ni eliminar el vostre propi usuari aquí.
user-exists = aquest usuari ja existeix.
agent = Agent
agent-user = Usuari que treballa com aquest agent (opcional)
answered = Ateses
callback-when = Data i hora, al fus horari del client
caller-number = Número que truca
change-state = Canvia el meu estat
channel = Canal
contacts-today-col = Contactes avui
define-agent = Afegeix un agent o canvia'n les habilitats
desktop-settings = Motius, tipificacions i guions
desktop-settings-hint = Motius de no disponible, codis de tipificació amb els seus efectes, i el guió i les preguntes de perfil de cada cua.
desktop-settings-raw = Configuració en TOML o JSON
dialled-number = Número marcat
live-updates = Actualització en directe
my-state = El meu estat
navigation = Navegació principal
no-messages = Encara no hi ha missatges.
no-script = No hi ha guió per a aquesta cua.
no-work = Cap interacció ara. Les ofertes apareixen aquí tan bon punt arriben.
nobody-available = No hi ha cap agent disponible.
nobody-waiting = No hi ha ningú esperant.
not-an-agent = El teu usuari no està vinculat a cap agent. Un administrador el pot vincular a Administració.
outcome = Resultat
password-hint = Almenys 12 caràcters, no només espais, i no el nom d'usuari.
plan-hint = Cues, equips, horaris, festius, regles i passos temporitzats. Valida ho comprova sense aplicar-ho.
profile-needs-customer = Les preguntes de perfil necessiten una fitxa de client; aquest contacte no en té.
role = Rol
save-answers = Desa les respostes
set-state = Aplica
settings-valid = La configuració és vàlida.
skills-hint = habilitat:nivell separats per comes, nivells de l'1 al 10 (support:8, sales:4).
skip-to-content = Salta al contingut
state = Estat
subject = Assumpte
tenant = Empresa (client)
tenant-hint = Deixa-ho buit si administres el proveïdor.
time-in-state-col = Temps en l'estat
time-to-answer = Temps per respondre:
tv-mode = Mode TV
waited = Espera
waiting-interactions = Interaccions en espera
when = Quan
wrap-up-time = Temps de tancament restant:
you = Tu
reason-supervisor = Posat per un supervisor
back-home = Torna a la primera pàgina
apply-preferences = Aplica
call-controls = Trucada
call-live = Parlant amb el client
call-on-hold = El client és en espera (música)
call-muted = Micròfon silenciat: el client no us sent
call-consult-ringing = Consulta: s'està trucant l'altre agent; el client és en espera
call-consulting = Consulta: parleu amb l'altre agent; el client és en espera
call-hold = Posar en espera
call-resume = Recuperar
call-mute = Silenciar
call-unmute = Activar el micròfon
call-hangup = Penjar
call-consult-with = Consultar amb
call-consult = Consultar
call-consult-complete = Completar la transferència
call-consult-cancel = Tornar amb el client
call-consult-title = Transferència amb consulta

## Agents' teams (administration)
teams-hint = Noms d'equip separats per comes (vip, facturacio); els plans d'encaminament poden demanar un equip. Buit: cap.

## Campaigns
campaigns-title = Campanyes
campaign = Campanya
campaign-mode = Mode
campaign-mode-preview = Previsualització
campaign-mode-progressive = Progressiu
campaign-mode-power = Potència
campaign-mode-predictive = Predictiu
campaign-state-ready = Preparada
campaign-state-running = En marxa
campaign-state-paused = En pausa
campaign-state-stopped = Aturada
campaign-state-finished = Acabada
campaign-contacts-closed = Contactes tancats
campaign-reached = Contactats
campaign-dials = Trucades fetes
campaign-answer-rate = Taxa de resposta
campaign-abandon-rate = Taxa d'abandonament
campaign-start = Inicia
campaign-pause = Posa en pausa
campaign-stop = Atura
campaign-stop-confirm = Vols aturar aquesta campanya definitivament? Els seus contactes oberts no es trucaran.
campaign-new = Campanya nova
campaign-caller-id = Número que es mostra
campaign-country-code = Prefix del país per als números nacionals
campaign-contacts = Contactes
campaign-contacts-hint = Un per línia: nom i un o més números, separats per comes.
campaign-create = Crea la campanya
no-campaigns = Encara no hi ha campanyes.
campaign-contact = Contacte
campaign-phones = Números
campaign-reason = Motiu
campaign-attempts = Trucades
campaign-last-outcome = Darrera trucada
campaign-contact-open = Obert
campaign-contact-reached = Contactat
campaign-contact-exhausted = Esgotat
campaign-contact-rejected = Rebutjat
dial-outcome-live_answer = Resposta
dial-outcome-busy = Ocupat
dial-outcome-no_answer = Sense resposta
dial-outcome-machine = Contestador
dial-outcome-failed = Fallida
dial-outcome-abandoned = Abandonada
team-members = Membres
previews-title = Contactes per trucar
preview-call-now = Truca ara
preview-skip = Omet
preview-dials-at = es trucarà sol a les { $time }

## Wallboard: the waiting list, page by page
waiting-shown = es mostren { $first }–{ $last }
waiting-pages = Pàgines d'interaccions en espera
page-previous = Anterior
page-next = Següent

## Administration: the tenant's time zone and holidays
tenant-settings = Zona horària i festius
tenant-settings-hint = La zona horària i el calendari de festius de l'empresa: el dia del tauler comença a mitjanit en aquesta zona; els plans d'encaminament, les campanyes i els terminis dels casos s'hi refereixen.
tenant-time-zone = Zona horària (un nom IANA com Europe/Madrid)
tenant-holidays = Festius
tenant-holidays-hint = Un per línia: la data com AAAA-MM-DD i, si en té, el seu nom (2026-12-25 Nadal).

## API tokens (administration)
tokens-title = Tokens de l'API
tokens-hint = Els tokens permeten que els sistemes de la teva empresa facin servir l'API amb un rol propi. El secret es mostra una sola vegada, en crear el token; un token revocat deixa de funcionar a l'instant.
tokens-none = Encara no hi ha tokens de l'API.
token-name = Nom
token-created = Creat
token-expires = Caduca
token-last-used = Últim ús
token-new = Token nou
token-make = Crea el token
token-revoke = Revoca
token-revoke-confirm = Vols revocar aquest token? El que el faci servir deixarà de funcionar a l'instant.
token-revoked = Token revocat.
token-secret-once = Copia el secret ara: no es tornarà a mostrar.
never = mai

## Audit trail (administration)
audit-title = Registre d'auditoria
audit-hint = Qui ha fet què, per identificador: entrades, usuaris i rols, contrasenyes, tokens, plans i configuració, gravacions escoltades, canvis forçats a la sala. Cada entrada està encadenada a l'anterior per un hash; l'ordre `centralita audit verify` comprova la cadena.
audit-none = Encara no hi ha res registrat.
audit-when = Quan
audit-actor = Qui
audit-action = Què
audit-target = Sobre
audit-download = Descarrega tot el registre (CSV)

## Sign-in: single sign-on and the second factor
sign-in-sso = Entra amb l'inici de sessió únic
continue = Continua
two-factor = Accés en dos passos
two-factor-setup = Configura l'accés en dos passos
two-factor-setup-hint = Escaneja aquest codi amb una aplicació d'autenticació (com FreeOTP, Aegis o Google Authenticator) i escriu els sis dígits que mostra.
two-factor-qr = Codi QR de la teva clau d'accés en dos passos
two-factor-key = O escriu aquesta clau a l'aplicació:
two-factor-code = Codi de la teva aplicació d'autenticació
verify = Verifica
two-factor-wrong = Aquest codi no és correcte. Escriu el codi que mostra ara l'aplicació.
two-factor-expired = Aquest accés ha trigat massa o ha tingut massa codis erronis. Torna a entrar.
sso-not-set-up = L'inici de sessió únic no està configurat per a aquest client.
sso-expired = Aquest inici de sessió únic ha caducat o es va començar en un altre navegador. Torna-ho a provar.
sso-no-role = El proveïdor d'identitat no t'ha assignat cap rol, així que no s'ha pogut crear el teu compte. Pregunta-ho al teu administrador.
sso-no-user = No hi ha cap usuari amb el teu nom en aquest client. Pregunta-ho al teu administrador.
account-title = El meu compte
sessions-title = Les meves sessions
two-factor-required = La teva organització exigeix l'accés en dos passos per al teu rol.
two-factor-turn-off = Desactiva l'accés en dos passos
two-factor-on = L'accés en dos passos està activat.
two-factor-off = L'accés en dos passos està desactivat.
two-factor-set-up = Configura l'accés en dos passos
session-this = Aquesta sessió
session-end = Tanca
session-expires = Caduca
two-factor-now-on = L'accés en dos passos ja està activat.
two-factor-now-off = L'accés en dos passos ja està desactivat.
access-title = Accés
two-factor-rule = Accés en dos passos per a administradors i supervisors
two-factor-optional = Opcional
two-factor-required-choice = Obligatori
sso-title = Inici de sessió únic (OpenID Connect)
sso-hint = Deixa l'emissor buit per fer servir només contrasenyes. Registra aquesta ruta de retorn al teu proveïdor:
sso-issuer = Emissor
sso-client-id = ID de client
sso-client-secret = Secret de client
sso-role-claim = Atribut que indica el rol
sso-create-users = Crea els usuaris en el seu primer accés
sso-secret-kept = Hi ha un secret desat (deixa-ho buit per conservar-lo)
two-factor-reset = Treu l'accés en dos passos (mòbil perdut)
two-factor-reset-confirm = Vols treure l'accés en dos passos d'aquest usuari? El tornarà a configurar on sigui obligatori.

## Clients (CRM) i importacions
crm-title = Clients
crm-record = Fitxa del client
crm-search = Cerca un client
crm-search-hint = Un nom (en qualsevol ordre, amb accents o sense), un telèfon en qualsevol format, una adreça electrònica o el codi del client.
crm-none = No s'ha trobat cap client.
crm-name = Nom
crm-duplicates = Possibles duplicats
crm-duplicates-hint = Fitxes amb el mateix nom i el mateix codi postal i ciutat. Fusioneu-les, o deixeu-les si són persones diferents.
crm-no-duplicates = No hi ha possibles duplicats.
crm-merge-into = Fusiona a #{ $id }
crm-external-id = Codi del client
crm-phones = Telèfons
crm-phones-hint = Un per línia; després del número, afegiu ", mobile", ", landline", ", work" o ", other".
crm-emails = Adreces electròniques
crm-emails-hint = Una per línia.
crm-addresses = Adreces
crm-street = Carrer
crm-postal-code = Codi postal
crm-city = Ciutat
crm-country = País
crm-tags = Etiquetes
crm-fields = Camps propis
crm-fields-hint = Un per línia: nom = valor.
crm-version = Versió
crm-invalid = no s'ha de marcar
crm-merge = Fusiona una altra fitxa en aquesta
crm-merge-other = Número de fitxa
crm-merged-here = Fusionades en aquesta fitxa
crm-unmerge = Desfés la fusió
crm-timeline = Historial
crm-older = Entrades anteriors
crm-kind-contact = Contacte
crm-kind-note = Nota
crm-kind-profile = Resposta
crm-kind-dial = Intents de trucada
crm-kind-change = Canvi
crm-cause-edit = Editada
crm-cause-import = Importació { $n }
crm-cause-merge = Fitxa #{ $n } fusionada en aquesta
crm-cause-unmerge = Fitxa #{ $n } separada de nou
crm-cause-contact = Contacte #{ $n }
crm-cause-merged_into = Fusionada en #{ $n }
crm-cause-unmerged_from = Separada de #{ $n }
crm-part-created = creada
crm-part-external_id = id del client
crm-part-name = nom
crm-part-phones = telèfons
crm-part-emails = adreces electròniques
crm-part-addresses = adreces
crm-part-language = idioma
crm-part-time_zone = zona horària
crm-part-tags = etiquetes
imports-campaign = Campanya (opcional)
imports-no-campaign = Cap: només clients
imports-campaign-hint = Amb una campanya, la fitxa de cada fila entra també a la seva llista de contactes (un cop: una fitxa que ja hi és no s'afegeix de nou).
imports-contacts = Contactes afegits
imports-title = Importacions
imports-new = Importa clients
imports-file = Fitxer (CSV, XLSX o ODS)
imports-country = País dels números escrits sense prefix internacional
imports-mapping = Correspondència (TOML, opcional: sense, es reconeixen les capçaleres habituals)
imports-dry-run = Prova: comprova i compta sense escriure res
imports-dry = prova
imports-start = Importa
imports-latest = Darreres importacions
imports-none = Encara no hi ha importacions.
imports-file-name = Fitxer
imports-state = Estat
imports-state-running = En curs
imports-state-done = Acabada
imports-state-failed = Fallida
imports-rows = Files
imports-created = Creades
imports-updated = Actualitzades
imports-unchanged = Sense canvis
imports-rejected = Rebutjades
imports-duplicates = Duplicades
imports-report = Informe
customer-fields = Camps del client
customer-fields-hint = Els camps propis de l'empresa a cada fitxa de client: les importacions i les edicions els comproven, i la fitxa emergent mostra els marcats. Deixeu el nom buit, o marqueu Treure, per descartar una fila.
field-name = Nom
field-label = Etiqueta
field-type = Tipus
field-required = Obligatori
field-pattern = Patró
field-options = Opcions (separades per comes)
field-screen-pop = A la fitxa emergent
field-remove = Treure
field-type-text = Text
field-type-number = Nombre
field-type-date = Data
field-type-choice = Opció
field-type-yes-no = Sí/no
row = Fila
consent-title = Consentiment
consent-none = No hi ha consentiments registrats.
consent-purpose = Finalitat
consent-purpose-hint = Per a què és, en minúscules: marketing, collections, surveys; retirar "all" atura totes les trucades.
consent-channel = Canal
consent-channel-voice = Trucades
consent-channel-sms = Missatges de text
consent-channel-email = Correu electrònic
consent-channel-any = Tots els canals
consent-granted = Atorgat o retirat
consent-given = Atorgat
consent-withdrawn = Retirat
consent-when = Quan
consent-source = Origen
consent-evidence = Prova
imports-dnc = Llista d'exclusió
imports-dnc-hint = Un fitxer de números, un per línia, substitueix la llista d'aquest nom quan s'ha llegit sencer. Una llista nacional (la llista Robinson) s'indica com a tal quan bloqueja una trucada.
imports-list-name = Nom de la llista
imports-national = Registre nacional
imports-feed = Alimentar una campanya amb una consulta desada
imports-feed-hint = Les fitxes que troba la consulta entren a la llista de contactes de la campanya amb els seus números vàlids; les que ja hi són no s'hi tornen a afegir.
imports-query = Consulta desada
imports-feed-campaign = Campanya
