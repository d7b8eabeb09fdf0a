// End-to-end: the console's Register section in a real headless Chromium (Debian's,
// driven by playwright-core). Run by `cargo xtask test` after console_browser.cjs:
//
//   NODE_PATH=target/npm/node_modules node tests/e2e/console_register.cjs --url http://127.0.0.1:PORT
//
// An analyst changes a KRI's thresholds and its colour changes on its page and in the
// list; a viewer sees the register but no edit forms, and the viewer's forged edit posts
// (with the CSRF token of another form, and with none) are refused; an admin uploads a
// register file, sees the dry run, applies it, and the new KRI is listed.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const base = args[args.indexOf('--url') + 1].replace(/\/$/, '');
const failures = [];
const run = crypto.randomBytes(3).toString('hex');

function check(condition, message) {
  console.log(`  ${condition ? 'ok  ' : 'FAIL'} ${message}`);
  if (!condition) failures.push(message);
}

async function signIn(context, email, password) {
  const page = await context.newPage();
  await page.goto(`${base}/register/kris`);
  check(page.url().startsWith(`${base}/login`), `signed-out visit goes to the sign-in page (${email})`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check(page.url().startsWith(`${base}/register/kris`), `${email} lands back on the register`);
  return page;
}

/// The first KRI in the list with a value, as its page's path.
async function kriWithValue(page) {
  for (const status of ['green', 'amber', 'red']) {
    await page.goto(`${base}/register/kris?status=${status}`);
    const link = await page.$('#register-kris tbody tr td a');
    if (link) return await link.getAttribute('href');
  }
  throw new Error('no KRI with a fresh value in the list');
}

async function statusOf(page) {
  const cell = await page.$('#kri-status');
  return { text: (await cell.textContent()).trim(), cls: await cell.getAttribute('class') };
}

async function analystChangesThresholds(browser) {
  console.log('- an analyst changes a KRI\'s thresholds and its colour follows');
  const context = await browser.newContext();
  const page = await signIn(context, 'analyst@acme.example', 'draxis-demo-analyst');
  const kriPath = await kriWithValue(page);
  await page.goto(`${base}${kriPath}`);
  const value = Number(await page.getAttribute('#kri-value', 'data-value'));
  const higherIsWorse = (await page.textContent('#kri-direction')).trim() === 'higher_is_worse';
  const before = await statusOf(page);
  // Thresholds either side of the value: red when past critical, green when short of warn.
  const target = before.text === 'red' ? 'green' : 'red';
  const step = (higherIsWorse ? 1 : -1) * Math.max(1, Math.abs(value) * 0.1);
  const [warn, critical] = target === 'red'
    ? [value - 2 * step, value - step]
    : [value + step, value + 2 * step];
  await page.fill('#edit-kri input[name=warn]', String(warn));
  await page.fill('#edit-kri input[name=critical]', String(critical));
  await Promise.all([page.waitForNavigation(), page.click('#edit-kri button[type=submit]')]);
  const after = await statusOf(page);
  check(before.text !== after.text && after.text === target, `status ${before.text} → ${after.text} (wanted ${target})`);
  check(after.cls.includes(`status-${target}`), `colour class is status-${target}`);
  check((await page.textContent('.notice')).includes('Saved'), 'the page says what was saved');
  const slug = decodeURIComponent(kriPath.split('/').pop());
  await page.goto(`${base}/register/kris?text=${encodeURIComponent(slug)}`);
  const listed = await page.$(`#register-kris td.status-${target}`);
  check(listed !== null, `the list shows ${slug} as ${target} at once`);

  // Bad input: refused with the reason, nothing changed.
  await page.goto(`${base}${kriPath}`);
  await page.fill('#edit-kri input[name=warn]', 'soon');
  await Promise.all([page.waitForNavigation(), page.click('#edit-kri button[type=submit]')]);
  check((await page.textContent('#edit-kri .error')).includes('is not a number'), 'a bad threshold is explained');
  check((await statusOf(page)).text === target, 'and nothing changed');
  await context.close();
  return kriPath;
}

async function viewerCannotEdit(browser, kriPath) {
  console.log('- a viewer sees no edit forms, and forged edit posts are refused');
  const context = await browser.newContext();
  const page = await signIn(context, 'viewer@acme.example', 'draxis-demo-viewer');
  await page.goto(`${base}${kriPath}`);
  check(await page.$('#kri-status') !== null, 'the viewer reads the KRI');
  check(await page.$('#edit-kri') === null && await page.$('#record-observation') === null, 'no edit forms for a viewer');
  await page.goto(`${base}/register/risks`);
  const riskLink = await page.getAttribute('#register-risks tbody tr td a', 'href');
  await page.goto(`${base}${riskLink}`);
  check(await page.$('#edit-record') === null, 'no risk form for a viewer');
  // The sign-out form's token is valid for this session: the role still refuses.
  const csrf = await page.getAttribute('header input[name=csrf]', 'value');
  // Posted with the viewer's cookies from outside the page (the page's CSP allows no
  // script requests), as a same-origin form post.
  const forged = async (form) => (await page.request.post(`${base}${kriPath}`, {
    headers: { Origin: base }, form, maxRedirects: 0,
  })).status();
  check(await forged({ csrf, warn: '1', critical: '2' }) === 403, 'a forged post with a valid token is refused (403)');
  check(await forged({ warn: '1', critical: '2' }) === 403, 'a forged post without a token is refused (403)');
  await context.close();
}

async function adminUploads(browser) {
  console.log('- an admin uploads a register, sees the dry run, applies it');
  const context = await browser.newContext();
  const page = await signIn(context, 'admin@acme.example', 'draxis-demo-admin');
  const slug = `e2e_uploaded_${run}`;
  const file = path.join(os.tmpdir(), `register-${run}.yaml`);
  fs.writeFileSync(file, [
    'kris:',
    `  - slug: ${slug}`,
    `    name: Uploaded in the browser ${run}`,
    '    category: identity',
    "    unit: '%'",
    '    direction: lower_is_worse',
    '    warn: 90',
    '    critical: 80',
    '    frequency: weekly',
    '    owner: E2E',
    '    aliases: [browser upload alias]',
    '',
  ].join('\n'));
  await page.goto(`${base}/register/upload`);
  await page.setInputFiles('input[name=files]', file);
  await Promise.all([page.waitForNavigation(), page.click('#upload button[type=submit]')]);
  const preview = await page.textContent('main');
  check(preview.includes('Dry run') && preview.includes(slug), 'the dry run names the new KRI');
  check(await page.$('#apply') !== null, 'an Apply button follows the dry run');
  await Promise.all([page.waitForNavigation(), page.click('#apply button[type=submit]')]);
  check((await page.textContent('main')).includes('Applied'), 'the import is applied');
  await page.goto(`${base}/register/kris?text=${slug}`);
  check(await page.$(`#register-kris a[href="/register/kris/${slug}"]`) !== null, 'the new KRI is listed');
  fs.rmSync(file, { force: true });
  await context.close();
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const kriPath = await analystChangesThresholds(browser);
    await viewerCannotEdit(browser, kriPath);
    if (!args.includes('--no-upload')) await adminUploads(browser);
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error(`console register: ${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('console register: all checks passed');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
