// Quality review and the training library in a real browser: playwright-core
// driving Debian's Chromium against the real binary on a fresh database.
//
// An agent handles a call. FIXTURE: a call's recording needs the SIP switch,
// so with the server stopped the test writes a stereo WAV into the server's
// recordings folder (DATA/recordings/acme/ID.wav, customer left, agent
// right) and appends to the tenant's log the very facts the switch appends
// (`call.recording_started`, `call.recording_paused` two seconds in,
// `call.recording_resumed` two seconds later), then starts the server again.
//
// A supervisor opens the call on the quality page: the two legs are drawn,
// the pause is marked; a click on the lanes seeks, "comment at this
// moment" takes the player's time, the evaluation is saved and its comment
// seeks the player back there. A second supervisor scores the same call and
// the calibration card shows both scores and the spread. The agent sees the
// evaluation on "My evaluations" and acknowledges it with a reply. A
// supervisor makes a playlist with the call and a note; the agent opens it.
// The quality page is checked at 390 px. Screenshots go to SHOTS.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, cli, startServer, apiSession, shot, signIn } from "./harness.mjs";

const TENANT = "acme";
const PASSWORDS = { admin: "admin long password", sup1: "first supervisor password", sup2: "second supervisor password", ana: "agent ana long password" };
const PLAN = `default_queue = "support"\n\n[[queue]]\nname = "support"\nwrap_up_s = 0\n`;
const FORMS = { forms: [{ id: "calls", name: "Calls", sections: [
  { title: "Opening", questions: [
    { id: "greet", text: "Greeted the customer by name", weight: 1, na: true },
    { id: "verify", text: "Verified the customer's identity", weight: 2, critical: true }] },
  { title: "Manner", questions: [{ id: "tone", text: "Tone", weight: 2, kind: "scale", max: 4 }] }] }] };

