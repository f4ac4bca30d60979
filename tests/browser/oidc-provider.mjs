// A real OpenID provider for the tests: the `oidc-provider` package (the
// certified Node.js implementation), started on this machine with one
// client (Centralita) and its development sign-in pages, where any login
// name signs in with any password. Each account's claims come from
// `accounts` (login name → claims); a name not there has no role claim.

import { createServer } from "node:net";
import Provider from "oidc-provider";

/// A free port on 127.0.0.1 (the issuer's address must be known before it starts).
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/// Starts a provider; returns its issuer and a function that stops it.
export async function startProvider({ clientId, clientSecret, redirectUri, accounts }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    }],
    claims: {
      openid: ["sub"],
      profile: ["preferred_username", "centralita_role"],
      email: ["email"],
    },
    pkce: { required: () => true },
    cookies: { keys: ["a cookie key for the tests only"] },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, preferred_username: id, email: `${id}@example.com`, ...(accounts[id] || {}) };
        },
      };
    },
  });
  provider.on("server_error", (_ctx, err) => process.stderr.write(`oidc-provider: ${err.stack}\n`));
  const server = provider.listen(port, "127.0.0.1");
  await new Promise((ok) => server.once("listening", ok));
  return { issuer, stop: () => new Promise((ok) => server.close(ok)) };
}
