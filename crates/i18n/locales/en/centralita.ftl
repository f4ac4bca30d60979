## Common
app-name = Centralita
sign-in = Sign in
sign-out = Sign out
username = User name
password = Password
sign-in-failed = The user name or the password is wrong.
sign-in-locked = Too many failed sign-ins with this name from here. Try again in { $count ->
    [one] one minute
   *[other] { $count } minutes
}.
sign-in-busy = Many people are signing in right now. Try again in a moment.
save = Save
cancel = Cancel
delete = Delete
edit = Edit
add = Add
search = Search
language = Language
time-zone = Time zone
yes = Yes
no = No
not-allowed = You are not allowed to do this.
not-found = Not found.
saved = Saved.
field-error = { $field }: { $message }

## Agent states
state-offline = Offline
state-available = Available
state-reserved = Ringing
state-busy = Busy
state-wrap-up = Wrap-up
state-not-ready = Not ready
reason-break = Break
reason-lunch = Lunch
reason-training = Training
reason-meeting = Meeting
reason-missed = Missed offer
time-in-state = { $duration } in this state

## Agent desktop
desktop-title = Agent desktop
go-available = Go available
go-not-ready = Not ready
offer-incoming = Incoming { $channel }
offer-countdown = { $seconds ->
    [one] { $seconds } second left to answer
   *[other] { $seconds } seconds left to answer
}
accept = Accept
reject = Reject
customer = Customer
customer-unknown = Unknown customer
value-tier = Value tier
consent = Consent
do-not-call = Do not call
last-contacts = Last contacts
open-cases = Open cases
ivr-collected = What the customer told the IVR
no-history = No earlier contacts.
no-open-cases = No other open interactions and no callback pending.
callback-pending = Callback scheduled for { $time }
interaction-created = Created
interaction-waiting = Waiting
interaction-offered = Ringing an agent
interaction-connected = With an agent
interaction-transferring = Being transferred
conversation = Conversation
type-message = Write a message
send = Send
notes = Notes
script = Script
profiling-question = Profiling question
disposition = Disposition
choose-disposition = Choose a disposition
wrap-up-left = { $seconds ->
    [one] { $seconds } second of wrap-up left
   *[other] { $seconds } seconds of wrap-up left
}
schedule-callback = Schedule a callback
callback-local-time = Customer's local time: { $time }
transfer = Transfer
transfer-to-queue = To a queue
transfer-to-agent = To an agent
complete = Complete
contacts-today = { $count ->
    [one] { $count } contact today
   *[other] { $count } contacts today
}

## Channels
channel-voice = call
channel-chat = chat
channel-email = email
channel-sms = SMS
channel-web_form = web form
channel-fax = fax
channel-callback = callback
channel-task = task
channel-outbound_voice = outbound call

## Wallboard
wallboard-title = Wallboard
full-screen = Full screen
queue = Queue
waiting-now = Waiting now
longest-wait = Longest wait
service-level-today = Service level today
service-level-30min = Service level, last 30 min
target = Target
asa = Average speed of answer
abandoned = Abandoned
agents-by-state = Agents by state
agents = Agents
current-interaction = Current interaction
force-not-ready = Force not ready
force-sign-out = Sign out
reassign = Reassign
alert-service-level = { $queue }: service level { $value } is below the target { $target }.
waiting-count = { $count ->
    [one] { $count } waiting
   *[other] { $count } waiting
}
agents-count = { $count ->
    [one] { $count } agent
   *[other] { $count } agents
}

## Administration
admin-title = Administration
users = Users
roles = Roles
role-admin = Administrator
role-supervisor = Supervisor
role-agent = Agent
role-analyst = Analyst
role-client = Client
skills = Skills
proficiency = Proficiency
teams = Teams
queues = Queues
business-hours = Business hours
holidays = Holidays
disposition-codes = Disposition codes
reason-codes = Reason codes
scripts = Scripts
tenants = Tenants
routing-plans = Routing plans
routing-plan-raw = Plan as TOML or JSON
validate = Validate
plan-valid = The plan is valid.
rules = Rules
timed-steps = Timed steps

## Chat page (customers)
chat-title = Chat with us
chat-welcome = Write your question and an agent will answer shortly.
chat-waiting = An agent will be with you shortly.
chat-agent-joined = { $agent } joined the conversation.
chat-ended = The conversation has ended. Thank you.
chat-your-name = Your name
chat-email = E-mail
chat-subject = What is it about? (optional)
chat-start = Start chat
chat-conversation = Conversation
chat-message = Message
chat-message-placeholder = Type a message
chat-you = You
chat-agent = Agent
chat-connected = An agent has joined the conversation.
chat-transferring = We are passing you to another agent…
chat-reconnecting = The connection was lost; reconnecting…
chat-failed = Something went wrong:
chat-new = Start a new chat

