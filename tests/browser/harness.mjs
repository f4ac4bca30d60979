// What the browser tests share: the binary and the browser they use, a
// fresh server started on any free port, the command line, and a JSON API
// client with a session.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.CENTRALITA_BIN || resolve(here, "../../target/debug/centralita");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const SHOTS = process.env.SCREENSHOT_DIR || resolve(here, "../../target/screenshots");
// The network is closed: without these flags Chromium waits on connections.
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// CENTRALITA_DATABASE (an empty PostgreSQL database's URL) runs it on PostgreSQL instead of SQLite.
export const DATABASE = process.env.CENTRALITA_DATABASE ? ["--database", process.env.CENTRALITA_DATABASE] : [];

export function cli(data, args, input) {
  const r = spawnSync(BIN, [...args, "--data", data, ...DATABASE], { input, encoding: "utf8" });
  assert.equal(r.status, 0, `centralita ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

export function startServer(data, env = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(BIN, ["serve", "--data", data, ...DATABASE, "--listen", "127.0.0.1:0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RUST_LOG: "warn", ...env },
    });
    let out = "";
    const timer = setTimeout(() => fail(new Error(`the server did not start: ${out}`)), 30000);
    child.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); ok({ child, url: m[1] }); }
    });
    child.stderr.on("data", (b) => process.stderr.write(b));
    child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`the server exited (${code}): ${out}`)); });
    child.unref();
  });
}

/// A JSON API client with a session cookie and its CSRF token.
export async function apiSession(url, username, password, tenant = "acme") {
  const r = await fetch(`${url}/api/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant, username, password }),
  });
  assert.equal(r.status, 201, `API sign-in of ${username}`);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  const { csrf_token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { cookie, "x-csrf-token": csrf_token, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

export const shot = (page, name, fullPage = false) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

/// Signs in on the sign-in page of tenant `acme` (or `tenant`) and waits for the first page.
export async function signIn(page, url, username, password, tenant = "acme") {
  await page.goto(`${url}/ui/sign-in`);
  await page.getByLabel("Company (tenant)").fill(tenant);
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/ui\/(agent|wallboard|admin)/);
}

const AXE = readFileSync(resolve(here, "node_modules/axe-core/axe.min.js"), "utf8");

/// axe-core's accessibility check of the page as it is now (WCAG 2.1 A and
/// AA rules and best practices): fails listing each violation and where.
/// The script is evaluated through the browser's debugging protocol, which
/// the pages' Content-Security-Policy does not govern.
export async function axeCheck(page, name) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], `axe-core on ${name}:\n${violations.join("\n")}`);
}
