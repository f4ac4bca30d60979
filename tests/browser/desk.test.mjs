// The agent desktop's floor comforts in a real browser (Debian's Chromium
// driven by playwright-core, the real binary on a fresh database): an offer
// always appears in a dock in view, rings (the agent can turn the sound
// off), retitles the page, notifies while the tab is hidden and is
// announced to screen readers, and says why it came to this agent; the
// agent works two chats as an inbox with one open, all from the keyboard
// (accept, next conversation, write, send, not ready and ready, the
// shortcuts' help); the agent's own figures count the day; axe-core finds
// nothing on the page. Screenshots in SCREENSHOT_DIR.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, cli, startServer, apiSession, shot, signIn, axeCheck } from "./harness.mjs";

const TENANT = "acme";
const PASSWORDS = { admin: "admin long password", ana: "agent ana long password" };
const PLAN = `default_queue = "support"

[[queue]]
name = "support"
strategy = "longest_idle"
ring_timeout_s = 120
`;
const DESKTOP = `reasons = ["break", "lunch"]

[[disposition]]
code = "resolved"

[[queue]]
name = "support"
[[queue.question]]
field = "contract"
label = "Which contract do you have?"
options = ["prepaid", "postpaid"]
next = { prepaid = "top_up", postpaid = "end" }
[[queue.question]]
field = "invoice"
label = "Which invoice?"
[[queue.question]]
field = "top_up"
label = "Last top-up amount?"

[[reply]]
title = "Saludo"
text = "Hola {customer_first}, soy {agent}. ¿En qué puedo ayudarle?"
language = "es"

[[reply]]
title = "Salutació"
text = "Hola {customer_first}, sóc {agent}."
language = "ca"
`;

// The page's notifications, recorded (the real ones are still shown), and a
// tab that can be told it is hidden.
const RECORD_NOTIFICATIONS = () => {
  window.__notes = [];
  const Real = window.Notification;
  window.Notification = function (title, opts) { window.__notes.push({ title, body: opts && opts.body }); return new Real(title, opts); };
  Object.defineProperty(window.Notification, "permission", { get: () => Real.permission });
  window.Notification.requestPermission = (...a) => Real.requestPermission(...a);
  let hidden = false;
  Object.defineProperty(document, "hidden", { get: () => hidden });
  window.__hide = (h) => { hidden = h; };
};

