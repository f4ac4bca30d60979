// The wallboard's charts over the day and the agents' timelines in a real
// browser: a supervisor opens the wallboard; a chat is answered and the
// contacts chart follows live (its data table, which screen readers get,
// counts it); an agent on a break with a 1-second planned length shows as
// over its limit in the agents table and, once the board refreshes, in its
// timeline; the TV mode fits 1920×1080 without scrolling; at 390 px the
// page does not scroll sideways. axe-core finds nothing on each.
//
// Environment: as ui.test.mjs (CENTRALITA_BIN, CENTRALITA_DATABASE,
// CHROMIUM, SCREENSHOT_DIR).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, axeCheck, cli, startServer, apiSession, shot, signIn } from "./harness.mjs";

const TENANT = "acme";
const PASSWORDS = { admin: "admin long password", sup: "supervisor long password" };
const PLAN = `default_queue = "support"

[[queue]]
name = "support"
ring_timeout_s = 60
`;
const DESKTOP = `reasons = ["break", "lunch"]

[limits]
break = 1
lunch = 3600
`;

/// The sum of a column of the contacts chart's data table.
const total = (page, cls) => page.evaluate((c) =>
  [...document.querySelectorAll(`#chart-contacts td.${c}`)].reduce((s, td) => s + Number(td.textContent), 0), cls);

test("the wallboard's charts and timelines follow the day live", { timeout: 180000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-board-"));
  cli(data, ["tenant", "add", TENANT]);
  for (const [user, role] of [["admin", "admin"], ["sup", "supervisor"]]) {
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
  assert.equal((await admin("PUT", "/api/v1/settings/desktop", { document: DESKTOP })).status, 204);
  const ana = await admin("POST", "/api/v1/agents", { name: "ana", skills: [{ name: "support", level: 8 }] });
  assert.equal(ana.status, 201);
  const ben = await admin("POST", "/api/v1/agents", { name: "ben" });
  assert.equal(ben.status, 201);

  const storage = async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const p = await c.newPage();
    await signIn(p, url, "sup", PASSWORDS.sup);
    return c.storageState();
  };
  const state = await storage();
  const page = async (viewport) => (await browser.newContext({ viewport, locale: "en-GB", storageState: state })).newPage();
  const sup = await page({ width: 1280, height: 900 });
  const errors = [];
  sup.on("pageerror", (e) => errors.push(e.message));
  sup.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });

  await t.test("the wallboard draws the day's charts", async () => {
    await sup.goto(`${url}/ui/wallboard`);
    await sup.locator("#chart-contacts svg[role=img]").waitFor();
    assert.ok(await sup.locator("#chart-agents svg[role=img]").isVisible());
    assert.equal(await total(sup, "answered"), 0);
  });

  await t.test("a chat answered shows in the charts live", async () => {
    assert.equal((await admin("POST", `/api/v1/agents/${ana.json.id}/sign-in`, {})).status, 204);
    const chat = await admin("POST", "/api/v1/interactions", { channel: "chat" });
    assert.equal(chat.status, 201);
    // Offered to ana (the only one available); accepted for her.
    let r;
    for (let i = 0; i < 50; i++) {
      r = await admin("POST", `/api/v1/interactions/${chat.json.id}/accept`, { agent_id: ana.json.id });
      if (r.status === 200) { break; }
      await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.equal(r.status, 200, JSON.stringify(r.json));
    await sup.waitForFunction(() =>
      [...document.querySelectorAll("#chart-contacts td.answered")].some((td) => td.textContent === "1"), null, { timeout: 5000 });
    assert.equal(await total(sup, "offered"), 1);
    assert.ok(await sup.locator("#chart-contacts rect.bar-answered[height]:not([height='0.0'])").count() > 0);
    // A second chat nobody can take (ana is busy): offered, not answered.
    assert.equal((await admin("POST", "/api/v1/interactions", { channel: "chat" })).status, 201);
    await sup.waitForFunction(() =>
      [...document.querySelectorAll("#chart-contacts td.offered")].reduce((s, td) => s + Number(td.textContent), 0) === 2,
      null, { timeout: 5000 });
  });

  await t.test("a break over its planned length shows", async () => {
    assert.equal((await admin("POST", `/api/v1/agents/${ben.json.id}/sign-in`, { reason: "break" })).status, 204);
    const row = sup.locator("tr[data-agent=ben]");
    await row.locator("[data-limit]").waitFor({ timeout: 5000 });
    // Within a second or two the browser's clock passes the limit.
    await sup.waitForFunction(() => document.querySelector("tr[data-agent=ben]").classList.contains("over"), null, { timeout: 5000 });
    assert.match(await row.locator(".over-text").innerText(), /Break \d+:\d\d over 0:01/);
    // The next fact refreshes the board: the timeline outlines the break and counts it.
    assert.equal((await admin("POST", "/api/v1/interactions", { channel: "chat" })).status, 201);
    await sup.locator("tr[data-timeline=ben] rect.over").waitFor({ timeout: 5000 });
    assert.equal(await sup.locator("tr[data-timeline=ben] td.overruns").innerText(), "1");
    assert.match(await sup.locator("tr[data-timeline=ben] svg").getAttribute("aria-label"), /over 0:01/);
    await axeCheck(sup, "the wallboard with charts");
    await shot(sup, "wallboard-charts", true);
  });

  await t.test("the TV mode fits 1920×1080 without scrolling", async () => {
    const tv = await page({ width: 1920, height: 1080 });
    await tv.goto(`${url}/ui/wallboard?tv=1`);
    await tv.locator("#chart-contacts svg[role=img]").waitFor();
    const size = await tv.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    assert.ok(size[0] <= 1920 && size[1] <= 1080, `the TV page is ${size[0]}×${size[1]}`);
    for (const id of ["#chart-contacts svg[role=img]", "#chart-agents svg[role=img]", "table.queues", "table.agents"]) {
      const box = await tv.locator(id).boundingBox();
      assert.ok(box && box.y + Math.min(box.height, 40) <= 1080, `${id} is on the screen: ${JSON.stringify(box)}`);
    }
    const chart = await tv.locator("#chart-contacts svg[role=img]").boundingBox();
    assert.ok(chart.width >= 600 && chart.height >= 120, `the chart is readable: ${JSON.stringify(chart)}`);
    await axeCheck(tv, "the wallboard in TV mode");
    await shot(tv, "wallboard-tv-1080");
  });

  await t.test("at 390 px the wallboard does not scroll sideways", async () => {
    const phone = await page({ width: 390, height: 844 });
    await phone.goto(`${url}/ui/wallboard`);
    await phone.locator("#chart-contacts svg[role=img]").waitFor();
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide`);
    assert.ok((await phone.locator("#chart-contacts svg[role=img]").boundingBox()).width <= 390);
    await axeCheck(phone, "the wallboard at 390 px");
    await shot(phone, "wallboard-mobile", true);
  });

  assert.deepEqual(errors, []);
});
