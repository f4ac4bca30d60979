## Common
app-name = Centralita
sign-in = Entrar
sign-out = Salir
username = Usuario
password = Contraseña
sign-in-failed = El usuario o la contraseña no son correctos.
sign-in-locked = Demasiados intentos fallidos con este usuario desde aquí. Vuelve a intentarlo en { $count ->
    [one] un minuto
   *[other] { $count } minutos
}.
sign-in-busy = Mucha gente está entrando ahora mismo. Vuelve a intentarlo en un momento.
save = Guardar
cancel = Cancelar
delete = Eliminar
edit = Editar
add = Añadir
search = Buscar
language = Idioma
time-zone = Zona horaria
yes = Sí
no = No
not-allowed = No tiene permiso para hacer esto.
not-found = No se ha encontrado.
saved = Guardado.
field-error = { $field }: { $message }

## Agent states
state-offline = Desconectado
state-available = Disponible
state-reserved = Sonando
state-busy = Ocupado
state-wrap-up = Cierre
state-not-ready = No disponible
reason-break = Pausa
reason-lunch = Comida
reason-training = Formación
reason-meeting = Reunión
reason-missed = Oferta perdida
time-in-state = { $duration } en este estado

## Agent desktop
desktop-title = Escritorio del agente
go-available = Ponerse disponible
go-not-ready = No disponible
offer-incoming = Entrante: { $channel }
offer-countdown = { $seconds ->
    [one] Queda { $seconds } segundo para responder
   *[other] Quedan { $seconds } segundos para responder
}
accept = Aceptar
reject = Rechazar
customer = Cliente
customer-unknown = Cliente desconocido
value-tier = Valor
consent = Consentimiento
do-not-call = No llamar
last-contacts = Últimos contactos
open-cases = Casos abiertos
ivr-collected = Lo que el cliente indicó en el IVR
no-history = No hay contactos anteriores.
no-open-cases = No hay otras interacciones abiertas ni rellamadas pendientes.
callback-pending = Rellamada programada para el { $time }
interaction-created = Creada
interaction-waiting = En espera
interaction-offered = Sonando a un agente
interaction-connected = Con un agente
interaction-transferring = En transferencia
conversation = Conversación
type-message = Escriba un mensaje
send = Enviar
notes = Notas
script = Guion
profiling-question = Pregunta de perfil
disposition = Tipificación
choose-disposition = Elija una tipificación
wrap-up-left = { $seconds ->
    [one] Queda { $seconds } segundo de cierre
   *[other] Quedan { $seconds } segundos de cierre
}
schedule-callback = Programar una rellamada
callback-local-time = Hora local del cliente: { $time }
transfer = Transferir
transfer-to-queue = A una cola
transfer-to-agent = A un agente
complete = Finalizar
contacts-today = { $count ->
    [one] { $count } contacto hoy
   *[other] { $count } contactos hoy
}

## Channels
channel-voice = llamada
channel-chat = chat
channel-email = correo
channel-sms = SMS
channel-web_form = formulario web
channel-fax = fax
channel-callback = rellamada
channel-task = tarea
channel-outbound_voice = llamada saliente

## Wallboard
wallboard-title = Panel de supervisión
full-screen = Pantalla completa
queue = Cola
waiting-now = En espera
longest-wait = Espera más larga
service-level-today = Nivel de servicio hoy
service-level-30min = Nivel de servicio, últimos 30 min
target = Objetivo
asa = Tiempo medio de respuesta
abandoned = Abandonadas
agents-by-state = Agentes por estado
agents = Agentes
current-interaction = Interacción actual
force-not-ready = Forzar no disponible
force-sign-out = Desconectar
reassign = Reasignar
alert-service-level = { $queue }: el nivel de servicio { $value } está por debajo del objetivo { $target }.
waiting-count = { $count ->
    [one] { $count } en espera
   *[other] { $count } en espera
}
agents-count = { $count ->
    [one] { $count } agente
   *[other] { $count } agentes
}

## Administration
admin-title = Administración
users = Usuarios
roles = Roles
role-admin = Administrador
role-supervisor = Supervisor
role-agent = Agente
role-analyst = Analista
role-client = Cliente
skills = Habilidades
proficiency = Nivel
teams = Equipos
queues = Colas
business-hours = Horario de atención
holidays = Festivos
disposition-codes = Tipificaciones
reason-codes = Motivos de pausa
scripts = Guiones
tenants = Clientes del servicio
routing-plans = Planes de enrutamiento
routing-plan-raw = Plan en TOML o JSON
validate = Validar
plan-valid = El plan es válido.
rules = Reglas
timed-steps = Pasos temporizados

