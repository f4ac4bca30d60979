// Centralita's web UI in a real browser: playwright-core driving Debian's
// Chromium against the real binary (`centralita serve`) on a fresh database.
//
// An administrator sets the desktop settings (and sees a plan error next to
// the field), adds a routing rule with the plan's form (its validation message
// next to the field first) and sees it in the raw view; an agent and a supervisor sign in in their own browser contexts;
// a customer opens the public chat page (in Spanish, from the browser's
// language) and writes; the agent gets the offer, accepts and answers, and the
// customer reads the answer over the chat's event stream (the page never
// polls), switches to Catalan and carries on; the agent answers a
// profiling question (checked on the customer through the API), completes and
// sets a disposition (checked through the API); the wallboard shows the new
// figures within a second; the supervisor forces the agent not ready and the
// agent's desktop follows, reassigns a waiting chat, opens the TV mode, pages
// through the waiting interactions (their count and page following live) and
// switches to Catalan. The administrator also sets the tenant's time zone and
// holidays (a wrong date shown with its line first).
//
// Environment: CENTRALITA_BIN (default ../../target/debug/centralita),
// CENTRALITA_DATABASE (default: a fresh SQLite file),
// CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (default
// ../../target/screenshots). Every step must pass: nothing is skipped.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, cli, startServer, apiSession, shot, signIn } from "./harness.mjs";

const TENANT = "acme";
const PASSWORDS = { admin: "admin long password", sup: "supervisor long password", ana: "agent ana long password" };
const PLAN = `time_zone = "Europe/Madrid"
default_queue = "support"

[[queue]]
name = "support"
strategy = "longest_idle"
wrap_up_s = 4
ring_timeout_s = 60

[[queue]]
name = "sales"
sl_target = 0.9
`;
const DESKTOP = `reasons = ["break", "lunch", "training"]

[[disposition]]
code = "resolved"

[[disposition]]
code = "do_not_call"
effect = "do_not_call"

[[queue]]
name = "support"
dispositions = ["resolved", "do_not_call"]
script = ["Greet the customer by name.", "Confirm the reason; do not ask again."]

[[queue.question]]
field = "contract"
label = "Which contract do you have?"
options = ["prepaid", "postpaid"]
`;







