#!/usr/bin/env python3
# The security review's sign-in flood, as a measurement: another tenant's request
# latency (an API token reading /api/v1/queues) while 50 sign-ins with made-up names
# run at once against one tenant, three floods in a row. Usage:
#   python3 scripts/signin-flood.py target/release/centralita
# Figures in docs/security.md (the closing note of issue 20 compares a build of 0a15e5f).
import json, re, subprocess, sys, tempfile, threading, time, urllib.request
binary = sys.argv[1]
d = tempfile.mkdtemp()
def cli(*a, stdin=None):
    r = subprocess.run([binary, *a, "--data", d], input=stdin, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout
cli("tenant", "add", "acme"); cli("tenant", "add", "beta")
out = cli("token", "create", "--tenant", "beta", "--role", "analyst", "--name", "bi")
token = re.search(r"ctk_[0-9a-f]+", out).group(0)
srv = subprocess.Popen([binary, "serve", "--data", d, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = None
while url is None:
    m = re.search(r"listening on (http://[0-9.:]+)", srv.stdout.readline())
    if m: url = m.group(1)
def beta_get():
    t = time.perf_counter()
    req = urllib.request.Request(url + "/api/v1/queues", headers={"authorization": "Bearer " + token})
    urllib.request.urlopen(req, timeout=30).read()
    return (time.perf_counter() - t) * 1000
for _ in range(20): beta_get()
quiet = [beta_get() for _ in range(100)]
def sign_in(i):
    body = json.dumps({"tenant": "acme", "username": f"nobody{i}", "password": "a made-up password"}).encode()
    req = urllib.request.Request(url + "/api/v1/sessions", data=body, headers={"content-type": "application/json"})
    try: urllib.request.urlopen(req, timeout=60).read()
    except Exception: pass
rounds = []
for _ in range(3):
    flood = [threading.Thread(target=sign_in, args=(i,)) for i in range(50)]
    for f in flood: f.start()
    lat = []
    while any(f.is_alive() for f in flood):
        lat.append(beta_get())
    for f in flood: f.join()
    rounds += lat
srv.kill()
q = lambda xs, p: sorted(xs)[min(len(xs)-1, int(p*len(xs)))]
print(f"quiet: p50 {q(quiet,.5):.1f} ms p99 {q(quiet,.99):.1f} ms; during 3 floods of 50 sign-ins: {len(rounds)} requests, p50 {q(rounds,.5):.1f} ms, p99 {q(rounds,.99):.1f} ms, max {max(rounds):.1f} ms")
