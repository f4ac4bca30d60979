// The desktop's customer side in a real browser: the agent searches a
// customer by a phone typed any way, sees them masked with their local
// time, opens their timeline, promises a callback that appears in "my
// callbacks" with its time, and the dial pad types with its keys and says in
// words why a call was not placed (this server has no line). axe-core finds
// nothing. Screenshots in SCREENSHOT_DIR.

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
ring_timeout_s = 120
`;

test("an agent finds a customer, reads their timeline, keeps callbacks and dials", { timeout: 180000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-lookup-"));
  cli(data, ["tenant", "add", TENANT]);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "admin", "--role", "admin"], `${PASSWORDS.admin}\n`);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "ana", "--role", "agent"], `${PASSWORDS.ana}\n`);
  const { child, url } = await startServer(data);
  t.after(() => { child.kill("SIGTERM"); rmSync(data, { recursive: true, force: true }); });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());

  const admin = await apiSession(url, "admin", PASSWORDS.admin);
  assert.equal((await admin("PUT", "/api/v1/routing/plan", { document: PLAN })).status, 204);
  assert.equal((await admin("POST", "/api/v1/agents", { name: "ana", skills: [{ name: "support", level: 8 }], username: "ana" })).status, 201);
  const customer = async (name, phone) => (await admin("POST", "/api/v1/customers", { name, phone })).json.id;
  const marta = await customer("Marta Ruiz", "+34600111222");
  const pavel = await customer("Pavel Novák", "+420601222333");

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "Europe/Madrid" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));

  await t.test("a phone typed with spaces finds Marta, masked, with her local time; her timeline opens", async () => {
    await signIn(page, url, "ana", PASSWORDS.ana);
    await page.locator("#live-status.on").waitFor();
    await page.fill("#lookup-q", "600 11 12 22");
    await page.click("#lookup-form button[type=submit]");
    const row = page.locator(`#lookup-table tr[data-customer="${marta}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Marta Ruiz/);
    assert.match(text, /Europe\/Madrid/);
    assert.doesNotMatch(text, /600111222/, "an agent sees the number masked");
    await row.locator("button").click();
    await page.locator(`.lookup-detail[data-customer="${marta}"] li[data-kind]`).first().waitFor();
    assert.match(await page.locator(".lookup-detail").innerText(), /Customer's local time: .*Europe\/Madrid/);
    await shot(page, "desk-lookup", true);
  });

  await t.test("a callback promised on Pavel's chat shows in my callbacks with his time", async () => {
    const ready = await admin("POST", "/api/v1/agents/0/sign-in", {});
    assert.ok(ready.status < 300, JSON.stringify(ready.json));
    const r = await admin("POST", "/api/v1/interactions", { channel: "chat", customer_id: pavel });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const id = r.json.id;
    const accept = page.locator(`#accept-${id}`);
    await accept.waitFor();
    await accept.click();
    const when = page.locator(`#cb-${id}`);
    await when.waitFor();
    await page.locator(".local-time", { hasText: "Europe/Prague" }).first().waitFor();
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    await when.fill(`${tomorrow}T10:00`);
    await page.locator(`#cb-${id}`).evaluate((i) => i.form.requestSubmit());
    await page.locator(`#cb-status-${id} .ok`).waitFor();
    const item = page.locator(`#callbacks-list li[data-customer="${pavel}"]`);
    await item.waitFor();
    assert.match(await item.innerText(), /10:00 · Pavel Novák · Customer's local time: .*Europe\/Prague/s);
    await shot(page, "desk-callbacks", true);
  });

  await t.test("the dial pad's keys type the number and a refusal is said in words", async () => {
    await page.fill("#dial-to", "");
    for (const k of ["+", "3", "4", "6"]) { await page.click(`.dial-keys [data-digit="${k}"]`); }
    assert.equal(await page.inputValue("#dial-to"), "+346");
    await page.fill("#dial-to", "+34600111222");
    await page.click("#dial-call");
    const said = page.locator("#dial-status .error");
    await said.waitFor();
    assert.match(await said.innerText(), /campaign/);
    assert.doesNotMatch(await said.innerText(), /[{}]/, "no JSON");
  });

  await t.test("axe-core finds nothing on the desktop with the customer side open", async () => {
    await axeCheck(page, "the agent desktop's customer side");
    assert.deepEqual(errors, []);
  });
});