## Chat page (customers)
chat-title = Hable con nosotros
chat-welcome = Escriba su pregunta y un agente le responderá en breve.
chat-waiting = Un agente le atenderá en breve.
chat-agent-joined = { $agent } se ha unido a la conversación.
chat-ended = La conversación ha terminado. Gracias.
chat-your-name = Su nombre
chat-email = Correo electrónico
chat-subject = ¿De qué se trata? (opcional)
chat-start = Empezar el chat
chat-conversation = Conversación
chat-message = Mensaje
chat-message-placeholder = Escriba un mensaje
chat-you = Usted
chat-agent = Agente
chat-connected = Un agente se ha unido a la conversación.
chat-transferring = Le estamos pasando a otro agente…
chat-reconnecting = Se ha perdido la conexión; reconectando…
chat-failed = Algo ha fallado:
chat-new = Empezar otro chat

## Web UI
actions = Acciones
add-note = Añadir una nota
add-user = Añadir un usuario
routing-plan-form = Reglas y pasos temporizados
new-rule = Regla nueva
rule-name = Nombre de la regla
segment = Segmento
priority-add = Sumar a la prioridad
add-skills = Habilidades que añadir (habilidad:nivel, …)
remove = Quitar
until-s = Hasta (segundos en cola; vacío en el último paso)
team = Equipo
form-has-mistakes = No se ha guardado nada: vea los mensajes junto a los campos.
plan-form-hint = Las listas se separan con comas. Al guardar se usa el mismo validador que el documento de abajo, que después muestra lo guardado; lo que el formulario no muestra se conserva.
form-required = Obligatorio.
form-whole-number = Un número entero.
form-seconds = Un número de segundos.
form-skill-level = escriba habilidad:nivel, por ejemplo support:5.
form-queue-gone = esta cola ya no está en el plan.
opening-hours = Horario (días = HH:MM-HH:MM, uno por línea)
holiday-dates = Festivos (AAAA-MM-DD, …)
when-closed = Fuera de horario
form-weekly = escriba días = HH:MM-HH:MM, por ejemplo mon-fri = 08:00-20:00.
change-role = Cambiar el rol
new-password = Contraseña nueva
reset-password = Restablecer la contraseña
password-reset-done = Contraseña cambiada; las sesiones del usuario han terminado.
remove-user = Eliminar el usuario
remove-user-confirm = ¿Eliminar este usuario? Sus sesiones terminan en el acto.
last-admin = El último administrador no puede perder ese rol.
own-user = No puede cambiar ni eliminar su propio usuario aquí.
user-exists = este usuario ya existe.
agent = Agente
agent-user = Usuario que trabaja como este agente (opcional)
answered = Atendidas
callback-when = Fecha y hora, en la zona horaria del cliente
caller-number = Número que llama
change-state = Cambiar mi estado
channel = Canal
contacts-today-col = Contactos hoy
define-agent = Añadir un agente o cambiar sus habilidades
desktop-settings = Motivos, tipificaciones y guiones
desktop-settings-hint = Motivos de no disponible, códigos de tipificación con sus efectos, y el guion y las preguntas de perfil de cada cola.
desktop-settings-raw = Configuración en TOML o JSON
dialled-number = Número marcado
live-updates = Actualización en directo
my-state = Mi estado
navigation = Navegación principal
no-messages = Aún no hay mensajes.
no-script = No hay guion para esta cola.
no-work = Ninguna interacción ahora. Las ofertas aparecen aquí en cuanto llegan.
nobody-available = No hay ningún agente disponible.
nobody-waiting = No hay nadie esperando.
not-an-agent = Tu usuario no está vinculado a un agente. Un administrador puede vincularlo en Administración.
outcome = Resultado
password-hint = Al menos 12 caracteres, no solo espacios y no el nombre de usuario.
plan-hint = Colas, equipos, horarios, festivos, reglas y pasos temporizados. Validar lo comprueba sin aplicarlo.
profile-needs-customer = Las preguntas de perfil necesitan una ficha de cliente; este contacto no tiene.
role = Rol
save-answers = Guardar las respuestas
set-state = Aplicar
settings-valid = La configuración es válida.
skills-hint = habilidad:nivel separados por comas, niveles del 1 al 10 (support:8, sales:4).
skip-to-content = Saltar al contenido
state = Estado
subject = Asunto
tenant = Empresa (cliente)
tenant-hint = Déjalo vacío si administras el proveedor.
time-in-state-col = Tiempo en el estado
time-to-answer = Tiempo para responder:
tv-mode = Modo TV
waited = Espera
waiting-interactions = Interacciones en espera
when = Cuándo
wrap-up-time = Tiempo de cierre restante:
you = Tú
reason-supervisor = Puesto por un supervisor
back-home = Volver a la primera página
apply-preferences = Aplicar
call-controls = Llamada
call-live = Hablando con el cliente
call-on-hold = El cliente está en espera (música)
call-muted = Micrófono silenciado: el cliente no le oye
call-consult-ringing = Consulta: llamando al otro agente; el cliente está en espera
call-consulting = Consulta: está hablando con el otro agente; el cliente está en espera
call-hold = Poner en espera
call-resume = Recuperar
call-mute = Silenciar
call-unmute = Activar micrófono
call-hangup = Colgar
call-consult-with = Consultar con
call-consult = Consultar
call-consult-complete = Completar la transferencia
call-consult-cancel = Volver con el cliente
call-consult-title = Transferencia con consulta

