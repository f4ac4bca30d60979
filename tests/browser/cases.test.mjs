// Collections in a real browser: playwright-core driving Debian's Chromium
// against the real binary on a fresh database.
//
// A supervisor imports a client's debts on the imports page and sees the
// import finish; finds a case by its reference on the cases page, opens
// it, records the promise the debtor made (a bad amount is said next to the
// case, nothing changes) and sees the case "promised"; imports the bank's
// statement, sees the case paid in full, and gives the payment no case took
// to its case by typing the case's reference. An agent sees no imports.
//
// Environment: as ui.test.mjs (CENTRALITA_BIN, CENTRALITA_DATABASE,
// CHROMIUM, SCREENSHOT_DIR). Every step must pass: nothing is skipped.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, cli, startServer, apiSession, shot, signIn } from "./harness.mjs";

const TENANT = "acme";
const PASSWORDS = { sup: "supervisor long password", ana: "agent ana long password" };
const DEBTS = [
  "case_ref,debtor_name,phone,principal,fees,currency,due_date,creditor",
  "K-100,Jan Novák,+420601000201,1000.00,50.00,CZK,2026-01-31,Telco a.s.",
  "K-200,Eva Malá,+420601000202,2000.00,0.00,CZK,2026-02-28,Telco a.s.",
].join("\n") + "\n";

function isoDay(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return d.toISOString().slice(0, 10);
}

test("debts imported, a promise recorded, a statement matched and a payment given to its case", { timeout: 180000 }, async (t) => {
  mkdirSync(process.env.SCREENSHOT_DIR || "../../target/screenshots", { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-cases-"));
  cli(data, ["tenant", "add", TENANT]);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "sup", "--role", "supervisor"], `${PASSWORDS.sup}\n`);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "ana", "--role", "agent"], `${PASSWORDS.ana}\n`);
  const debts = join(data, "debts.csv");
  writeFileSync(debts, DEBTS, "utf8");
  const { child, url } = await startServer(data);
  t.after(() => {
    child.kill("SIGTERM");
    rmSync(data, { recursive: true, force: true });
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "Europe/Prague" });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const sup = await apiSession(url, "sup", PASSWORDS.sup);
  const caseOf = async (ref) => {
    const list = (await sup("GET", `/api/v1/cases?q=${ref}`)).json.cases;
    return (await sup("GET", `/api/v1/cases/${list[0].id}`)).json;
  };

  await t.test("the supervisor imports the client's debts", async () => {
    await signIn(page, url, "sup", PASSWORDS.sup);
    await page.getByRole("link", { name: "Imports" }).click();
    await page.waitForURL(/\/ui\/imports$/);
    const form = page.locator("#col-form");
    await form.getByLabel("What the file holds").selectOption("debts");
    await form.getByLabel("File (CSV, XLSX, ODS, or camt XML)").setInputFiles(debts);
    await form.getByLabel("Creditor of lines that name none").fill("Telco a.s.");
    await form.getByRole("button", { name: "Import", exact: true }).click();
    const row = page.locator("#imp-list tr[data-import][data-state=done]");
    await row.waitFor({ timeout: 20000 });
    const cells = await row.locator("td").allInnerTexts();
    assert.match(cells[0], /debts\.csv.*Debts/s);
    assert.deepEqual(cells.slice(3, 7).map(Number), [2, 0, 0, 0]);
  });

  await t.test("the supervisor finds the case, records a promise and sees it promised", async () => {
    await page.getByRole("link", { name: "Cases" }).click();
    await page.waitForURL(/\/ui\/cases/);
    await page.locator("#cases-q").fill("K-100");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "K-100" }).click();
    await page.waitForURL(/\/ui\/cases\/\d+$/);
    assert.match(await page.locator("[data-field=state]").innerText(), /contacting/);
    const form = page.locator("#case-promise");
    await form.getByLabel(/Amount/).fill("12,5x");
    await form.getByLabel("Due date").fill(isoDay(7));
    await form.getByRole("button", { name: "Record a promise" }).click();
    await page.locator("#case-msg .error").waitFor();
    assert.equal((await caseOf("K-100")).promises.length, 0, "a bad amount changes nothing");
    await form.getByLabel(/Amount/).fill("1050.00");
    await form.getByRole("button", { name: "Record a promise" }).click();
    await page.locator("[data-field=state] [data-state=promised]").waitFor();
    assert.match(await page.locator("[data-field=state]").innerText(), /promised/);
    await shot(page, "case-promised", true);
  });

  await t.test("the bank's statement pays the case, and the unmatched payment is given by reference", async () => {
    const csv = [
      "date,amount,currency,reference,payer_name,payer_account",
      `${isoDay(0)},1050.00,CZK,K-100,Jan Novák,CZ6508000000192000145399`,
      `${isoDay(0)},300.00,CZK,dárek,Někdo Jiný,CZ6508000000192000145311`,
    ].join("\n") + "\n";
    const file = join(data, "bank.csv");
    writeFileSync(file, csv, "utf8");
    await page.getByRole("link", { name: "Imports" }).click();
    await page.waitForURL(/\/ui\/imports$/);
    const form = page.locator("#col-form");
    await form.getByLabel("What the file holds").selectOption("payments");
    await form.getByLabel("File (CSV, XLSX, ODS, or camt XML)").setInputFiles(file);
    await form.getByRole("button", { name: "Import", exact: true }).click();
    const row = page.locator("#imp-list tr[data-import]", { hasText: "bank.csv" });
    await row.and(page.locator("[data-state=done]")).waitFor({ timeout: 20000 });
    const cells = await row.locator("td").allInnerTexts();
    assert.match(cells[0], /Payments/);
    // Received by their cases, before, not taken (the unmatched one).
    assert.deepEqual([cells[3], cells[5], cells[6]].map(Number), [1, 0, 1]);
    assert.equal((await caseOf("K-100")).state, "paid");
    await page.reload();
    const unmatched = page.locator("#unmatched tr[data-payment]");
    assert.equal(await unmatched.count(), 1);
    assert.match(await unmatched.innerText(), /300\.00 CZK.*Někdo Jiný/s);
    await shot(page, "payments-unmatched", true);
    await unmatched.getByRole("textbox").fill("K-999");
    await unmatched.getByRole("button", { name: "Give to case" }).click();
    await page.locator("#pay-msg .error").waitFor();
    await unmatched.getByRole("textbox").fill("K-200");
    await unmatched.getByRole("button", { name: "Give to case" }).click();
    await page.getByText("Every payment imported reached its case.").waitFor();
    const eva = await caseOf("K-200");
    assert.equal(eva.payments[0].amount, "300.00");
    assert.equal(eva.balance, "1700.00");
  });

  await t.test("an agent has no imports page", async () => {
    const ana = await (await browser.newContext()).newPage();
    await signIn(ana, url, "ana", PASSWORDS.ana);
    assert.equal(await ana.getByRole("link", { name: "Imports" }).count(), 0);
    const r = await ana.request.get(`${url}/ui/imports`);
    assert.equal(r.status(), 403);
  });

  assert.deepEqual(errors, []);
});
