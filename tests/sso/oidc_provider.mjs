// A real OpenID Connect provider for the tests: panva's oidc-provider on 127.0.0.1, on a
// port the system picks, with its own sign-in page (username and password checked).
//
//   node tests/sso/oidc_provider.mjs CONFIG.json
//
// CONFIG: {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//          "accounts_file": "accounts.json"}
// accounts.json: {"<login>": {"password": "...", "claims": {"groups": [...], ...}}}, read
// again at every sign-in and token, so a test changes someone's groups by rewriting it.
// Prints "listening <issuer>" once it answers.
import fs from 'node:fs';
import http from 'node:http';
import querystring from 'node:querystring';

import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const accounts = () => JSON.parse(fs.readFileSync(config.accounts_file, 'utf8'));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid, error) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council Test ID - sign in</title></head><body>
<h1>Council Test ID</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label for="login">Username</label> <input id="login" name="login" autocomplete="off">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></body></html>`;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return querystring.parse(Buffer.concat(chunks).toString('utf8'));
}

let provider;

async function finish(req, res, details, accountId) {
  // Consent is the council's, given once for all staff: grant what the client asked for.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const result = { consent: { grantId } };
  if (details.prompt.name === 'login') result.login = { accountId };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    await finish(req, res, details, details.session.accountId);
    return;
  }
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  if (req.method !== 'POST') {
    res.end(page(uid));
    return;
  }
  const { login = '', password = '' } = await readBody(req);
  const account = accounts()[login];
  if (!account || account.password !== password) {
    res.statusCode = 200;
    res.end(page(uid, 'Wrong username or password'));
    return;
  }
  await finish(req, res, details, login);
}

const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  try {
    if (match) {
      await interaction(req, res, match[1]);
    } else {
      provider.callback()(req, res);
    }
  } catch (error) {
    console.error(error);
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      // Entra ID's shapes: group object ids, app roles, the object id.
      groups: ['groups', 'roles', 'oid', '_claim_names'],
    },
    // Claims in the ID token, as Entra ID sends groups and roles.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['tests-only-cookie-signing-key'] },
    async findAccount(ctx, id) {
      const account = accounts()[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
    },
  });
  process.stdout.write(`listening ${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
