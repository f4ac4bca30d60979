// The customer record in a real browser: playwright-core driving Debian's
// Chromium against the real binary on a fresh database.
//
// An administrator imports a Spanish CSV (`;`, headers in Spanish, numbers
// written without their country) on the imports page and watches it finish
// with its counts; a supervisor finds a customer on the CRM page by her name
// without accents in another order and by a phone written another way,
// opens the record, edits it (checked through the API, the version moving
// on), merges a likely duplicate from the duplicates list, sees the merge in
// the record and its timeline, and undoes it. A supervisor sees the link to
// download everything about a person but no way to erase them; the
// administrator erases a person once the record's number is typed, and the
// record says when.
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
const PASSWORDS = { admin: "admin long password", sup: "supervisor long password" };
// Two rows of the same person under different numbers (a likely duplicate:
// same name, postal code and city), one row with a number that cannot be a
// phone (kept, marked invalid) and one without a name (rejected).
const CSV = [
  "Código;Nombre;Teléfono;Correo;Dirección;Código postal;Ciudad",
  "C-1;María García López;600 11 22 33;maria@example.com;Calle Mayor 1;28013;Madrid",
  "C-2;Jordi Puig;+34 93 555 12 12;jordi@example.cat;Carrer Gran 5;08001;Barcelona",
  "C-3;Maria Garcia Lopez;611 22 33 44;;Calle Mayor 1;28013;Madrid",
  "C-4;Pere Vidal;12;pere@example.cat;;;",
  "C-5;;600 99 88 77;;;;",
].join("\r\n") + "\r\n";