## Agents' teams (administration)
teams-hint = Nombres de equipo separados por comas (vip, facturacion); los planes de enrutamiento pueden pedir un equipo. Vacío: ninguno.

## Campaigns
campaigns-title = Campañas
campaign = Campaña
campaign-mode = Modo
campaign-mode-preview = Vista previa
campaign-mode-progressive = Progresivo
campaign-mode-power = Potencia
campaign-mode-predictive = Predictivo
campaign-state-ready = Lista
campaign-state-running = En marcha
campaign-state-paused = En pausa
campaign-state-stopped = Detenida
campaign-state-finished = Terminada
campaign-contacts-closed = Contactos cerrados
campaign-reached = Contactados
campaign-dials = Llamadas realizadas
campaign-answer-rate = Tasa de respuesta
campaign-abandon-rate = Tasa de abandono
campaign-start = Iniciar
campaign-pause = Pausar
campaign-stop = Detener
campaign-stop-confirm = ¿Detener esta campaña definitivamente? Sus contactos abiertos no se llamarán.
campaign-new = Nueva campaña
campaign-caller-id = Número mostrado
campaign-country-code = Prefijo del país para números nacionales
campaign-contacts = Contactos
campaign-contacts-hint = Uno por línea: nombre y uno o más números, separados por comas.
campaign-create = Crear campaña
no-campaigns = Aún no hay campañas.
campaign-contact = Contacto
campaign-phones = Números
campaign-reason = Motivo
campaign-attempts = Llamadas
campaign-last-outcome = Última llamada
campaign-contact-open = Abierto
campaign-contact-reached = Contactado
campaign-contact-exhausted = Agotado
campaign-contact-rejected = Rechazado
dial-outcome-live_answer = Contestada
dial-outcome-busy = Ocupado
dial-outcome-no_answer = Sin respuesta
dial-outcome-machine = Contestador
dial-outcome-failed = Fallida
dial-outcome-abandoned = Abandonada
team-members = Miembros
previews-title = Contactos por llamar
preview-call-now = Llamar ahora
preview-skip = Saltar
preview-dials-at = se llamará solo a las { $time }

## Wallboard: the waiting list, page by page
waiting-shown = mostrando { $first }–{ $last }
waiting-pages = Páginas de interacciones en espera
page-previous = Anterior
page-next = Siguiente

## Administration: the tenant's time zone and holidays
tenant-settings = Zona horaria y festivos
tenant-settings-hint = La zona horaria y el calendario de festivos de la empresa: el día del panel empieza a medianoche en esta zona; los planes de enrutamiento, las campañas y los plazos de los casos se refieren a ellos.
tenant-time-zone = Zona horaria (un nombre IANA como Europe/Madrid)
tenant-holidays = Festivos
tenant-holidays-hint = Uno por línea: la fecha como AAAA-MM-DD y, si tiene, su nombre (2026-12-25 Navidad).

## API tokens (administration)
tokens-title = Tokens de la API
tokens-hint = Los tokens permiten que los sistemas de tu empresa usen la API con un rol propio. El secreto se muestra una sola vez, al crear el token; un token revocado deja de funcionar al momento.
tokens-none = Todavía no hay tokens de la API.
token-name = Nombre
token-created = Creado
token-expires = Caduca
token-last-used = Último uso
token-new = Nuevo token
token-make = Crear token
token-revoke = Revocar
token-revoke-confirm = ¿Revocar este token? Lo que lo use dejará de funcionar al momento.
token-revoked = Token revocado.
token-secret-once = Copia el secreto ahora: no se vuelve a mostrar.
never = nunca