/// A stereo 8 kHz WAV of `seconds`: a tone on the left (customer) in the
/// first half, on the right (agent) in the second.
function wav(seconds) {
  const rate = 8000, n = rate * seconds, data = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const s = Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12000);
    data.writeInt16LE(i < n / 2 ? s : 0, i * 4);
    data.writeInt16LE(i < n / 2 ? 0 : s, i * 4 + 2);
  }
  const h = Buffer.alloc(44);
  h.write("RIFF", 0); h.writeUInt32LE(36 + data.length, 4); h.write("WAVE", 8);
  h.write("fmt ", 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(2, 22);
  h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * 4, 28); h.writeUInt16LE(4, 32); h.writeUInt16LE(16, 34);
  h.write("data", 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/// FIXTURE: the switch's recording facts for `interaction`, appended to the log (server stopped).
function recordingFixture(data, interaction) {
  const folder = join(data, "recordings", TENANT);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${interaction}.wav`);
  writeFileSync(path, wav(6));
  const db = join(data, "centralita.db");
  const q = (sql) => {
    const r = spawnSync("sqlite3", [db, sql], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const tenant = q(`SELECT id FROM tenants WHERE name = '${TENANT}'`);
  const t0 = Number(q(`SELECT MAX(at) FROM events WHERE tenant_id = ${tenant}`)) - 10000;
  const facts = [
    [0, "recording_started", { path, by: "always" }],
    [2000, "recording_paused", { by: "ana" }],
    [4000, "recording_resumed", { by: "ana" }],
  ];
  for (const [dt, type, rest] of facts) {
    const body = JSON.stringify({ fact: "call", interaction, call: { type, ...rest } }).replaceAll("'", "''");
    q(`INSERT INTO events (tenant_id, seq, at, kind, interaction_id, agent_id, body) SELECT ${tenant}, MAX(seq) + 1, ${t0 + dt}, 'call.${type}', ${interaction}, NULL, '${body}' FROM events WHERE tenant_id = ${tenant}`);
  }
}

async function stop(child) {
  const gone = new Promise((ok) => child.once("exit", ok));
  // The server's process is unref'd: keep the loop alive while it stops.
  const keep = setInterval(() => {}, 100);
  child.kill("SIGTERM");
  await gone;
  clearInterval(keep);
}

test("supervisors evaluate and calibrate a call, the agent acknowledges, a playlist trains", { timeout: 240000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), "centralita-quality-"));
  cli(data, ["tenant", "add", TENANT]);
  for (const [user, role] of [["admin", "admin"], ["sup1", "supervisor"], ["sup2", "supervisor"], ["ana", "agent"]]) {
    cli(data, ["user", "add", "--tenant", TENANT, "--username", user, "--role", role], `${PASSWORDS[user]}\n`);
  }
  let { child, url } = await startServer(data);
  let admin = await apiSession(url, "admin", PASSWORDS.admin);
  assert.equal((await admin("PUT", "/api/v1/routing/plan", { document: PLAN })).status, 204);
  assert.equal((await admin("POST", "/api/v1/agents", { name: "ana", skills: [{ name: "support", level: 8 }], username: "ana" })).status, 201);
  assert.equal((await admin("PUT", "/api/v1/quality/forms", FORMS)).status, 204);
  const ana = await apiSession(url, "ana", PASSWORDS.ana);
  assert.equal((await ana("POST", "/api/v1/agents/0/sign-in", {})).status < 300, true);
  const made = await admin("POST", "/api/v1/interactions", { channel: "voice" });
  const call = made.json.id;
  assert.equal((await ana("POST", `/api/v1/interactions/${call}/accept`, {})).status < 300, true);
  assert.equal((await ana("POST", `/api/v1/interactions/${call}/complete`, {})).status < 300, true);
  await stop(child);
  recordingFixture(data, call);
  ({ child, url } = await startServer(data));
  admin = await apiSession(url, "admin", PASSWORDS.admin);
  t.after(() => { child.kill("SIGTERM"); rmSync(data, { recursive: true, force: true }); });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30000 });
  t.after(() => browser.close());
  const ctx = (width = 1280) => browser.newContext({ viewport: { width, height: 900 }, locale: "en-GB", timezoneId: "Europe/Madrid" });
  const errors = [];
  const page = async (width) => {
    const p = await (await ctx(width)).newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => { if (m.type() === "error" && /Content Security Policy/.test(m.text())) errors.push(m.text()); });
    return p;
  };
  const sup1 = await page(), sup2 = await page(), agent = await page();

  await t.test("the first supervisor evaluates the call with a comment at a moment and jumps to it", async () => {
    await signIn(sup1, url, "sup1", PASSWORDS.sup1);
    await sup1.getByRole("link", { name: "Quality" }).click();
    await sup1.getByLabel("Interaction number").fill(String(call));
    await sup1.getByRole("button", { name: "Open" }).click();
    await sup1.waitForURL(new RegExp(`/ui/quality/interactions/${call}`));
    await sup1.waitForFunction(() => document.getElementById("player-audio").src.startsWith("blob:"));
    await sup1.waitForFunction(() => document.getElementById("player-audio").duration > 5);
    assert.match(await sup1.locator(".pauses").innerText(), /Paused at 0:02 for 0:02/);
    // A click in the middle of the lanes seeks there (3 s of 6).
    const box = await sup1.locator("#player-lanes").boundingBox();
    await sup1.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const at = await sup1.evaluate(() => document.getElementById("player-audio").currentTime);
    assert.ok(Math.abs(at - 3) < 0.2, `seeked to ${at}`);
    await sup1.getByRole("button", { name: "Comment at this moment" }).click();
    assert.equal(await sup1.locator('input[name="moment.0"]').inputValue(), "0:03");
    await sup1.keyboard.type("Talks over the customer here.");
    await sup1.locator("fieldset", { hasText: "Greeted the customer" }).getByLabel("No", { exact: true }).check();
    await sup1.locator("fieldset", { hasText: "Verified the customer" }).getByLabel("Yes", { exact: true }).check();
    await sup1.locator("fieldset", { hasText: "Tone" }).getByLabel("3", { exact: true }).check();
    await sup1.getByLabel("Overall comment").fill("Good call, mind the interruptions.");
    await shot(sup1, "quality-review", true);
    await sup1.getByRole("button", { name: "Save the evaluation" }).click();
    await sup1.waitForURL(/\/ui\/quality\/evaluations\/\d+/);
    assert.match(await sup1.locator("#score").innerText(), /70\.0/);
    await sup1.waitForFunction(() => document.getElementById("player-audio").duration > 5);
    await sup1.getByRole("link", { name: "0:03" }).click();
    const back = await sup1.evaluate(() => document.getElementById("player-audio").currentTime);
    assert.ok(Math.abs(back - 3) < 0.01, `jumped to ${back}`);
    await shot(sup1, "quality-evaluation", true);
  });

  await t.test("a second supervisor scores the same call and the spread shows", async () => {
    await signIn(sup2, url, "sup2", PASSWORDS.sup2);
    await sup2.goto(`${url}/ui/quality/interactions/${call}`);
    await sup2.locator("fieldset", { hasText: "Greeted the customer" }).getByLabel("Yes", { exact: true }).check();
    await sup2.locator("fieldset", { hasText: "Verified the customer" }).getByLabel("Yes", { exact: true }).check();
    await sup2.locator("fieldset", { hasText: "Tone" }).getByLabel("4", { exact: true }).check();
    await sup2.getByRole("button", { name: "Save the evaluation" }).click();
    await sup2.waitForURL(/\/ui\/quality\/evaluations\/\d+/);
    await sup2.getByRole("link", { name: "Calibration" }).click();
    await sup2.locator("#calibration tbody tr").nth(1).waitFor();
    assert.match(await sup2.locator("#spread").innerText(), /Spread: 30\.0 points .* standard deviation 15\.0 \(2 evaluations\)/);
    assert.match(await sup2.locator("#calibration").innerText(), /Greeted the customer by name\s+No\s+Yes/);
    await sup2.locator("#calibration").screenshot({ path: join(SHOTS, "quality-calibration.png") });
  });

  await t.test("the agent sees the evaluation and acknowledges it", async () => {
    await signIn(agent, url, "ana", PASSWORDS.ana);
    await agent.getByRole("link", { name: "My evaluations" }).click();
    await agent.locator("#evaluations tbody tr").nth(1).waitFor();
    await agent.locator("#evaluations tbody tr").last().getByRole("link").click();
    await agent.getByLabel("Your reply (optional)").fill("Understood, I will let customers finish.");
    await agent.getByRole("button", { name: "Acknowledge" }).click();
    await agent.locator("#acked").waitFor();
    assert.match(await agent.locator("#acked").innerText(), /Acknowledged by ana/);
    await shot(agent, "quality-acknowledged", true);
  });

  await t.test("a supervisor makes a playlist and the agent opens it", async () => {
    await sup1.getByRole("link", { name: "Training" }).click();
    await sup1.getByLabel("Name").fill("First week: calm calls");
    await sup1.getByLabel("Description").fill("Calls to learn from.");
    await sup1.getByRole("button", { name: "Create the playlist" }).click();
    await sup1.waitForURL(/\/ui\/training\/\d+/);
    await sup1.getByLabel("Interaction number").fill(String(call));
    await sup1.getByLabel("What to listen for").fill("How the identity check is done.");
    await sup1.getByLabel("Start at (m:ss)").fill("0:02");
    await sup1.getByRole("button", { name: "Add to the playlist" }).click();
    await sup1.locator("#items li").first().waitFor();
    await agent.getByRole("link", { name: "Training" }).click();
    await agent.getByRole("link", { name: "First week: calm calls" }).click();
    assert.match(await agent.locator("#items").innerText(), /How the identity check is done\./);
    await agent.getByRole("button", { name: "Listen from the start moment" }).click();
    await agent.waitForFunction(() => document.querySelector("#items audio").currentTime >= 2);
    assert.equal(await agent.getByRole("button", { name: "Add to the playlist" }).count(), 0);
    await shot(agent, "training-playlist", true);
  });

  await t.test("the quality page is usable at 390 px and everything is audited", async () => {
    const narrow = await page(390);
    await signIn(narrow, url, "sup1", PASSWORDS.sup1);
    await narrow.goto(`${url}/ui/quality`);
    await narrow.locator("#scores").waitFor();
    const overflow = await narrow.evaluate(() => document.querySelector("main").scrollWidth - document.querySelector("main").clientWidth);
    assert.ok(overflow <= 1, `main overflows by ${overflow}px`);
    await shot(narrow, "quality-mobile", true);
    const audit = (await admin("GET", "/api/v1/audit")).json.entries.map((e) => e.action);
    for (const a of ["evaluated", "evaluation_acknowledged", "playlist_saved", "recording_listened", "settings_replaced"]) {
      assert.ok(audit.includes(a), `${a} in ${audit}`);
    }
    assert.deepEqual(errors, []);
  });
});
