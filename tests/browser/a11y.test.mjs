// Every page of the web UI, as each role sees it, checked by axe-core
// (WCAG 2.1 A and AA, best practices: no violation), with the header on one
// line at 1280 px and the supervisor's pages usable at 390 px (nothing
// wider than the screen); the desktop and the wallboard in Russian and
// Chinese. Real binary, Debian's Chromium, a fresh database.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, cli, startServer, apiSession, shot, signIn, axeCheck } from "./harness.mjs";

const TENANT = "acme";
const PASSWORDS = { admin: "admin long password", sup: "supervisor long password", ana: "agent ana long password" };
const PLAN = `default_queue = "support"

[[queue]]
name = "support"
ring_timeout_s = 120
`;

// The header holds on one line: its items' and its navigation links'
// vertical centres lie within a few pixels of each other (a wrapped item
// sits a whole row lower).
const headerRows = (page) => page.evaluate(() => {
  const centres = Array.from(document.querySelectorAll("header.top > *, header.top nav a"))
    .filter((el) => el.offsetParent !== null)
    .map((el) => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; });
  return Math.max(...centres) - Math.min(...centres) < 16 ? 1 : 2;
});

test("every page passes axe-core, keeps its header on one line and fits a phone for supervisors", { timeout: 300000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-a11y-"));
  cli(data, ["tenant", "add", TENANT]);
  for (const [user, role] of [["admin", "admin"], ["sup", "supervisor"], ["ana", "agent"]]) {
    cli(data, ["user", "add", "--tenant", TENANT, "--username", user, "--role", role], `${PASSWORDS[user]}\n`);
  }
  const { child, url } = await startServer(data);
  t.after(() => { child.kill("SIGTERM"); rmSync(data, { recursive: true, force: true }); });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());

  const admin = await apiSession(url, "admin", PASSWORDS.admin);
  assert.equal((await admin("PUT", "/api/v1/routing/plan", { document: PLAN })).status, 204);
  assert.equal((await admin("POST", "/api/v1/agents", { name: "ana", skills: [{ name: "support", level: 8 }], username: "ana" })).status, 201);
  const eva = (await admin("POST", "/api/v1/customers", { name: "Eva Puig", phone: "+34600000001", email: "eva@example.com" })).json.id;
  const camp = await admin("POST", "/api/v1/campaigns", {
    name: "renewals", settings: { queue: "support", team: "outbound", caller_id: "+34910000000", country_code: 34 },
  });
  assert.equal(camp.status, 201, JSON.stringify(camp.json));
  const kase = await admin("POST", "/api/v1/cases", {
    type: "collections", reference: "K-1", debtor: { name: "Jana Nováková", phone: "+420601000001" },
    debts: [{ principal: "250.00", currency: "EUR", due_date: "2026-01-10", creditor: "Acme Telecom" }],
  });
  assert.equal(kase.status, 201, JSON.stringify(kase.json));

  const pages = {
    ana: ["/ui/agent", "/ui/account"],
    sup: ["/ui/wallboard", "/ui/campaigns", "/ui/customers", `/ui/customers/${eva}`, "/ui/imports", "/ui/cases", `/ui/cases/${kase.json.id}`],
    admin: ["/ui/admin", "/ui/customers?q=Eva", "/ui/account"],
  };
  const ctx = (viewport) => browser.newContext({ viewport, locale: "en-GB", timezoneId: "Europe/Madrid" });

  await t.test("the public pages: sign-in and the customers' chat", async () => {
    const page = await (await ctx({ width: 1280, height: 800 })).newPage();
    await page.goto(`${url}/ui/sign-in`);
    await axeCheck(page, "sign-in");
    await page.goto(`${url}/chat/${TENANT}`);
    await axeCheck(page, "chat");
  });

  for (const [user, list] of Object.entries(pages)) {
    await t.test(`${user}'s pages at 1280 px`, async () => {
      const page = await (await ctx({ width: 1280, height: 800 })).newPage();
      await signIn(page, url, user, PASSWORDS[user]);
      if (user === "ana") {
        await page.getByLabel("Change my state").selectOption("available");
        await page.getByRole("button", { name: "Set" }).click();
        await page.locator("#my-state", { hasText: "Available" }).waitFor();
        const it = await admin("POST", "/api/v1/interactions", { channel: "chat", customer_id: eva });
        assert.equal(it.status, 201);
        assert.equal(it.json.state, "offered", JSON.stringify(it.json));
        await page.locator("#offer-dock").waitFor();
        await axeCheck(page, "the agent desktop with an offer");
        await page.locator("#offer-dock [data-key=accept]").click();
        await page.locator("[data-item] h2").first().waitFor();
      }
      for (const path of list) {
        if (path !== "/ui/agent") { await page.goto(`${url}${path}`); }
        await page.locator("main h1").waitFor();
        await axeCheck(page, `${user} ${path}`);
        assert.equal(await headerRows(page), 1, `${user} ${path}: the header wraps at 1280 px`);
      }
    });
  }

  await t.test("the supervisor's pages fit 390 px", async () => {
    const page = await (await ctx({ width: 390, height: 844 })).newPage();
    await signIn(page, url, "sup", PASSWORDS.sup);
    for (const path of pages.sup) {
      await page.goto(`${url}${path}`);
      await page.locator("main h1").waitFor();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `${path} is ${wide} px wide at 390 px`);
      await axeCheck(page, `390 px ${path}`);
    }
    await page.goto(`${url}/ui/wallboard`);
    await shot(page, "wallboard-390", true);
  });

  // Russian and Chinese joined the interface: the desktop, the wallboard
  // and the administration page speak them, keep their header on one line and pass axe-core.
  for (const [lang, desk, board, adm] of [["ru", "Рабочее место", "Табло", "Администрирование"], ["zh", "坐席工作台", "监控大屏", "系统管理"]]) {
    await t.test(`the desktop and the wallboard in ${lang}`, async () => {
      const context = await ctx({ width: 1280, height: 800 });
      for (const [user, path, title] of [["ana", "/ui/agent", desk], ["sup", "/ui/wallboard", board], ["admin", "/ui/admin", adm]]) {
        const page = await context.newPage();
        await signIn(page, url, user, PASSWORDS[user]);
        await context.addCookies([{ name: "centralita_lang", value: lang, url }]);
        await page.goto(`${url}${path}`);
        await page.locator("main h1", { hasText: title }).waitFor();
        assert.equal(await page.getAttribute("html", "lang"), lang);
        await axeCheck(page, `${user} ${path} in ${lang}`);
        assert.equal(await headerRows(page), 1, `${user} ${path} in ${lang}: the header wraps at 1280 px`);
        await shot(page, `${path.slice(4)}-${lang}`, true);
        await context.clearCookies();
      }
    });
  }
});