test("an import, then a customer found, edited, merged and unmerged in the browser", { timeout: 180000 }, async (t) => {
  mkdirSync(process.env.SCREENSHOT_DIR || "../../target/screenshots", { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-crm-"));
  cli(data, ["tenant", "add", TENANT]);
  for (const [user, role] of [["admin", "admin"], ["sup", "supervisor"]]) {
    cli(data, ["user", "add", "--tenant", TENANT, "--username", user, "--role", role], `${PASSWORDS[user]}\n`);
  }
  const file = join(data, "clientes.csv");
  writeFileSync(file, CSV, "utf8");
  const { child, url } = await startServer(data);
  t.after(() => {
    child.kill("SIGTERM");
    rmSync(data, { recursive: true, force: true });
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());
  const ctx = async () => browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "Europe/Madrid" });
  const adminPage = await (await ctx()).newPage();
  const supPage = await (await ctx()).newPage();
  const errors = [];
  for (const p of [adminPage, supPage]) {
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/.test(m.text())) { errors.push(m.text()); }
    });
  }
  const sup = await apiSession(url, "sup", PASSWORDS.sup);
  const find = async (q) => (await sup("GET", `/api/v1/customers?q=${encodeURIComponent(q)}`)).json.customers;

  await t.test("the administrator imports a CSV and sees it finish with its counts", async () => {
    await signIn(adminPage, url, "admin", PASSWORDS.admin);
    await adminPage.getByRole("link", { name: "Imports" }).click();
    await adminPage.waitForURL(/\/ui\/imports$/);
    const form = adminPage.locator("#imp-form");
    await form.getByLabel("File (CSV, XLSX or ODS)").setInputFiles(file);
    await form.getByLabel(/Country of numbers/).fill("ES");
    await form.getByRole("button", { name: "Import", exact: true }).click();
    const row = adminPage.locator("#imp-list tr[data-import][data-state=done]");
    await row.waitFor({ timeout: 20000 });
    const cells = await row.locator("td").allInnerTexts();
    // File, state, rows, created, updated, unchanged, rejected, duplicates.
    assert.equal(cells[0], "clientes.csv");
    assert.match(cells[1], /Done/);
    assert.match(cells[2], /5\/5/);
    assert.deepEqual(cells.slice(3, 8).map(Number), [4, 0, 0, 1, 0]);
    await shot(adminPage, "imports");
    const report = await (await adminPage.request.get(`${url}/api/v1/imports/1/rejects`)).text();
    // The number that cannot be a phone is kept and reported; the row without a name is rejected.
    assert.match(report, /^line,column,reason\r?\n5,Teléfono,phone not valid: 12\r?\n6,,no name/);
    // The time zone comes from the address (its postal code) or the number.
    const [jordi] = await find("Jordi Puig");
    assert.equal(jordi.time_zone, "Europe/Madrid");
    const pere = (await find("Pere Vidal"))[0];
    assert.equal(pere.phones[0].number, "12");
    assert.equal(pere.phones[0].valid, false);
  });

  let maria;
  let twin;
  await t.test("the supervisor finds a customer by name in any order and by phone in any format", async () => {
    await signIn(supPage, url, "sup", PASSWORDS.sup);
    await supPage.getByRole("link", { name: "Customers" }).click();
    await supPage.waitForURL(/\/ui\/customers$/);
    await supPage.getByRole("textbox", { name: "Find a customer" }).fill("garcia maria");
    await supPage.getByRole("button", { name: "Search" }).click();
    const rows = supPage.locator("#crm-results tr[data-customer]");
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2, "both García records");
    await supPage.getByRole("textbox", { name: "Find a customer" }).fill("+34600112233");
    await supPage.getByRole("button", { name: "Search" }).click();
    await supPage.waitForURL(/q=%2B34600112233/);
    assert.equal(await rows.count(), 1);
    maria = Number(await rows.first().getAttribute("data-customer"));
    assert.match(await rows.first().innerText(), /María García López/);
    twin = (await find("611223344"))[0].id;
    assert.notEqual(twin, maria);
    await shot(supPage, "crm-search");
  });

  await t.test("the supervisor edits the record; the API sees the new version", async () => {
    await supPage.locator(`#crm-results a[href="/ui/customers/${maria}"]`).click();
    await supPage.waitForURL(new RegExp(`/ui/customers/${maria}$`));
    const before = (await sup("GET", `/api/v1/customers/${maria}`)).json;
    const form = supPage.locator("#crm-edit");
    await form.getByLabel("Name").fill("María García López de Vega");
    await form.getByLabel("Tags").fill("vip");
    await form.getByRole("button", { name: "Save" }).click();
    await supPage.locator("#crm-r-h", { hasText: "María García López de Vega" }).waitFor();
    const after = (await sup("GET", `/api/v1/customers/${maria}`)).json;
    assert.equal(after.name, "María García López de Vega");
    assert.deepEqual(after.tags, ["vip"]);
    assert.ok(after.version > before.version);
    // The numbers, saved as they were shown, did not change.
    const [edit] = (await sup("GET", `/api/v1/customers/${maria}/timeline`)).json.entries;
    assert.equal(edit.kind, "change");
    assert.match(edit.b, /^\["name","tags"\]$/);
    assert.equal(after.phones[0].e164, "+34600112233");
  });

  await t.test("the supervisor merges a likely duplicate and undoes it", async () => {
    // The edit changed the name: the twin now differs; give it the same name back through the API.
    const t0 = (await sup("GET", `/api/v1/customers/${twin}`)).json;
    assert.equal((await sup("PATCH", `/api/v1/customers/${twin}`, { version: t0.version, name: "María García López de Vega" })).status, 200);
    await supPage.goto(`${url}/ui/customers`);
    const dup = supPage.locator("#crm-duplicates li", { hasText: "María García López de Vega" });
    await dup.waitFor();
    await dup.getByRole("button", { name: /Merge into #/ }).click();
    await supPage.waitForURL(/\/ui\/customers\/\d+$/);
    const kept = Number(supPage.url().match(/(\d+)$/)[1]);
    const other = kept === maria ? twin : maria;
    await supPage.locator("#crm-merged li", { hasText: `#${other}` }).waitFor();
    const merged = (await sup("GET", `/api/v1/customers/${kept}`)).json;
    assert.deepEqual(merged.phones.map((p) => p.e164).sort(), ["+34600112233", "+34611223344"]);
    // The merged record is found as the one it went into.
    assert.deepEqual((await find("611 22 33 44")).map((c) => c.id), [kept]);
    assert.ok(await supPage.locator("#crm-timeline li[data-kind=change]").count() >= 1);
    await shot(supPage, "crm-record", true);
    await supPage.locator("#crm-merged li", { hasText: `#${other}` }).getByRole("button", { name: "Undo the merge" }).click();
    await supPage.locator("#crm-merged li", { hasText: `#${other}` }).waitFor({ state: "detached" });
    assert.deepEqual((await find("611 22 33 44")).map((c) => c.id), [twin]);
    const back = (await sup("GET", `/api/v1/customers/${kept}`)).json;
    assert.equal(back.phones.length, 1);
  });

  await t.test("the supervisor records consent on the record page, then its withdrawal", async () => {
    await supPage.goto(`${url}/ui/customers/${maria}`);
    const box = supPage.locator("#crm-consents");
    await box.getByLabel("Purpose").fill("marketing");
    await box.getByLabel("Channel").selectOption("voice");
    await box.getByLabel("Evidence").fill("asked on the phone");
    await box.getByRole("button", { name: "Save" }).click();
    await supPage.locator('#crm-consent-list tr[data-purpose="marketing"][data-granted="true"]').waitFor();
    let ledger = (await sup("GET", `/api/v1/customers/${maria}/consents`)).json;
    assert.equal(ledger.consents[0].evidence, "asked on the phone");
    assert.equal(ledger.in_force.marketing.voice, true);
    await supPage.locator("#crm-consents").getByLabel("Purpose").fill("marketing");
    await supPage.locator("#crm-consents").getByLabel("Given or withdrawn").selectOption("false");
    await supPage.locator("#crm-consents").getByRole("button", { name: "Save" }).click();
    await supPage.locator('#crm-consent-list tr[data-granted="false"]').waitFor();
    ledger = (await sup("GET", `/api/v1/customers/${maria}/consents`)).json;
    assert.equal(ledger.in_force.marketing.voice, false);
    // A purpose that is not a word is refused, naming it; nothing is recorded.
    await supPage.locator("#crm-consents").getByLabel("Purpose").fill("Marketing Calls");
    await supPage.locator("#crm-consents").getByRole("button", { name: "Save" }).click();
    await supPage.locator("#cs-msg .error").waitFor();
    assert.match(await supPage.locator("#cs-msg").innerText(), /purpose/);
    assert.equal(await supPage.locator("#crm-consents").getByLabel("Purpose").inputValue(), "Marketing Calls");
    assert.equal((await sup("GET", `/api/v1/customers/${maria}/consents`)).json.consents.length, 2);
    await shot(supPage, "crm-consent");
  });

  await t.test("the administrator defines a custom field on the administration page", async () => {
    await adminPage.goto(`${url}/ui/admin`);
    const form = adminPage.locator("#fields-box");
    await form.locator('input[name="name.0"]').fill("contract");
    await form.locator('input[name="label.0"]').fill("Contract");
    await form.locator('select[name="type.0"]').selectOption("choice");
    await form.locator('input[name="options.0"]').fill("prepaid, postpaid");
    await form.locator('input[name="screen_pop.0"]').check();
    await form.getByRole("button", { name: "Save" }).click();
    await adminPage.locator("#fields-msg .ok").waitFor();
    const defs = (await sup("GET", "/api/v1/settings/customer-fields")).json.fields;
    assert.deepEqual(defs, [{ name: "contract", label: "Contract", type: "choice", required: false, options: ["prepaid", "postpaid"], screen_pop: true }]);
    // A bad pattern on a new row is named by its row and column; nothing is saved.
    await adminPage.locator('#fields-box input[name="name.1"]').fill("segment");
    await adminPage.locator('#fields-box input[name="pattern.1"]').fill("(");
    await adminPage.locator("#fields-box").getByRole("button", { name: "Save" }).click();
    const msg = adminPage.locator("#fields-msg .error");
    await msg.waitFor();
    assert.match(await msg.innerText(), /^Row 2, pattern: /);
    assert.equal(await adminPage.locator('#fields-box input[name="pattern.1"]').inputValue(), "(");
    assert.equal((await sup("GET", "/api/v1/settings/customer-fields")).json.fields.length, 1);
    await shot(adminPage, "admin-customer-fields");
    // Removed, the field is gone.
    await adminPage.locator('#fields-box input[name="name.1"]').fill("");
    await adminPage.locator('#fields-box input[name="remove.0"]').check();
    await adminPage.locator("#fields-box").getByRole("button", { name: "Save" }).click();
    await adminPage.locator("#fields-msg .ok").waitFor();
    assert.deepEqual((await sup("GET", "/api/v1/settings/customer-fields")).json.fields, []);
  });

  await t.test("the administrator loads a do-not-call list and feeds a campaign from a saved query", async () => {
    const admin = await apiSession(url, "admin", PASSWORDS.admin);
    const robinson = join(data, "robinson.txt");
    writeFileSync(robinson, "telefono\n600 11 22 33\n+34 611 22 33 44\nnot a number\n", "utf8");
    await adminPage.goto(`${url}/ui/imports`);
    const form = adminPage.locator("#dnc-form");
    await form.getByLabel("File (CSV, XLSX or ODS)").setInputFiles(robinson);
    await form.getByLabel("List name").fill("es_robinson");
    await form.getByLabel("National registry").check();
    await form.getByLabel(/Country of numbers/).fill("ES");
    await form.getByRole("button", { name: "Import", exact: true }).click();
    await adminPage.locator("#imp-list tr[data-import][data-state=done]", { hasText: "robinson.txt" }).waitFor({ timeout: 20000 });
    const lists = (await admin("GET", "/api/v1/dnc-lists")).json.lists;
    assert.deepEqual(lists, [{ name: "es_robinson", national: true, numbers: 2 }]);
    // A campaign, and a saved query of the records tagged vip (María's, edited above).
    assert.equal((await admin("PUT", "/api/v1/routing/plan", { document: "[[queue]]\nname = \"sales\"\n" })).status, 204);
    const campaign = { name: "vip calls", settings: { queue: "sales", team: "vip", caller_id: "+34900000000", country_code: 34 } };
    assert.equal((await admin("POST", "/api/v1/campaigns", campaign)).status, 201);
    assert.equal((await admin("PUT", "/api/v1/customer-queries/vip", { tags_all: ["vip"] })).status, 204);
    await adminPage.goto(`${url}/ui/imports`);
    const feed = adminPage.locator("#feed-form");
    await feed.getByLabel("Saved query").selectOption("vip");
    await feed.getByRole("button", { name: "Import", exact: true }).click();
    await adminPage.locator("#imp-list tr[data-import][data-state=done]", { hasText: "query:vip" }).waitFor({ timeout: 20000 });
    const contacts = (await admin("GET", "/api/v1/campaigns/1/contacts")).json.contacts;
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0].customer_id, maria);
    await shot(adminPage, "imports-dnc-feed", true);
  });

  await t.test("a supervisor may download a person's data; the administrator erases them for good", async () => {
    const [jordi] = await find("Jordi Puig");
    assert.ok(jordi, "Jordi's record");
    await supPage.goto(`${url}/ui/customers/${jordi.id}`);
    await supPage.locator("#privacy-export").waitFor();
    assert.equal(await supPage.locator("#privacy-confirm").count(), 0, "only administrators erase");
    await adminPage.goto(`${url}/ui/customers/${jordi.id}`);
    const card = adminPage.locator('section[aria-labelledby="privacy-h"]');
    await card.getByLabel(`Type ${jordi.id} to confirm`).fill(String(jordi.id + 1));
    await card.getByRole("button", { name: "Erase this person" }).click();
    await card.locator("#privacy-msg .error").waitFor();
    assert.equal((await sup("GET", `/api/v1/customers/${jordi.id}`)).json.name, "Jordi Puig", "a wrong number erases nothing");
    await card.getByLabel(`Type ${jordi.id} to confirm`).fill(String(jordi.id));
    await card.getByRole("button", { name: "Erase this person" }).click();
    await adminPage.locator("#privacy-erased").waitFor();
    assert.match(await adminPage.locator("#privacy-erased").innerText(), /erased on/);
    const after = (await sup("GET", `/api/v1/customers/${jordi.id}`)).json;
    assert.equal(after.name, "(erased)");
    assert.deepEqual(await find("Jordi Puig"), []);
    await shot(adminPage, "crm-erased", true);
  });

  await t.test("the administrator sets up a mailbox; its password is kept, never shown", async () => {
    await adminPage.goto(`${url}/ui/admin`);
    const card = adminPage.locator('section[aria-labelledby="mailboxes-h"]');
    await card.getByText("No mailbox yet").waitFor();
    const form = card.locator("form");
    await form.getByLabel("Name").fill("support");
    await form.getByLabel("Address").fill("support@acme.test");
    await form.getByLabel("Queue").fill("sales");
    const imap = form.locator("fieldset", { hasText: "IMAP" });
    await imap.getByLabel("Server").fill("10.0.0.25");
    await imap.getByLabel("Port").fill("993");
    await imap.getByLabel("User").fill("support@acme.test");
    await imap.getByLabel("Password").fill("imap secret words");
    const smtp = form.locator("fieldset", { hasText: "SMTP" });
    await smtp.getByLabel("Server").fill("10.0.0.26");
    await smtp.getByLabel("Port").fill("587");
    await smtp.getByLabel("Security").selectOption("starttls");
    await form.getByRole("button", { name: "Save" }).click();
    await card.locator("p.ok").waitFor();
    assert.match(await card.locator("table").innerText(), /support@acme\.test/);
    const admin = await apiSession(url, "admin", PASSWORDS.admin);
    const listed = (await admin("GET", "/api/v1/mailboxes")).json.mailboxes;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].imap.password_set, true);
    assert.equal(listed[0].smtp.security, "starttls");
    assert.ok(!JSON.stringify(listed).includes("imap secret words"));
    assert.ok(!(await adminPage.content()).includes("imap secret words"));
    await shot(adminPage, "admin-mailboxes");
  });

  await t.test("the administrator adds a webhook; one aimed at the server's own machine is refused", async () => {
    await adminPage.goto(`${url}/ui/admin`);
    const card = adminPage.locator('section[aria-labelledby="webhooks-h"]');
    await card.getByText("No webhook").waitFor();
    const fill = async (target) => {
      const form = card.locator("form");
      await form.getByLabel("URL").fill(target);
      await form.getByLabel("Kinds of fact").fill("customers_set, disposition_set");
      await form.getByLabel("Secret").fill("a secret of the crm team");
      await form.getByRole("button", { name: "Save" }).click();
    };
    await fill("http://127.0.0.1:9/hook");
    await card.locator("p.error").waitFor();
    assert.match(await card.locator("p.error").innerText(), /own machine/);
    await fill("https://10.0.0.30/centralita");
    await card.locator("p.ok").waitFor();
    assert.match(await card.locator("table").innerText(), /10\.0\.0\.30/);
    const admin = await apiSession(url, "admin", PASSWORDS.admin);
    const hooks = (await admin("GET", "/api/v1/webhooks")).json.webhooks;
    assert.deepEqual(hooks.map((h) => [h.url, h.kinds]), [["https://10.0.0.30/centralita", ["customers_set", "disposition_set"]]]);
    assert.ok(!(await adminPage.content()).includes("a secret of the crm team"));
    await shot(adminPage, "admin-webhooks");
  });

  await t.test("no script errors and no blocked content", () => {
    assert.deepEqual(errors, []);
  });
});
