## Common
app-name = Centralita
sign-in = Sign in
sign-out = Sign out
username = User name
password = Password
sign-in-failed = The user name or the password is wrong.
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