## Audit trail (administration)
audit-title = Registro de auditoría
audit-hint = Quién hizo qué, por identificador: entradas, usuarios y roles, contraseñas, tokens, planes y ajustes, grabaciones escuchadas, cambios forzados en la sala. Cada entrada está encadenada a la anterior por un hash; la orden `centralita audit verify` comprueba la cadena.
audit-none = Todavía no hay nada registrado.
audit-when = Cuándo
audit-actor = Quién
audit-action = Qué
audit-target = Sobre
audit-download = Descargar todo el registro (CSV)

## Sign-in: single sign-on and the second factor
sign-in-sso = Entrar con inicio de sesión único
continue = Continuar
two-factor = Acceso en dos pasos
two-factor-setup = Configurar el acceso en dos pasos
two-factor-setup-hint = Escanea este código con una aplicación de autenticación (como FreeOTP, Aegis o Google Authenticator) y escribe los seis dígitos que muestra.
two-factor-qr = Código QR de tu clave de acceso en dos pasos
two-factor-key = O escribe esta clave en la aplicación:
two-factor-code = Código de tu aplicación de autenticación
verify = Verificar
two-factor-wrong = Ese código no es correcto. Escribe el código que muestra ahora la aplicación.
two-factor-expired = Este acceso ha tardado demasiado o ha tenido demasiados códigos erróneos. Vuelve a entrar.
sso-not-set-up = El inicio de sesión único no está configurado para este cliente.
sso-expired = Este inicio de sesión único ha caducado o se empezó en otro navegador. Vuelve a intentarlo.
sso-no-role = El proveedor de identidad no te ha asignado ningún rol, así que no se ha podido crear tu cuenta. Pregunta a tu administrador.
sso-no-user = No hay ningún usuario con tu nombre en este cliente. Pregunta a tu administrador.
account-title = Mi cuenta
sessions-title = Mis sesiones
two-factor-required = Tu organización exige el acceso en dos pasos para tu rol.
two-factor-turn-off = Desactivar el acceso en dos pasos
two-factor-on = El acceso en dos pasos está activado.
two-factor-off = El acceso en dos pasos está desactivado.
two-factor-set-up = Configurar el acceso en dos pasos
session-this = Esta sesión
session-end = Cerrar
session-expires = Caduca
two-factor-now-on = El acceso en dos pasos ya está activado.
two-factor-now-off = El acceso en dos pasos ya está desactivado.
access-title = Acceso
two-factor-rule = Acceso en dos pasos para administradores y supervisores
two-factor-optional = Opcional
two-factor-required-choice = Obligatorio
sso-title = Inicio de sesión único (OpenID Connect)
sso-hint = Deja el emisor vacío para usar solo contraseñas. Registra esta ruta de retorno en tu proveedor:
sso-issuer = Emisor
sso-client-id = ID de cliente
sso-client-secret = Secreto de cliente
sso-role-claim = Atributo que indica el rol
sso-create-users = Crear los usuarios en su primer acceso
sso-secret-kept = Hay un secreto guardado (déjalo vacío para conservarlo)
two-factor-reset = Quitar el acceso en dos pasos (móvil perdido)
two-factor-reset-confirm = ¿Quitar el acceso en dos pasos de este usuario? Lo volverá a configurar donde sea obligatorio.