## Web UI
actions = Actions
add-note = Add a note
add-user = Add a user
routing-plan-form = Rules and timed steps
new-rule = New rule
rule-name = Rule name
segment = Segment
priority-add = Add to priority
add-skills = Skills to add (skill:level, …)
remove = Remove
until-s = Until (seconds in queue; empty on the last step)
team = Team
form-has-mistakes = Nothing was saved: see the messages next to the fields.
plan-form-hint = Lists are separated by commas. Saving goes through the same validator as the document below, which then shows what was saved; what the form does not show is kept.
form-required = Required.
form-whole-number = A whole number.
form-seconds = A number of seconds.
form-skill-level = write skill:level, such as support:5.
form-queue-gone = this queue is no longer in the plan.
opening-hours = Opening hours (days = HH:MM-HH:MM, one a line)
holiday-dates = Holidays (YYYY-MM-DD, …)
when-closed = When closed
form-weekly = write days = HH:MM-HH:MM, such as mon-fri = 08:00-20:00.
change-role = Change the role
new-password = New password
reset-password = Reset the password
password-reset-done = Password changed; the user's sessions have ended.
remove-user = Remove the user
remove-user-confirm = Remove this user? Their sessions end at once.
last-admin = The last administrator cannot lose that role.
own-user = You cannot change or remove your own user here.
user-exists = this user already exists.
agent = Agent
agent-user = User who works as this agent (optional)
answered = Answered
callback-when = Date and time, in the customer's time zone
caller-number = Caller number
change-state = Change my state
channel = Channel
contacts-today-col = Contacts today
define-agent = Add an agent or change its skills
desktop-settings = Reason codes, dispositions and scripts
desktop-settings-hint = Not-ready reason codes, disposition codes with their effects, and each queue's script and profiling questions.
desktop-settings-raw = Settings as TOML or JSON
dialled-number = Dialled number
live-updates = Live updates
my-state = My state
navigation = Main navigation
no-messages = No messages yet.
no-script = No script for this queue.
no-work = No interaction now. Offers appear here as they arrive.
nobody-available = No agent is available.
nobody-waiting = Nobody is waiting.
not-an-agent = Your user is not linked to an agent. An administrator can link it in Administration.
outcome = Outcome
password-hint = At least 12 characters, not only spaces, not the user name.
plan-hint = Queues, teams, business hours, holidays, rules and timed steps. Validate checks it without applying it.
profile-needs-customer = The profiling questions need a customer record; this contact has none.
role = Role
save-answers = Save the answers
set-state = Set
settings-valid = The settings are valid.
skills-hint = skill:level separated by commas, levels 1 to 10 (support:8, sales:4).
skip-to-content = Skip to the content
state = State
subject = Subject
tenant = Company (tenant)
tenant-hint = Leave it empty if you administer the provider.
time-in-state-col = Time in state
time-to-answer = Time left to answer:
tv-mode = TV mode
waited = Waited
waiting-interactions = Waiting interactions
when = When
wrap-up-time = Wrap-up time left:
you = You
reason-supervisor = Set by a supervisor
back-home = Back to the first page
apply-preferences = Apply
call-controls = Call
call-live = Talking to the customer
call-on-hold = The customer is on hold (music)
call-muted = Muted: the customer does not hear you
call-consult-ringing = Consulting: ringing the other agent; the customer is on hold
call-consulting = Consulting: you are talking to the other agent; the customer is on hold
call-hold = Hold
call-resume = Resume
call-mute = Mute
call-unmute = Unmute
call-hangup = Hang up
call-consult-with = Consult with
call-consult = Consult
call-consult-complete = Complete the transfer
call-consult-cancel = Back to the customer
call-consult-title = Consult transfer

## Agents' teams (administration)
teams-hint = Team names separated by commas (vip, billing); routing plans can ask for a team. Empty: none.