test("an agent never misses an offer and works an inbox from the keyboard", { timeout: 180000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-desk-"));
  cli(data, ["tenant", "add", TENANT]);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "admin", "--role", "admin"], `${PASSWORDS.admin}\n`);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "ana", "--role", "agent"], `${PASSWORDS.ana}\n`);
  const { child, url } = await startServer(data);
  t.after(() => { child.kill("SIGTERM"); rmSync(data, { recursive: true, force: true }); });
  const browser = await chromium.launch({
    executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"], headless: true, timeout: 30000,
  });
  t.after(() => browser.close());

  const admin = await apiSession(url, "admin", PASSWORDS.admin);
  assert.equal((await admin("PUT", "/api/v1/routing/plan", { document: PLAN })).status, 204);
  assert.equal((await admin("PUT", "/api/v1/settings/desktop", { document: DESKTOP })).status, 204);
  assert.equal((await admin("POST", "/api/v1/agents", { name: "ana", skills: [{ name: "support", level: 8 }], username: "ana" })).status, 201);
  const customer = async (name, phone) => (await admin("POST", "/api/v1/customers", { name, phone })).json.id;
  const eva = await customer("Eva Puig", "+34600000001");
  const jan = await customer("Jan Novák", "+420600000002");
  const chat = async (customer_id) => {
    const r = await admin("POST", "/api/v1/interactions", { channel: "chat", customer_id, attributes: { language: "es" } });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return r.json.id;
  };

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB", timezoneId: "Europe/Madrid" });
  await context.grantPermissions(["notifications"], { origin: url });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));

  await t.test("the agent signs in with desktop notifications on and changes state from the keyboard", async () => {
    await signIn(page, url, "ana", PASSWORDS.ana);
    await page.locator("#live-status.on").waitFor();
    assert.equal(await page.evaluate(() => Notification.permission), "granted");
    assert.equal(await page.locator("#notify-enable").getAttribute("aria-pressed"), "true");
    await page.keyboard.press("Alt+KeyY");
    await page.locator("#my-state", { hasText: "Available" }).waitFor();
    await page.keyboard.press("Alt+KeyU");
    await page.locator("#my-state", { hasText: /Not ready · break/i }).waitFor();
    await page.keyboard.press("Alt+KeyY");
    await page.locator("#my-state", { hasText: "Available" }).waitFor();
  });

  let first;
  await t.test("an offer appears in the dock in view, rings, retitles the page, notifies the hidden tab and is announced", async () => {
    await page.evaluate(() => { window.scrollTo(0, document.body.scrollHeight); window.__hide(true); });
    first = await chat(eva);
    const dock = page.locator("#offer-dock");
    await dock.locator(`[data-offer="${first}"]`).waitFor();
    assert.equal(await dock.evaluate((d) => getComputedStyle(d).position), "fixed");
    const box = await dock.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 800, `the dock is in view: ${JSON.stringify(box)}`);
    assert.match(await dock.innerText(), /Why you:.*queue support, step 1.*you had waited longest for work/s);
    assert.match(await page.title(), /^● Incoming chat/);
    await page.waitForFunction(() => document.getElementById("announce").textContent.includes("Incoming chat"));
    assert.match(await page.locator("#announce").textContent(), /Why you:/);
    await page.locator('body[data-rang="1"]').waitFor();
    const notes = await page.evaluate(() => window.__notes);
    assert.equal(notes.length, 1);
    assert.match(notes[0].title, /Incoming chat/);
    await page.evaluate(() => window.__hide(false));
    await shot(page, "desk-offer");
  });

  await t.test("Alt+A accepts; a second chat comes and the inbox lists both with one open", async () => {
    await page.keyboard.press("Alt+KeyA");
    await page.locator(`#item-${first} h2`).waitFor();
    await page.waitForFunction(() => document.title === "Agent desktop · Centralita");
    const second = await chat(jan);
    await page.locator(`#offer-dock [data-offer="${second}"]`).waitFor();
    await page.locator('body[data-rang="2"]').waitFor();
    await page.keyboard.press("Alt+KeyA");
    await page.locator(`[data-open="${second}"][aria-pressed="true"]`).waitFor();
    assert.equal(await page.locator("[data-open]").count(), 2);
    assert.equal(await page.locator(`#item-${second}`).isVisible(), true);
    assert.equal(await page.locator(`#item-${first}`).isVisible(), false);
    assert.match(await page.locator(".inbox").innerText(), /Eva Puig[\s\S]*Jan Novák|Jan Novák[\s\S]*Eva Puig/);
    // Alt+N opens the other conversation; Alt+M goes to its message field; Control+Enter sends.
    await page.keyboard.press("Alt+KeyN");
    await page.locator(`[data-open="${first}"][aria-pressed="true"]`).waitFor();
    assert.equal(await page.locator(`#item-${first}`).isVisible(), true);
    await page.keyboard.press("Alt+KeyM");
    await page.waitForFunction((id) => document.activeElement && document.activeElement.id === id, `msg-${first}`);
    await page.keyboard.type("Hola Eva, ya lo miro.");
    await page.keyboard.press("Control+Enter");
    await page.locator(`#log-${first}`, { hasText: "Hola Eva, ya lo miro." }).waitFor();
    const msgs = (await admin("GET", `/api/v1/interactions/${first}/messages`)).json;
    assert.match(JSON.stringify(msgs), /Hola Eva, ya lo miro\./);
    // The open conversation stays open across live refreshes.
    await admin("POST", `/api/v1/interactions/${second}/notes`, { body: "from the back office" });
    await page.waitForTimeout(500);
    assert.equal(await page.locator(`#item-${first}`).isVisible(), true);
    await shot(page, "desk-inbox", true);
  });

  await t.test("a canned reply in the conversation's language fills the message; the script branches on an answer", async () => {
    const item = page.locator(`#item-${first}`);
    const canned = item.getByLabel("Canned replies");
    assert.deepEqual(await canned.locator("option").allInnerTexts(), ["—", "Saludo"]);
    await canned.selectOption({ label: "Saludo" });
    assert.equal(await item.locator(`#msg-${first}`).inputValue(), "Hola Eva, soy ana. ¿En qué puedo ayudarle?");
    assert.equal(await page.evaluate(() => document.activeElement.id), `msg-${first}`);
    await page.keyboard.press("Control+Enter");
    await page.locator(`#log-${first}`, { hasText: "soy ana" }).waitFor();
    const q = (field) => item.locator(`.question[data-field="${field}"]`);
    assert.deepEqual([await q("contract").isVisible(), await q("invoice").isVisible(), await q("top_up").isVisible()], [true, false, false]);
    await q("contract").locator("select").selectOption("prepaid");
    assert.deepEqual([await q("invoice").isVisible(), await q("top_up").isVisible()], [false, true]);
    await q("top_up").locator("input").fill("20 EUR");
    await item.getByRole("button", { name: "Save the answers" }).click();
    await item.locator(".question ~ button ~ [role=status]", { hasText: "Saved" }).waitFor();
    const record = (await admin("GET", `/api/v1/customers/${eva}`)).json;
    assert.match(JSON.stringify(record), /"top_up","20 EUR"|"top_up":"20 EUR"/);
    await item.locator(".question[data-field=contract] select").selectOption("postpaid");
    assert.deepEqual([await q("invoice").isVisible(), await q("top_up").isVisible()], [false, false]);
    await shot(page, "desk-canned-script", true);
  });

  await t.test("with the sound off an offer does not ring; the agent's own figures count the day", async () => {
    await page.locator("#sound-toggle").click();
    assert.equal(await page.locator("#sound-toggle").getAttribute("aria-pressed"), "false");
    // Ana is busy with two chats (of three): a third one is offered.
    const third = await chat(null);
    await page.locator(`#offer-dock [data-offer="${third}"]`).waitFor();
    await page.waitForFunction(() => document.title.startsWith("●"));
    assert.equal(await page.locator("body").getAttribute("data-rang"), "2");
    await page.keyboard.press("Alt+KeyR");
    await page.locator(`#offer-dock [data-offer="${third}"]`).waitFor({ state: "detached" });
    await page.locator("#my-contacts", { hasText: "2" }).waitFor();
  });

  await t.test("? shows the shortcuts' help", async () => {
    await page.locator("main h1").click();
    await page.keyboard.press("?");
    await page.locator("#shortcuts[open]").waitFor();
    assert.match(await page.locator("#shortcuts").innerText(), /Alt\+A\s+Accept the offer/);
    await shot(page, "desk-shortcuts");
    await axeCheck(page, "the agent desktop's shortcuts");
    await page.keyboard.press("Escape");
    await page.locator("#shortcuts[open]").waitFor({ state: "detached" });
  });

  await t.test("axe-core finds nothing on the desktop at work", async () => {
    await axeCheck(page, "the agent desktop");
    assert.deepEqual(errors, []);
  });
});
