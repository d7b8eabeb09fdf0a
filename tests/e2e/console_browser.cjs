// End-to-end: the web console in a real headless Chromium (Debian's, driven by
// playwright-core). Run by `cargo xtask test`:
//
//   NODE_PATH=target/npm/node_modules node tests/e2e/console_browser.cjs --url http://127.0.0.1:PORT
//
// A person signs in, creates an API token, sees it once, uses it against /api/mcp,
// revokes it and sees the next request refused; approves an OAuth consent; works the
// review queue and the autonomy band; and is refused where their role does not reach.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const base = args[args.indexOf('--url') + 1].replace(/\/$/, '');
const mcp = `${base}/api/mcp`;
const failures = [];
const run = crypto.randomBytes(3).toString('hex');
const tokenName = `Chromium e2e ${run}`;
const clientName = `Chromium consent test ${run}`;

function check(condition, message) {
  console.log(`  ${condition ? 'ok  ' : 'FAIL'} ${message}`);
  if (!condition) failures.push(message);
}

async function mcpInitialize(token) {
  const response = await fetch(mcp, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': '2025-11-25',
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'chromium-e2e', version: '1' } },
    }),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate') || '' };
}

async function callTool(token, name, args) {
  const response = await fetch(mcp, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } }),
  });
  const body = await response.json();
  if (!body.result || body.result.isError) throw new Error(`${name} failed: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

async function signIn(page, email, password) {
  await page.goto(`${base}/settings/tokens`);
  check(page.url().startsWith(`${base}/login`), `signed-out visit goes to the sign-in page (${email})`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();

    console.log('- sign in, create a token, see it once, use it, revoke it');
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', 'admin@acme.example');
    await page.fill('input[name=password]', 'wrong password here');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    check((await page.textContent('.error')).includes('wrong email or password'), 'a wrong password is refused clearly');

    await signIn(page, 'admin@acme.example', 'draxis-demo-admin');
    check(page.url() === `${base}/settings/tokens`, 'signed in, on Settings → API Tokens');
    const headers = (await page.goto(`${base}/settings/tokens`)).headers();
    check((headers['content-security-policy'] || '').includes("frame-ancestors 'none'")
      && headers['x-frame-options'] === 'DENY' && headers['x-content-type-options'] === 'nosniff',
      'strict security headers on console pages');

    await page.fill('input[name=name]', tokenName);
    await page.check('input[name=scope][value=read]');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/settings/tokens"] button[type=submit]')]);
    const token = await page.inputValue('#new-token');
    check(/^drx_pat_acme\.[0-9a-f]{64}$/.test(token), 'the new token is shown in full, once');
    check((await page.textContent('.created')).includes('only time'), 'the page says it is shown only once');
    await page.click('button[data-copy=new-token]');

    await page.goto(`${base}/settings/tokens`);
    const listing = await page.content();
    check(!listing.includes(token), 'after a reload the plaintext is gone');
    check(listing.includes(token.slice(0, 'drx_pat_acme.'.length + 8)), 'the list shows its display prefix');
    const row = page.locator('tr', { hasText: tokenName });
    check((await row.textContent()).includes('active'), 'the list shows it active');

    check((await mcpInitialize(token)).status === 200, 'the token opens /api/mcp');
    await Promise.all([page.waitForNavigation(), row.locator('button', { hasText: 'Revoke' }).click()]);
    check((await page.textContent('.notice')).includes('revoked'), 'revoking says so');
    const refused = await mcpInitialize(token);
    check(refused.status === 401 && refused.challenge.includes('revoked'), 'the next request with it is refused (401, revoked)');

    console.log('- approve an OAuth consent');
    // The client's loopback listener, as a native MCP client runs one.
    let callback = null;
    const listener = http.createServer((request, response) => {
      const url = new URL(request.url, 'http://127.0.0.1');
      // The browser also asks this origin for /favicon.ico: keep the callback only.
      if (url.pathname === '/callback') callback = url;
      response.end('client callback reached');
    });
    await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const redirectUri = `http://127.0.0.1:${listener.address().port}/callback`;
    const registration = await (await fetch(`${base}/oauth/register`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: clientName, redirect_uris: [redirectUri] }),
    })).json();
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const state = crypto.randomBytes(8).toString('hex');
    const authorize = `${base}/oauth/authorize?` + new URLSearchParams({
      response_type: 'code', client_id: registration.client_id, redirect_uri: redirectUri,
      code_challenge: challenge, code_challenge_method: 'S256', state, scope: 'mcp:read mcp:write offline_access',
      resource: mcp,
    });
    await page.goto(authorize);
    check((await page.textContent('h1')).includes(clientName), 'the consent page names the client');
    await page.selectOption('select[name=tenant]', 'acme');
    await Promise.all([page.waitForURL(`${redirectUri}**`), page.click('button[value=approve]')]);
    check(callback && callback.searchParams.get('state') === state && callback.searchParams.get('code')
      && callback.searchParams.get('iss') === base,
      `approving redirects to the client with code, state and iss (got ${callback && callback.search})`);
    listener.close();
    const tokens = await (await fetch(`${base}/oauth/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: callback.searchParams.get('code'), code_verifier: verifier,
        client_id: registration.client_id, redirect_uri: redirectUri, resource: mcp,
      }),
    })).json();
    check((await mcpInitialize(tokens.access_token)).status === 200, 'the consented access token opens /api/mcp');
    await page.goto(`${base}/settings/apps`);
    const app = page.locator('tr', { hasText: clientName });
    check(await app.count() === 1, 'Connected apps lists the approved client');
    await Promise.all([page.waitForNavigation(), app.locator('button', { hasText: 'Revoke' }).click()]);
    check((await mcpInitialize(tokens.access_token)).status === 401, 'revoking the app refuses its token');

    console.log('- autonomy band and the review queue');
    const setBand = async (band) => {
      await page.goto(`${base}/settings/band`);
      await page.check(`input[name=band][value=${band}]`);
      await Promise.all([page.waitForNavigation(), page.click('form[action="/settings/band"] button[type=submit]')]);
      return page.textContent('.notice');
    };
    check((await setBand('manual')).includes('to manual'), 'an admin sets the autonomy band to manual');
    // Evidence arrives over MCP with a read + write token made in the console.
    await page.goto(`${base}/settings/tokens`);
    await page.fill('input[name=name]', `writer ${run}`);
    await page.check('input[name=scope][value="read write"]');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/settings/tokens"] button[type=submit]')]);
    const writer = await page.inputValue('#new-token');
    const zones = await callTool(writer, 'list_integrations', { isDropZone: true });
    // Our own drop zone (xtask creates it), so the Drop Zone suite's counts stay exact.
    const items = zones.result.structuredContent.items;
    const zone = (items.find((z) => z.name === 'Client tests') || items[0]).id;
    const submitted = await callTool(writer, 'submit_dropzone_artifact', {
      integrationId: zone, filename: `chromium-${run}.md`,
      content: `# Weekly security metrics (${run})\n\nPatch compliance: 88.${run.charCodeAt(0) % 10}%\n`,
    });
    const counts = submitted.result.structuredContent.extraction.counts;
    check(counts.pendingReview >= 1, `under manual every proposal waits for review (${JSON.stringify(counts)})`);
    await page.goto(`${base}/review`);
    const proposal = page.locator('article.proposal', { hasText: 'patch_compliance_pct' }).last();
    const shown = await proposal.textContent();
    check(shown.includes('Patch compliance: 88.') && /lines? \d/.test(shown) && /Confidence\s+0\.\d\d/.test(shown),
      'the review page shows value, confidence and the evidence span');
    await proposal.locator('input[name=value]').fill('88.8');
    await Promise.all([page.waitForNavigation(), proposal.locator('button[value=accept]').click()]);
    check((await page.textContent('.notice')).includes('Accepted patch_compliance_pct = 88.8'), 'accepting with a corrected value says so');
    check((await setBand('balanced')).includes('to balanced'), 'and sets it back to balanced');

    console.log('- a forged cross-site post changes nothing');
    const forged = await context.request.post(`${base}/settings/band`, {
      form: { band: 'autonomous', csrf: 'f'.repeat(64) }, headers: { Origin: 'https://evil.example' }, maxRedirects: 0,
    });
    check(forged.status() === 403, 'a cross-site post with a wrong CSRF token gets 403');
    await page.goto(`${base}/settings/band`);
    check(await page.isChecked('input[name=band][value=balanced]'), 'and the band is unchanged');

    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
    check(page.url().startsWith(`${base}/login`), 'signing out returns to the sign-in page');

    console.log('- roles are enforced');
    const viewer = await (await browser.newContext()).newPage();
    await signIn(viewer, 'viewer@acme.example', 'draxis-demo-viewer');
    check(await viewer.locator('input[name=scope][value="read write"]').count() === 0, 'a viewer is offered read tokens only');
    const band = await viewer.goto(`${base}/settings/band`);
    check(band.status() === 403, 'a viewer cannot open the autonomy band');
    check(await viewer.locator('a[href="/settings/band"]').count() === 0, 'and the menu does not offer it');
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error(`${failures.length} console check(s) failed`);
    process.exit(1);
  }
  console.log('console end-to-end in Chromium: all checks passed');
}

main().catch((error) => { console.error(error); process.exit(1); });