## Campaigns
campaigns-title = Campaigns
campaign = Campaign
campaign-mode = Mode
campaign-mode-preview = Preview
campaign-mode-progressive = Progressive
campaign-mode-power = Power
campaign-mode-predictive = Predictive
campaign-state-ready = Ready
campaign-state-running = Running
campaign-state-paused = Paused
campaign-state-stopped = Stopped
campaign-state-finished = Finished
campaign-contacts-closed = Contacts closed
campaign-reached = Reached
campaign-dials = Calls placed
campaign-answer-rate = Answer rate
campaign-abandon-rate = Abandon rate
campaign-start = Start
campaign-pause = Pause
campaign-stop = Stop
campaign-stop-confirm = Stop this campaign for good? Its open contacts will not be called.
campaign-new = New campaign
campaign-caller-id = Caller ID shown
campaign-country-code = Country calling code for national numbers
campaign-contacts = Contacts
campaign-contacts-hint = One per line: name, then one or more numbers, separated by commas.
campaign-create = Create campaign
no-campaigns = No campaigns yet.
campaign-contact = Contact
campaign-phones = Numbers
campaign-reason = Why
campaign-attempts = Calls
campaign-last-outcome = Last call
campaign-contact-open = Open
campaign-contact-reached = Reached
campaign-contact-exhausted = Exhausted
campaign-contact-rejected = Rejected
dial-outcome-live_answer = Answered
dial-outcome-busy = Busy
dial-outcome-no_answer = No answer
dial-outcome-machine = Machine
dial-outcome-failed = Failed
dial-outcome-abandoned = Abandoned
team-members = Members
previews-title = Contacts to call
preview-call-now = Call now
preview-skip = Skip
preview-dials-at = called by itself at { $time }

## Wallboard: the waiting list, page by page
waiting-shown = showing { $first }–{ $last }
waiting-pages = Pages of waiting interactions
page-previous = Previous
page-next = Next

## Administration: the tenant's time zone and holidays
tenant-settings = Time zone and holidays
tenant-settings-hint = The company's own time zone and holiday calendar: the wallboard's day starts at midnight in this zone; routing plans, campaigns and case timers refer to them.
tenant-time-zone = Time zone (an IANA name such as Europe/Madrid)
tenant-holidays = Holidays
tenant-holidays-hint = One a line: the date as YYYY-MM-DD, then its name if it has one (2026-12-25 Christmas).

## API tokens (administration)
tokens-title = API tokens
tokens-hint = Tokens let your company's systems use the API with a role of their own. The secret is shown once, when the token is made; a revoked token stops working at once.
tokens-none = No API tokens yet.
token-name = Name
token-created = Made
token-expires = Expires
token-last-used = Last used
token-new = New token
token-make = Make token
token-revoke = Revoke
token-revoke-confirm = Revoke this token? Whatever uses it stops working at once.
token-revoked = Token revoked.
token-secret-once = Copy the secret now: it is not shown again.
never = never

## Audit trail (administration)
audit-title = Audit trail
audit-hint = Who did what, by id: sign-ins, users and roles, passwords, tokens, plans and settings, recordings listened to, the floor's forced changes. Each entry is chained to the one before by a hash; the command `centralita audit verify` checks the chain.
audit-none = Nothing recorded yet.
audit-when = When
audit-actor = Who
audit-action = What
audit-target = On
audit-download = Download the whole trail (CSV)

## Sign-in: single sign-on and the second factor
sign-in-sso = Sign in with single sign-on
continue = Continue
two-factor = Two-factor sign-in
two-factor-setup = Set up two-factor sign-in
two-factor-setup-hint = Scan this code with an authenticator app (such as FreeOTP, Aegis or Google Authenticator), then type the six digits it shows.
two-factor-qr = QR code of your two-factor key
two-factor-key = Or type this key into the app:
two-factor-code = Code from your authenticator app
verify = Verify
two-factor-wrong = That code is not right. Type the code the app shows now.
two-factor-expired = This sign-in took too long or had too many wrong codes. Sign in again.
sso-not-set-up = Single sign-on is not set up for this tenant.
sso-expired = This single sign-on expired or was started in another browser. Try again.
sso-no-role = The identity provider gave no role for you, so no account could be made. Ask your administrator.
sso-no-user = There is no user with your name in this tenant. Ask your administrator.
account-title = My account
sessions-title = My sessions
two-factor-required = Your organisation requires two-factor sign-in for your role.
two-factor-turn-off = Turn off two-factor sign-in
two-factor-on = Two-factor sign-in is on.
two-factor-off = Two-factor sign-in is off.
two-factor-set-up = Set up two-factor sign-in
session-this = This session
session-end = End
session-expires = Expires
two-factor-now-on = Two-factor sign-in is now on.
two-factor-now-off = Two-factor sign-in is now off.
access-title = Sign-in
two-factor-rule = Two-factor sign-in for admins and supervisors
two-factor-optional = Optional
two-factor-required-choice = Required
sso-title = Single sign-on (OpenID Connect)
sso-hint = Leave the issuer empty for passwords only. Register this redirect path at your provider:
sso-issuer = Issuer
sso-client-id = Client ID
sso-client-secret = Client secret
sso-role-claim = Claim that names the role
sso-create-users = Create users at their first sign-in
sso-secret-kept = A secret is kept (leave empty to keep it)
two-factor-reset = Remove two-factor sign-in (lost phone)
two-factor-reset-confirm = Remove this user's two-factor sign-in? They will set it up again where it is required.