## Clientes (CRM) e importaciones
crm-title = Clientes
crm-record = Ficha del cliente
crm-search = Buscar un cliente
crm-search-hint = Un nombre (en cualquier orden, con o sin acentos), un teléfono en cualquier formato, un correo electrónico o el código del cliente.
crm-none = No se ha encontrado ningún cliente.
crm-name = Nombre
crm-duplicates = Posibles duplicados
crm-duplicates-hint = Fichas con el mismo nombre y el mismo código postal y ciudad. Fusiónelas, o déjelas si son personas distintas.
crm-no-duplicates = No hay posibles duplicados.
crm-merge-into = Fusionar en #{ $id }
crm-external-id = Código del cliente
crm-phones = Teléfonos
crm-phones-hint = Uno por línea; tras el número, añada ", mobile", ", landline", ", work" u ", other".
crm-emails = Correos electrónicos
crm-emails-hint = Uno por línea.
crm-addresses = Direcciones
crm-street = Calle
crm-postal-code = Código postal
crm-city = Ciudad
crm-country = País
crm-tags = Etiquetas
crm-fields = Campos propios
crm-fields-hint = Uno por línea: nombre = valor.
crm-version = Versión
crm-invalid = no marcar
crm-merge = Fusionar otra ficha en esta
crm-merge-other = Número de ficha
crm-merged-here = Fusionadas en esta ficha
crm-unmerge = Deshacer la fusión
crm-timeline = Historial
crm-older = Entradas anteriores
crm-kind-contact = Contacto
crm-kind-note = Nota
crm-kind-profile = Respuesta
crm-kind-dial = Intentos de llamada
crm-kind-change = Cambio
crm-cause-edit = Editado
crm-cause-import = Importación { $n }
crm-cause-merge = Ficha #{ $n } fusionada en esta
crm-cause-unmerge = Ficha #{ $n } separada de nuevo
crm-cause-contact = Contacto #{ $n }
crm-cause-merged_into = Fusionada en #{ $n }
crm-cause-unmerged_from = Separada de #{ $n }
crm-part-created = creada
crm-part-external_id = id del cliente
crm-part-name = nombre
crm-part-phones = teléfonos
crm-part-emails = correos electrónicos
crm-part-addresses = direcciones
crm-part-language = idioma
crm-part-time_zone = zona horaria
crm-part-tags = etiquetas
imports-campaign = Campaña (opcional)
imports-no-campaign = Ninguna: solo clientes
imports-campaign-hint = Con una campaña, la ficha de cada fila entra también en su lista de contactos (una vez: una ficha que ya está no se añade otra vez).
imports-contacts = Contactos añadidos
imports-title = Importaciones
imports-new = Importar clientes
imports-file = Archivo (CSV, XLSX u ODS)
imports-country = País de los números escritos sin prefijo internacional
imports-mapping = Correspondencia (TOML, opcional: sin ella se reconocen las cabeceras habituales)
imports-dry-run = Prueba: comprobar y contar sin escribir nada
imports-dry = prueba
imports-start = Importar
imports-latest = Últimas importaciones
imports-none = Todavía no hay importaciones.
imports-file-name = Archivo
imports-state = Estado
imports-state-running = En curso
imports-state-done = Terminada
imports-state-failed = Fallida
imports-rows = Filas
imports-created = Creadas
imports-updated = Actualizadas
imports-unchanged = Sin cambios
imports-rejected = Rechazadas
imports-duplicates = Duplicadas
imports-report = Informe
customer-fields = Campos del cliente
customer-fields-hint = Los campos propios de la empresa en cada ficha de cliente: las importaciones y las ediciones los comprueban, y la ficha emergente muestra los marcados. Deje el nombre vacío, o marque Quitar, para descartar una fila.
field-name = Nombre
field-label = Etiqueta
field-type = Tipo
field-required = Obligatorio
field-pattern = Patrón
field-options = Opciones (separadas por comas)
field-screen-pop = En la ficha emergente
field-remove = Quitar
field-type-text = Texto
field-type-number = Número
field-type-date = Fecha
field-type-choice = Opción
field-type-yes-no = Sí/no
row = Fila
consent-title = Consentimiento
consent-none = No hay consentimientos registrados.
consent-purpose = Finalidad
consent-purpose-hint = Para qué es, en minúsculas: marketing, collections, surveys; retirar "all" detiene todas las llamadas.
consent-channel = Canal
consent-channel-voice = Llamadas
consent-channel-sms = Mensajes de texto
consent-channel-email = Correo electrónico
consent-channel-any = Todos los canales
consent-granted = Otorgado o retirado
consent-given = Otorgado
consent-withdrawn = Retirado
consent-when = Cuándo
consent-source = Origen
consent-evidence = Prueba
imports-dnc = Lista de exclusión
imports-dnc-hint = Un archivo de números, uno por línea, sustituye la lista de ese nombre cuando se ha leído entero. Una lista nacional (la lista Robinson) se indica como tal cuando bloquea una llamada.
imports-list-name = Nombre de la lista
imports-national = Registro nacional
imports-feed = Alimentar una campaña con una consulta guardada
imports-feed-hint = Las fichas que encuentra la consulta entran en la lista de contactos de la campaña con sus números válidos; las que ya están no se añaden de nuevo.
imports-query = Consulta guardada
imports-feed-campaign = Campaña