test("an agent and a supervisor work a chat end to end in the browser", { timeout: 180000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-ui-"));
  cli(data, ["tenant", "add", TENANT]);
  for (const [user, role] of [["admin", "admin"], ["sup", "supervisor"], ["ana", "agent"]]) {
    cli(data, ["user", "add", "--tenant", TENANT, "--username", user, "--role", role], `${PASSWORDS[user]}\n`);
  }
  const { child, url } = await startServer(data);
  t.after(() => {
    child.kill("SIGTERM");
    rmSync(data, { recursive: true, force: true });
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());

  const admin = await apiSession(url, "admin", PASSWORDS.admin);
  assert.equal((await admin("PUT", "/api/v1/routing/plan", { document: PLAN })).status, 204);
  assert.equal((await admin("POST", "/api/v1/agents", {
    name: "ana", skills: [{ name: "support", level: 8 }], username: "ana",
  })).status, 201);
  assert.equal((await admin("POST", "/api/v1/agents", {
    name: "ben", skills: [{ name: "sales", level: 9 }],
  })).status, 201);
  const eva = await admin("POST", "/api/v1/customers", { name: "Eva Puig", phone: "+34600000001", email: "eva@example.com" });
  assert.equal(eva.status, 201);
  const evaId = eva.json.id;
  assert.equal((await admin("POST", `/api/v1/customers/${evaId}/profile`, {
    fields: { value_tier: "gold", consent: "marketing: yes" },
  })).status, 204);

  const viewport = { width: 1280, height: 800 };
  const ctx = async (lang = "en-GB") => browser.newContext({ viewport, locale: lang, timezoneId: "Europe/Madrid" });
  const adminPage = await (await ctx()).newPage();
  const agentPage = await (await ctx()).newPage();
  const supPage = await (await ctx()).newPage();
  // The customer's browser asks for Spanish: the chat page answers in Spanish.
  const customerPage = await (await ctx("es-ES")).newPage();
  // The customer's page follows the chat over its stream: it never asks for messages.
  const customerRequests = [];
  customerPage.on("request", (r) => customerRequests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const errors = [];
  for (const p of [adminPage, agentPage, supPage, customerPage]) {
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/.test(m.text())) { errors.push(m.text()); }
    });
  }

  await t.test("the administrator sees plan errors next to the field and saves the desktop settings", async () => {
    await signIn(adminPage, url, "admin", PASSWORDS.admin);
    assert.match(adminPage.url(), /\/ui\/admin$/);
    await adminPage.getByLabel("Plan as TOML or JSON").fill(`${PLAN}\n[[queue]]\nname = 7\n`);
    await adminPage.getByRole("button", { name: "Validate" }).first().click();
    await adminPage.locator("#plan-msg .error").waitFor();
    assert.match(await adminPage.locator("#plan-msg").innerText(), /plan:\d+:\d+/);
    await adminPage.getByLabel("Settings as TOML or JSON").fill(DESKTOP);
    await adminPage.locator("#desk").press("Tab");
    await adminPage.getByRole("button", { name: "Validate" }).nth(1).click();
    await adminPage.locator("#desk-msg .ok").waitFor();
    await adminPage.locator("#desk ~ div button[type=submit]").click();
    await adminPage.locator("#desk-msg").getByText("Saved.").waitFor();
    await shot(adminPage, "administration");
  });

  await t.test("the administrator sets the tenant's time zone and holidays; a wrong date is shown with its line", async () => {
    const box = adminPage.locator("#tenant-box");
    await box.getByLabel(/Time zone/).fill("Europe/Madrid");
    await box.getByLabel("Holidays").fill("2026-12-25 Christmas\n2026-02-30 Nope\n2026-01-06, Epiphany");
    await box.getByRole("button", { name: "Save" }).click();
    await adminPage.locator("#tenant-holidays-msg .error").waitFor();
    assert.match(await adminPage.locator("#tenant-holidays-msg").innerText(), /line 2: "2026-02-30" is not a day that exists/);
    assert.deepEqual((await admin("GET", "/api/v1/settings/tenant")).json, { time_zone: "UTC", holidays: [] });
    await adminPage.locator("#tenant-box").getByLabel("Holidays").fill("2026-12-25 Christmas\n2026-01-06, Epiphany");
    await adminPage.locator("#tenant-box").getByRole("button", { name: "Save" }).click();
    await adminPage.locator("#tenant-msg .ok").waitFor();
    assert.equal(await adminPage.locator("#tenant-holidays").inputValue(), "2026-01-06 Epiphany\n2026-12-25 Christmas\n");
    assert.deepEqual((await admin("GET", "/api/v1/settings/tenant")).json, {
      time_zone: "Europe/Madrid",
      holidays: [{ date: "2026-01-06", name: "Epiphany" }, { date: "2026-12-25", name: "Christmas" }],
    });
    await adminPage.locator("#tenant-h").scrollIntoViewIfNeeded();
    await adminPage.locator("section", { has: adminPage.locator("#tenant-h") }).screenshot({ path: join(SHOTS, "tenant-settings.png") });
  });

  await t.test("the administrator adds a rule with the plan's form; the raw view shows what was saved", async () => {
    const rule = adminPage.locator("#plan-form fieldset.rule");
    await rule.getByLabel("Rule name").fill("catalan");
    await rule.getByLabel("Language").fill("ca");
    await rule.getByLabel("Queue").fill("nowhere");
    await rule.getByLabel("Queue").press("Enter");
    // The validator's message, next to the rule's queue; nothing saved, the input kept.
    await adminPage.locator("#r-0-queue-err").waitFor();
    assert.match(await adminPage.locator("#r-0-queue-err").innerText(), /no queue named "nowhere"/);
    assert.equal(await adminPage.locator("#r-0-queue").getAttribute("aria-invalid"), "true");
    assert.equal(await adminPage.locator("#r-0-name").inputValue(), "catalan");
    assert.doesNotMatch(JSON.stringify((await admin("GET", "/api/v1/routing/plan")).json), /catalan/);
    await adminPage.locator("#r-0-queue").fill("support");
    await adminPage.locator("#plan-form button[type=submit]").click();
    await adminPage.locator("#plan-form-msg .ok").waitFor();
    const raw = await adminPage.getByLabel("Plan as TOML or JSON").inputValue();
    assert.match(raw, /name = "catalan"/);
    assert.match(raw, /language = \["ca"\]/);
    // The raw view's old message went with its old text.
    assert.equal(await adminPage.locator("#plan-msg").innerText(), "");
    assert.match(JSON.stringify((await admin("GET", "/api/v1/routing/plan")).json), /catalan/);
    await shot(adminPage, "plan-form", true);
  });

  await t.test("the agent signs in and goes available", async () => {
    await signIn(agentPage, url, "ana", PASSWORDS.ana);
    assert.match(agentPage.url(), /\/ui\/agent$/);
    await agentPage.getByLabel("Change my state").selectOption("available");
    await agentPage.getByRole("button", { name: "Set" }).click();
    await agentPage.locator("#my-state", { hasText: "Available" }).waitFor();
  });

  await t.test("the supervisor opens the wallboard", async () => {
    await signIn(supPage, url, "sup", PASSWORDS.sup);
    assert.match(supPage.url(), /\/ui\/wallboard$/);
    await supPage.locator("#live-status.on").waitFor();
    assert.equal(await supPage.locator('tr[data-queue="support"] td.answered').innerText(), "0");
    assert.equal(await supPage.locator('li[data-state="available"] .count').innerText(), "1");
  });

  let interaction;
  await t.test("a customer writes on the chat page and the agent gets the offer with the screen pop", async () => {
    await agentPage.locator("#live-status.on").waitFor();
    await customerPage.goto(`${url}/chat/${TENANT}`);
    assert.equal(await customerPage.locator("html").getAttribute("lang"), "es");
    await customerPage.getByLabel("Su nombre").fill("Eva");
    await customerPage.getByLabel("Correo electrónico").fill("eva@example.com");
    await customerPage.getByRole("button", { name: "Empezar el chat" }).click();
    await customerPage.getByText("Un agente le atenderá en breve.").waitFor();
    await customerPage.getByLabel("Mensaje").fill("Hello, my internet is down.");
    await customerPage.getByRole("button", { name: "Enviar" }).click();
    // Shown once it has come back on the stream, i.e. once it is kept.
    await customerPage.locator("#log .customer", { hasText: "Usted: Hello, my internet is down." }).waitFor();
    const accept = agentPage.locator("button[id^=accept-]");
    await accept.waitFor({ timeout: 10000 });
    interaction = Number((await accept.getAttribute("id")).slice("accept-".length));
    const offer = agentPage.locator(".offer");
    assert.match(await offer.innerText(), /Incoming chat/);
    assert.match(await agentPage.locator(".countdown").innerText(), /^\d+:\d\d$/);
    const pop = await agentPage.locator("#work").innerText();
    assert.match(pop, /Eva Puig/);
    assert.match(pop, /Value tier: gold/);
    assert.match(pop, /eva@example\.com/);
    await shot(agentPage, "agent-offer");
  });

  await t.test("the agent accepts; the wallboard shows it within a second", async () => {
    const answered = supPage.locator('tr[data-queue="support"] td.answered');
    const started = Date.now();
    await agentPage.locator(`#accept-${interaction}`).click();
    await supPage.waitForFunction(
      () => document.querySelector('tr[data-queue="support"] td.answered')?.textContent === "1"
        && document.querySelector('li[data-state="busy"] .count')?.textContent === "1",
      null,
      { timeout: 1000 },
    );
    const took = Date.now() - started;
    assert.ok(took <= 1000, `the wallboard took ${took} ms`);
    assert.equal(await answered.innerText(), "1");
    assert.equal(await supPage.locator('tr[data-agent="ana"] td.contacts').innerText(), "1");
    assert.match(await supPage.locator('tr[data-queue="support"] td.queue-agents').innerText(), /Busy: 1/);
    assert.equal(await supPage.locator('tr[data-queue="sales"] td.queue-agents').innerText(), "—");
  });

  await t.test("the agent reads the customer's message and replies; the customer sees the reply", async () => {
    await agentPage.locator(`#log-${interaction}`).getByText("Hello, my internet is down.").waitFor();
    await agentPage.getByPlaceholder("Write a message").fill("Hi Eva, let me check your line.");
    await agentPage.getByRole("button", { name: "Send" }).click();
    await agentPage.locator(`#log-${interaction}`).getByText("Hi Eva, let me check your line.").waitFor();
    await customerPage.getByText("Un agente se ha unido a la conversación.").waitFor({ timeout: 5000 });
    await customerPage.getByText("Agente: Hi Eva, let me check your line.").waitFor({ timeout: 5000 });
    await shot(customerPage, "chat-es");
    const streams = customerRequests.filter((r) => /^GET \/chat\/acme\/\d+\/events$/.test(r));
    assert.equal(streams.length, 1, customerRequests.join("\n"));
    assert.deepEqual(customerRequests.filter((r) => /^GET .*\/messages$/.test(r)), [], "the chat page polled");
  });

  await t.test("the customer switches the chat page to Catalan and the conversation carries on", async () => {
    await customerPage.getByRole("link", { name: "Català" }).click();
    await customerPage.waitForURL(/\?lang=ca$/);
    assert.equal(await customerPage.locator("html").getAttribute("lang"), "ca");
    // The conversation is read again from the stream, now with Catalan labels.
    await customerPage.getByText("Agent: Hi Eva, let me check your line.").waitFor({ timeout: 5000 });
    await customerPage.getByText("Vós: Hello, my internet is down.").waitFor();
    await customerPage.getByLabel("Missatge").fill("Gràcies!");
    await customerPage.getByRole("button", { name: "Envia" }).click();
    await agentPage.locator(`#log-${interaction}`).getByText("Gràcies!").waitFor({ timeout: 5000 });
    await shot(customerPage, "chat-ca");
  });

  await t.test("the agent answers a profiling question and it is saved on the customer", async () => {
    await agentPage.getByLabel(/Which contract do you have\?/).selectOption("postpaid");
    await agentPage.getByRole("button", { name: "Save the answers" }).click();
    await agentPage.locator(`#script-${interaction}`).getByText("Saved.").waitFor();
    await agentPage.getByLabel("Add a note").fill("Line reset from the back office.");
    await agentPage.getByRole("button", { name: "Add", exact: true }).click();
    await agentPage.locator(`#notes-${interaction}`).getByText("Line reset from the back office.").waitFor();
    await shot(agentPage, "agent-desktop", true);
    const c = await admin("GET", `/api/v1/customers/${evaId}`);
    assert.equal(c.status, 200);
    assert.equal(c.json.profile.contract, "postpaid");
  });

  await t.test("the agent completes and sets the disposition", async () => {
    await agentPage.locator(`#complete-${interaction}`).click();
    await agentPage.getByText("Wrap-up time left:").waitFor();
    await agentPage.locator(`#disp-${interaction}`).selectOption("resolved");
    await agentPage.locator(`#disp-${interaction} ~ button`).click();
    await agentPage.locator("#no-work").waitFor();
    const it = await admin("GET", `/api/v1/interactions/${interaction}`);
    assert.equal(it.json.disposition, "resolved");
    assert.equal(it.json.state, "ended");
    // The customer is told, in the page's language, and may start again.
    await customerPage.getByText("La conversa ha acabat. Gràcies.").waitFor({ timeout: 5000 });
    await customerPage.getByRole("button", { name: "Comença un altre xat" }).waitFor();
    assert.equal(await customerPage.locator("#send").isHidden(), true);
  });

  await t.test("the supervisor forces the agent not ready and the agent's desktop follows", async () => {
    await shot(supPage, "wallboard");
    await supPage.locator('tr[data-agent="ana"]').getByRole("button", { name: /Force not ready/ }).click();
    // The agent is in wrap-up (4 s): not ready takes effect when it ends.
    await agentPage.locator("#my-state", { hasText: "Set by a supervisor" }).waitFor({ timeout: 10000 });
    await supPage.locator('li[data-state="not_ready"] .count', { hasText: "1" }).waitFor({ timeout: 2000 });
  });

  await t.test("the supervisor reassigns a waiting interaction to an agent the plan would not choose", async () => {
    // ana is not ready; ben (sales only) is available: a support chat waits.
    assert.equal((await admin("POST", "/api/v1/agents/1/sign-in", {})).status, 204);
    const created = await admin("POST", "/api/v1/interactions", { channel: "chat", queue: "support", subject: "Router down" });
    assert.equal(created.status, 201);
    const row = supPage.locator(`#assign-${created.json.id}`);
    await row.waitFor({ timeout: 2000 });
    assert.equal(await supPage.locator('tr[data-queue="support"] td.waiting').innerText(), "1");
    await row.selectOption({ label: "ben" });
    await supPage.locator(`#assign-${created.json.id} ~ button`).click();
    await supPage.locator('tr[data-agent="ben"]', { hasText: "Ringing" }).waitFor({ timeout: 2000 });
    const it = await admin("GET", `/api/v1/interactions/${created.json.id}`);
    assert.equal(it.json.state, "offered");
    assert.equal(it.json.agent_id, 1);
  });

  await t.test("the supervisor defines a campaign with pasted contacts; without a line it cannot start", async () => {
    await supPage.getByRole("link", { name: "Campaigns" }).click();
    await supPage.locator("h1", { hasText: "Campaigns" }).waitFor();
    await supPage.locator("summary", { hasText: "New campaign" }).click();
    await supPage.getByLabel("Campaign", { exact: true }).fill("renewals");
    await supPage.getByLabel("Mode").selectOption("predictive");
    await supPage.getByLabel("Team").fill("outbound");
    await supPage.getByLabel("Caller ID shown").fill("+34900100300");
    await supPage.getByLabel("Country calling code for national numbers").fill("34");
    await supPage.getByLabel("Contacts", { exact: true }).fill("Eva Puig, +34600000001\nJoan Soler, 600 000 002");
    await supPage.getByRole("button", { name: "Create campaign" }).click();
    const row = supPage.locator('tr[data-campaign="renewals"]');
    // The list is drawn by the answer and again, live, by the campaign's
    // facts (defined, then its contacts): wait for the one with the contacts.
    await supPage.locator('tr[data-campaign="renewals"]', { hasText: "0 / 2" }).waitFor({ timeout: 5000 });
    assert.match(await row.innerText(), /Predictive[\s\S]*Ready[\s\S]*0 \/ 2/);
    await row.getByRole("button", { name: /Start/ }).click();
    await supPage.locator("#flash", { hasText: "no line" }).waitFor({ timeout: 5000 });
    await shot(supPage, "campaigns");
    await row.getByRole("link", { name: "renewals" }).click();
    await supPage.locator('tr[data-contact="2"]', { hasText: "Open" }).waitFor();
    await supPage.goto(`${url}/ui/wallboard`);
  });

  await t.test("the wallboard has a TV mode", async () => {
    const tv = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, storageState: await supPage.context().storageState() })).newPage();
    await tv.goto(`${url}/ui/wallboard?tv=1`);
    assert.equal(await tv.locator("header.top").isVisible(), false);
    await shot(tv, "wallboard-tv");
  });

  await t.test("the wallboard says how many wait and pages through them, live", async () => {
    // ana is not ready and ben takes only sales: support chats wait.
    for (let i = 0; i < 55; i++) {
      assert.equal((await admin("POST", "/api/v1/interactions", { channel: "chat", queue: "support" })).status, 201);
    }
    const total = supPage.locator(".waiting-total");
    await supPage.waitForFunction(() => Number(document.querySelector(".waiting-total")?.dataset.total) >= 55, null, { timeout: 5000 });
    const n = Number(await total.getAttribute("data-total"));
    assert.match(await total.innerText(), new RegExp(`^${n} waiting · showing 1–50$`));
    assert.equal(await supPage.locator("table.waiting tbody tr").count(), 50);
    await supPage.getByRole("navigation", { name: "Pages of waiting interactions" }).getByRole("link", { name: "Next" }).click();
    await supPage.waitForURL(/waiting_page=2$/);
    assert.equal(await supPage.locator("table.waiting tbody tr").count(), n - 50);
    await supPage.locator("#live-status.on").waitFor();
    // A new chat arrives: the second page follows it live and stays the second page.
    assert.equal((await admin("POST", "/api/v1/interactions", { channel: "chat", queue: "support" })).status, 201);
    await supPage.locator(`.waiting-total[data-total="${n + 1}"]`).waitFor({ timeout: 2000 });
    assert.equal(await supPage.locator("table.waiting tbody tr").count(), n + 1 - 50);
    assert.match(await total.innerText(), new RegExp(`showing 51–${n + 1}$`));
    await shot(supPage, "wallboard-waiting", true);
    await supPage.goto(`${url}/ui/wallboard`);
  });

  await t.test("the supervisor switches to Catalan and sees Catalan labels", async () => {
    await supPage.locator("details.prefs-menu summary").click();
    await supPage.getByLabel("Language").selectOption("ca");
    await supPage.getByRole("button", { name: "Apply" }).click();
    await supPage.waitForFunction(() => document.documentElement.lang === "ca", null, { timeout: 5000 });
    await supPage.locator("h1", { hasText: "Tauler de supervisió" }).waitFor();
    assert.match(await supPage.locator("table.queues").innerText(), /Cua/);
    await shot(supPage, "wallboard-ca");
  });

  await t.test("no script errors and no content-security-policy violations on any page", () => {
    assert.deepEqual(errors, []);
  });
});
