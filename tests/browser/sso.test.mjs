// Signing in as people do, in a real browser: single sign-on through a real
// OpenID provider (`oidc-provider`, started here), and two-factor sign-in
// with codes computed here as an authenticator app does (RFC 6238, with
// Node's own HMAC: not the server's code).
//
// An administrator sets up single sign-on on the administration page (the
// client secret is never shown again); a supervisor nobody made yet signs
// in through the provider and lands on the wallboard, made with the role
// the provider's claim names; a name whose claim names no role of ours is
// told so on the sign-in page. The administrator sets up two-factor
// sign-in from the QR code's key on their account page, signs out, and
// signs in again with a code.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, cli, startServer, apiSession, shot } from "./harness.mjs";
import { startProvider } from "./oidc-provider.mjs";

const TENANT = "acme";
const ADMIN_PASSWORD = "admin long password";
const CLIENT_SECRET = "the client secret of acme at the provider";

/// A base32 key's bytes (RFC 4648, no padding needed).
function base32(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of s.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/// The six-digit code of a key at a time (seconds), as an authenticator app shows it.
function totp(key, t = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac("sha1", base32(key)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1e6).padStart(6, "0");
}

/// Signs in at the provider's own pages (any password) and consents, then
/// waits to be back at Centralita.
async function throughProvider(page, op, back, login, shotName) {
  await page.waitForURL((u) => u.toString().startsWith(op.issuer));
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("anything at the provider");
  if (shotName) await shot(page, shotName);
  await page.locator("button[type=submit]").click();
  const consent = page.locator("form:has(input[name=prompt][value=consent]) button[type=submit]");
  const home = (u) => u.toString().startsWith(back);
  await Promise.race([consent.waitFor({ timeout: 20000 }), page.waitForURL(home, { timeout: 20000 })]);
  if (!home(page.url())) await consent.click();
  await page.waitForURL(home, { timeout: 20000 });
}

test("the RFC 6238 vector: this test's authenticator is right", () => {
  const key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
  assert.equal(totp(key, 59), "287082");
  assert.equal(totp(key, 1111111109), "081804");
});

test("single sign-on and two-factor sign-in in the browser", { timeout: 180000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-sso-"));
  cli(data, ["tenant", "add", TENANT]);
  cli(data, ["user", "add", "--tenant", TENANT, "--username", "admin", "--role", "admin"], `${ADMIN_PASSWORD}\n`);
  const { child, url } = await startServer(data);
  t.after(() => {
    child.kill("SIGTERM");
    rmSync(data, { recursive: true, force: true });
  });
  const op = await startProvider({
    clientId: "centralita",
    clientSecret: CLIENT_SECRET,
    redirectUri: `${url}/ui/sign-in/oidc/callback`,
    accounts: { sara: { centralita_role: "supervisor" }, mallory: { centralita_role: "overlord" } },
  });
  t.after(() => op.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());
  const newPage = async () => (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" })).newPage();

  await t.test("the administrator sets up single sign-on; the secret is never shown again", async () => {
    const page = await newPage();
    await page.goto(`${url}/ui/sign-in`);
    await page.getByLabel("Company (tenant)").fill(TENANT);
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/ui\/admin$/);
    await page.getByLabel("Issuer").fill(op.issuer);
    await page.getByLabel("Client ID").fill("centralita");
    await page.getByLabel("Client secret").fill(CLIENT_SECRET);
    await page.getByLabel("Claim that names the role").fill("centralita_role");
    await page.getByLabel("Create users at their first sign-in").check();
    await page.locator("#access-form button[type=submit]").click();
    await page.locator("#access-msg").getByText("Saved.").waitFor();
    assert.equal(await page.getByLabel("Client secret").inputValue(), "");
    assert.match(await page.getByLabel("Client secret").getAttribute("placeholder"), /secret is kept/);
    assert.ok(!(await page.content()).includes(CLIENT_SECRET));
    await shot(page, "admin-sign-in-settings");
    await page.close();
    const admin = await apiSession(url, "admin", ADMIN_PASSWORD);
    const s = await admin("GET", "/api/v1/settings/tenant");
    assert.equal(s.json.oidc.client_secret_set, true);
    assert.equal(s.json.oidc.client_secret, undefined);
  });

  await t.test("a supervisor nobody made yet signs in through the provider", async () => {
    const page = await newPage();
    await page.goto(`${url}/ui/sign-in`);
    await page.getByLabel("Company (tenant)").fill(TENANT);
    await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
    // The provider's own sign-in page, then its consent page.
    await throughProvider(page, op, url, "sara", "sso-provider-sign-in");
    await page.waitForURL(/\/ui\/wallboard$/, { timeout: 20000 });
    assert.match(await page.locator("header .who").innerText(), /sara · acme/);
    await shot(page, "sso-signed-in");
    await page.close();
    const admin = await apiSession(url, "admin", ADMIN_PASSWORD);
    const trail = await admin("GET", "/api/v1/audit?format=json");
    assert.equal(trail.status, 200);
    const actions = JSON.stringify(trail.json);
    assert.match(actions, /user_added/);
  });

  await t.test("a role the provider names that is not ours is refused on the sign-in page", async () => {
    const page = await newPage();
    await page.goto(`${url}/ui/sign-in/oidc?tenant=${TENANT}`);
    await throughProvider(page, op, url, "mallory");
    await page.locator("#sign-in-error").waitFor();
    assert.match(await page.locator("#sign-in-error").innerText(), /"overlord" is not one of ours/);
    await page.close();
  });

  await t.test("the administrator sets up two-factor sign-in and signs in with a code", async () => {
    const page = await newPage();
    const signIn = async () => {
      await page.goto(`${url}/ui/sign-in`);
      await page.getByLabel("Company (tenant)").fill(TENANT);
      await page.getByLabel("User name").fill("admin");
      await page.getByLabel("Password").fill(ADMIN_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
    };
    await signIn();
    await page.waitForURL(/\/ui\/admin$/);
    await page.getByRole("link", { name: "My account" }).click();
    await page.waitForURL(/\/ui\/account$/);
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    await page.locator("#totp-qr svg").waitFor();
    const key = (await page.locator("#totp-secret").innerText()).trim();
    await shot(page, "two-factor-setup");
    await page.getByLabel("Code from your authenticator app").fill("000000" === totp(key) ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#tf-box .error").waitFor();
    await page.getByLabel("Code from your authenticator app").fill(totp(key));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#tf-state[data-enabled=true]").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/ui\/sign-in$/);
    await signIn();
    await page.getByLabel("Code from your authenticator app").waitFor();
    await shot(page, "two-factor-code");
    // The next step's code: the one that confirmed was taken already.
    await page.getByLabel("Code from your authenticator app").fill(totp(key, Date.now() / 1000 + 30));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(/\/ui\/admin$/);
    await page.close();
  });
});