## Customers (CRM) and imports
crm-title = Customers
crm-record = Customer record
crm-search = Find a customer
crm-search-hint = A name (any order, accents or not), a phone in any format, an e-mail address or the client's own id.
crm-none = No customer found.
crm-name = Name
crm-duplicates = Likely duplicates
crm-duplicates-hint = Records with the same name and the same postal code and city. Merge them, or leave them if they are different people.
crm-no-duplicates = No likely duplicates.
crm-merge-into = Merge into #{ $id }
crm-external-id = Client's id
crm-phones = Phones
crm-phones-hint = One per line; after a number, add ", mobile", ", landline", ", work" or ", other".
crm-emails = E-mail addresses
crm-emails-hint = One per line.
crm-addresses = Addresses
crm-street = Street
crm-postal-code = Postal code
crm-city = City
crm-country = Country
crm-tags = Tags
crm-fields = Custom fields
crm-fields-hint = One per line: name = value.
crm-version = Version
crm-invalid = not to be dialled
crm-merge = Merge another record into this one
crm-merge-other = Record number
crm-merged-here = Merged into this record
crm-unmerge = Undo the merge
crm-timeline = Timeline
crm-older = Older entries
crm-kind-contact = Contact
crm-kind-note = Note
crm-kind-profile = Answer
crm-kind-dial = Dial attempts
crm-kind-change = Change
crm-cause-edit = Edited
crm-cause-import = Import { $n }
crm-cause-merge = Record #{ $n } merged into this one
crm-cause-unmerge = Record #{ $n } taken out again
crm-cause-contact = Contact #{ $n }
crm-cause-merged_into = Merged into #{ $n }
crm-cause-unmerged_from = Taken out of #{ $n }
crm-part-created = created
crm-part-external_id = client's id
crm-part-name = name
crm-part-phones = phones
crm-part-emails = e-mail addresses
crm-part-addresses = addresses
crm-part-language = language
crm-part-time_zone = time zone
crm-part-tags = tags
imports-campaign = Campaign (optional)
imports-no-campaign = None: customers only
imports-campaign-hint = With a campaign, each row's record also joins its contact list (once: a record already in it is not added again).
imports-contacts = Contacts added
imports-title = Imports
imports-new = Import customers
imports-file = File (CSV, XLSX or ODS)
imports-country = Country of numbers written without a country code
imports-mapping = Mapping (TOML, optional: without it, common headers are recognised)
imports-dry-run = Dry run: check and count, write nothing
imports-dry = dry run
imports-start = Import
imports-latest = Latest imports
imports-none = No imports yet.
imports-file-name = File
imports-state = State
imports-state-running = Running
imports-state-done = Done
imports-state-failed = Failed
imports-rows = Rows
imports-created = Created
imports-updated = Updated
imports-unchanged = Unchanged
imports-rejected = Rejected
imports-duplicates = Duplicates
imports-report = Report
customer-fields = Customer fields
customer-fields-hint = The tenant's own fields on every customer record: imports and edits check them, and the screen pop shows those marked. Leave the name empty, or tick Remove, to leave a row out.
field-name = Name
field-label = Label
field-type = Type
field-required = Required
field-pattern = Pattern
field-options = Options (comma-separated)
field-screen-pop = In the screen pop
field-remove = Remove
field-type-text = Text
field-type-number = Number
field-type-date = Date
field-type-choice = Choice
field-type-yes-no = Yes/no
row = Row
consent-title = Consent
consent-none = No consent recorded.
consent-purpose = Purpose
consent-purpose-hint = What it is for, in lower case: marketing, collections, surveys; "all" withdrawn stops every call.
consent-channel = Channel
consent-channel-voice = Calls
consent-channel-sms = Text messages
consent-channel-email = E-mail
consent-channel-any = Every channel
consent-granted = Given or withdrawn
consent-given = Given
consent-withdrawn = Withdrawn
consent-when = When
consent-source = Source
consent-evidence = Evidence
imports-dnc = Do-not-call list
imports-dnc-hint = A file of numbers, one a line, replaces the list of that name when it has been read whole. A national list (the Robinson list) is reported as such when it blocks a call.
imports-list-name = List name
imports-national = National registry
imports-feed = Feed a campaign from a saved query
imports-feed-hint = The records the query finds join the campaign's contact list with their valid numbers; records already on it are not added again.
imports-query = Saved query
imports-feed-campaign = Campaign
