// The reference JOSE library as a judge of app tokens (tests/judges/jose_peer.rs).
//
// Mints a matrix of app tokens (every algorithm and key type a key set may hold, kid present,
// absent, unknown, empty, every registered claim at and around its boundaries, aud forms,
// header fields that must never be followed, crit, alg none, HS256 keyed with the public key,
// tampered parts) and records, for each, the verdict of panva's `jose` (npm, pinned in
// package-lock.json) as a Node backend verifies an app token: `jwtVerify` with the issuer's key
// set, `issuer`, `audience`, `clockTolerance` and `currentDate` (the same fixed instant as the
// Rust side's injected clock), jose's documented loop over the candidates when several keys
// match, then the JTL claim rules (`urn:jtl:app_id`, when present, is the app; the tenant
// `urn:jtl:tenant_id` is a non-empty string).
//
// The signatures are made with node:crypto, not with jose's signers: those refuse to produce
// most of the tokens a verifier must refuse, and the judge is jose's verifier.
//
// Usage: node jose_matrix.mjs BASE_URL APP_ID NOW_SECONDS LEEWAY_SECONDS
// Prints {sets: {name: jwks}, tokens: [{name, set, token, verdict, code, claim}]} as JSON.

import crypto from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';

const [base, app, nowText, leewayText] = process.argv.slice(2);
const NOW = Number(nowText);
const LEEWAY = Number(leewayText);
if (!base || !app || !Number.isInteger(NOW) || !Number.isInteger(LEEWAY)) {
  console.error('usage: node jose_matrix.mjs BASE_URL APP_ID NOW_SECONDS LEEWAY_SECONDS');
  process.exit(2);
}
const issuerOf = (set) => `${base}/${set}`;

// ---- keys -------------------------------------------------------------------------------------

const rsa = (bits = 2048) => crypto.generateKeyPairSync('rsa', { modulusLength: bits });
const ec = (namedCurve) => crypto.generateKeyPairSync('ec', { namedCurve });
const ed = () => crypto.generateKeyPairSync('ed25519');
const jwkOf = (pair, extra = {}) => ({ ...pair.publicKey.export({ format: 'jwk' }), ...extra });

const keys = {
  rsaA: rsa(), rsaB: rsa(), rsaC: rsa(),
  ec256: ec('P-256'), ec384: ec('P-384'), ec521: ec('P-521'),
  ed: ed(), edNamed: ed(),
  // Not published: an attacker's keys of every type.
  rsaX: rsa(), ec256X: ec('P-256'), ec384X: ec('P-384'), ec521X: ec('P-521'), edX: ed(),
  rsa1024: rsa(1024),
};

// Each set is served under its own issuer, `${base}/${set}`.
const sets = {
  // Every key with a kid; two RSA keys (one bound to PS256), a key per curve, two Ed25519
  // keys (one bound to RFC 9864's Ed25519).
  main: [
    jwkOf(keys.rsaA, { kid: 'kid-rsa-a', use: 'sig' }),
    jwkOf(keys.rsaB, { kid: 'kid-rsa-b', alg: 'PS256' }),
    jwkOf(keys.ec256, { kid: 'kid-ec-256', alg: 'ES256', use: 'sig' }),
    jwkOf(keys.ec384, { kid: 'kid-ec-384' }),
    jwkOf(keys.ec521, { kid: 'kid-ec-521', alg: 'ES512' }),
    jwkOf(keys.ed, { kid: 'kid-ed' }),
    jwkOf(keys.edNamed, { kid: 'kid-ed-rfc9864', alg: 'Ed25519' }),
    // Keys a verifier skips: a secret and an encryption key.
    { kty: 'oct', k: 'c2VjcmV0LW9mLWFuLWhtYWMta2V5', kid: 'kid-hmac', alg: 'HS256' },
    jwkOf(keys.rsaC, { kid: 'kid-rsa-enc', use: 'enc', alg: 'RSA-OAEP' }),
  ],
  // One key of each type, none with a kid.
  nokid: [jwkOf(keys.rsaA), jwkOf(keys.ec256), jwkOf(keys.ec384), jwkOf(keys.ec521), jwkOf(keys.ed)],
  // A key with a kid and keys without, of one type.
  mixed: [jwkOf(keys.rsaA, { kid: 'kid-rsa-a' }), jwkOf(keys.rsaC), jwkOf(keys.ed)],
  // What a JWK allows: key_ops, use, ext.
  ops: [
    jwkOf(keys.rsaA, { kid: 'kid-ops-sign', key_ops: ['sign'] }),
    jwkOf(keys.ec256, { kid: 'kid-ops-verify', key_ops: ['verify'] }),
    jwkOf(keys.ec384, { kid: 'kid-use-enc', use: 'enc' }),
    jwkOf(keys.ed, { kid: 'kid-both', use: 'sig', key_ops: ['verify', 'sign'] }),
    jwkOf(keys.ec521, { kid: 'kid-ext-text', ext: 'yes' }),
    jwkOf(keys.rsaB, { kid: 'kid-ops-twice', key_ops: ['verify', 'verify'] }),
    jwkOf(keys.rsaC, { kid: 'kid-ops-text', key_ops: 'verify' }),
    jwkOf(keys.edNamed, { kid: 'kid-use-number', use: 1 }),
  ],
  // An empty kid is a kid.
  emptykid: [jwkOf(keys.ed, { kid: '' }), jwkOf(keys.rsaA, { kid: 'kid-rsa-a' })],
  // A key too short for RS256 (RFC 7518 3.3: 2048 bits or larger).
  weak: [jwkOf(keys.rsa1024, { kid: 'kid-rsa-1024' })],
  // A private key published by mistake.
  private: [{ ...keys.edNamed.privateKey.export({ format: 'jwk' }), kid: 'kid-private' }],
  // Two keys sharing a kid.
  dupkid: [jwkOf(keys.rsaA, { kid: 'kid-dup' }), jwkOf(keys.rsaC, { kid: 'kid-dup' })],
};

// ---- signing (node:crypto) --------------------------------------------------------------------

const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const json = (value) => b64(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

const SIGNERS = {
  RS256: (key, data) => crypto.sign('sha256', data, key),
  RS384: (key, data) => crypto.sign('sha384', data, key),
  RS512: (key, data) => crypto.sign('sha512', data, key),
  PS256: (key, data) => crypto.sign('sha256', data, pss(key, 32)),
  PS384: (key, data) => crypto.sign('sha384', data, pss(key, 48)),
  PS512: (key, data) => crypto.sign('sha512', data, pss(key, 64)),
  ES256: (key, data) => crypto.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
  ES384: (key, data) => crypto.sign('sha384', data, { key, dsaEncoding: 'ieee-p1363' }),
  ES512: (key, data) => crypto.sign('sha512', data, { key, dsaEncoding: 'ieee-p1363' }),
  EdDSA: (key, data) => crypto.sign(null, data, key),
  Ed25519: (key, data) => crypto.sign(null, data, key),
};
function pss(key, saltLength) {
  return { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength };
}

// The algorithms, each with its published key (and kid in `main`) and an attacker's key.
const ALGS = {
  RS256: ['rsaA', 'kid-rsa-a', 'rsaX'],
  RS384: ['rsaA', 'kid-rsa-a', 'rsaX'],
  RS512: ['rsaA', 'kid-rsa-a', 'rsaX'],
  PS256: ['rsaB', 'kid-rsa-b', 'rsaX'],
  PS384: ['rsaA', 'kid-rsa-a', 'rsaX'],
  PS512: ['rsaA', 'kid-rsa-a', 'rsaX'],
  ES256: ['ec256', 'kid-ec-256', 'ec256X'],
  ES384: ['ec384', 'kid-ec-384', 'ec384X'],
  ES512: ['ec521', 'kid-ec-521', 'ec521X'],
  EdDSA: ['ed', 'kid-ed', 'edX'],
  Ed25519: ['edNamed', 'kid-ed-rfc9864', 'edX'],
};

/** A compact JWS over `header` and `claims` (objects, or raw text), signed as `signAlg`. */
function sign(header, claims, keyName, signAlg = header.alg) {
  const input = `${json(header)}.${json(claims)}`;
  const signature = SIGNERS[signAlg](keys[keyName].privateKey, Buffer.from(input));
  return `${input}.${b64(signature)}`;
}

const TENANT = 'tenant-7c1e9a4b';
const USER = 'user-5d2f8e11';
function claimsFor(set, changes = {}) {
  const claims = {
    iss: issuerOf(set), aud: app, 'urn:jtl:app_id': app, 'urn:jtl:tenant_id': TENANT,
    sub: USER, iat: NOW - 60, exp: NOW + 600,
  };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

// ---- the matrix -------------------------------------------------------------------------------

const tokens = [];
const add = (name, set, token) => tokens.push({ name, set, token });
const swapChar = (text, at) => {
  const i = at < 0 ? text.length + at : at;
  const replacement = text[i] === 'A' ? 'B' : 'A';
  return text.slice(0, i) + replacement + text.slice(i + 1);
};

// Every algorithm, with its key: kid right, absent, unknown, empty; forged, tampered, swapped.
for (const [alg, [keyName, kid, attacker]] of Object.entries(ALGS)) {
  const claims = claimsFor('main');
  const valid = sign({ alg, kid, typ: 'JWT' }, claims, keyName);
  add(`alg/${alg}/valid`, 'main', valid);
  add(`alg/${alg}/kid-absent`, 'main', sign({ alg, typ: 'JWT' }, claims, keyName));
  add(`alg/${alg}/kid-unknown`, 'main', sign({ alg, kid: 'kid-unknown' }, claims, keyName));
  add(`alg/${alg}/kid-empty`, 'main', sign({ alg, kid: '' }, claims, keyName));
  add(`alg/${alg}/forged-with-real-kid`, 'main', sign({ alg, kid }, claims, attacker));
  add(`alg/${alg}/forged-without-kid`, 'main', sign({ alg }, claims, attacker));
  const [h, p, s] = valid.split('.');
  const otherTenant = json(claimsFor('main', { 'urn:jtl:tenant_id': 'tenant-other-0a1b' }));
  add(`alg/${alg}/tampered-payload`, 'main', `${h}.${otherTenant}.${s}`);
  add(`alg/${alg}/tampered-header`, 'main', `${json({ alg, kid, typ: 'at+jwt' })}.${p}.${s}`);
  add(`alg/${alg}/tampered-signature`, 'main', `${h}.${p}.${swapChar(s, Math.floor(s.length / 2))}`);
  add(`alg/${alg}/signature-cut`, 'main', `${h}.${p}.${s.slice(0, -4)}`);
  add(`alg/${alg}/no-kid-set`, 'nokid', sign({ alg }, claimsFor('nokid'), keyName));
  add(`alg/${alg}/kid-against-kidless-set`, 'nokid', sign({ alg, kid }, claimsFor('nokid'), keyName));
}
// The hash of another algorithm of the same family.
add('alg/RS384-header-RS256-signature', 'main', sign({ alg: 'RS384', kid: 'kid-rsa-a' }, claimsFor('main'), 'rsaA', 'RS256'));
add('alg/PS256-header-RS256-signature', 'main', sign({ alg: 'PS256', kid: 'kid-rsa-b' }, claimsFor('main'), 'rsaB', 'RS256'));
add('alg/RS256-header-PS256-signature', 'main', sign({ alg: 'RS256', kid: 'kid-rsa-a' }, claimsFor('main'), 'rsaA', 'PS256'));
// An algorithm the key named by kid does not verify.
add('alg/PS384-with-kid-bound-to-PS256', 'main', sign({ alg: 'PS384', kid: 'kid-rsa-b' }, claimsFor('main'), 'rsaB'));
add('alg/EdDSA-with-kid-bound-to-Ed25519', 'main', sign({ alg: 'EdDSA', kid: 'kid-ed-rfc9864' }, claimsFor('main'), 'edNamed'));
add('alg/Ed25519-with-unbound-Ed25519-key', 'main', sign({ alg: 'Ed25519', kid: 'kid-ed' }, claimsFor('main'), 'ed'));
add('alg/ES256-with-P-384-kid', 'main', sign({ alg: 'ES256', kid: 'kid-ec-384' }, claimsFor('main'), 'ec256'));
add('alg/ES384-with-P-256-kid', 'main', sign({ alg: 'ES384', kid: 'kid-ec-256' }, claimsFor('main'), 'ec384'));
add('alg/RS256-with-EC-kid', 'main', sign({ alg: 'RS256', kid: 'kid-ec-256' }, claimsFor('main'), 'rsaA'));
add('alg/EdDSA-with-RSA-kid', 'main', sign({ alg: 'EdDSA', kid: 'kid-rsa-a' }, claimsFor('main'), 'ed'));
add('alg/ES512-with-kid-of-secret', 'main', sign({ alg: 'ES512', kid: 'kid-hmac' }, claimsFor('main'), 'ec521'));
add('alg/RS256-with-kid-of-encryption-key', 'main', sign({ alg: 'RS256', kid: 'kid-rsa-enc' }, claimsFor('main'), 'rsaC'));

// alg none, HMAC keyed with the published key, unknown and malformed algs.
{
  const claims = json(claimsFor('main'));
  const noneToken = (alg, signature = '') => `${json({ alg, typ: 'JWT' })}.${claims}.${signature}`;
  add('header/alg-none', 'main', noneToken('none'));
  add('header/alg-none-with-signature', 'main', noneToken('none', b64('x')));
  add('header/alg-None', 'main', noneToken('None'));
  const rsaJwk = sets.main[0];
  const hmacSecrets = {
    'jwk-json': Buffer.from(JSON.stringify(rsaJwk)),
    'modulus': Buffer.from(rsaJwk.n, 'base64url'),
    'spki-pem': Buffer.from(keys.rsaA.publicKey.export({ format: 'pem', type: 'spki' })),
    'spki-der': keys.rsaA.publicKey.export({ format: 'der', type: 'spki' }),
  };
  for (const [what, secret] of Object.entries(hmacSecrets)) {
    for (const alg of ['HS256', 'HS512']) {
      const input = `${json({ alg, kid: 'kid-rsa-a', typ: 'JWT' })}.${claims}`;
      const tag = crypto.createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret).update(input).digest();
      add(`header/${alg}-keyed-with-the-public-key-${what}`, 'main', `${input}.${b64(tag)}`);
    }
  }
  const hs = (kid) => {
    const input = `${json({ alg: 'HS256', kid })}.${claims}`;
    return `${input}.${b64(crypto.createHmac('sha256', Buffer.from('secret-of-an-hmac-key')).update(input).digest())}`;
  };
  add('header/HS256-with-kid-of-the-secret', 'main', hs('kid-hmac'));
  for (const alg of ['rs256', 'RS257', 'ES256K', 'ML-DSA-44', '']) {
    add(`header/alg-${alg || 'empty'}`, 'main', sign({ alg, kid: 'kid-rsa-a' }, claimsFor('main'), 'rsaA', 'RS256'));
  }
  const withoutAlg = `${json({ kid: 'kid-rsa-a' })}.${claims}`;
  add('header/alg-missing', 'main', `${withoutAlg}.${b64(SIGNERS.RS256(keys.rsaA.privateKey, Buffer.from(withoutAlg)))}`);
  const numericAlg = `${json({ alg: 256, kid: 'kid-rsa-a' })}.${claims}`;
  add('header/alg-number', 'main', `${numericAlg}.${b64(SIGNERS.RS256(keys.rsaA.privateKey, Buffer.from(numericAlg)))}`);
}

// Header fields that point elsewhere for keys are never followed; crit; kid forms.
{
  const claims = claimsFor('main');
  const attackerJwk = jwkOf(keys.rsaX, { kid: 'kid-attacker' });
  for (const [field, value] of [
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['jwk', attackerJwk],
    ['x5c', [b64('not-a-certificate')]],
  ]) {
    add(`header/${field}-attacker-signed`, 'main', sign({ alg: 'RS256', kid: 'kid-attacker', [field]: value }, claims, 'rsaX'));
    add(`header/${field}-attacker-signed-without-kid`, 'main', sign({ alg: 'RS256', [field]: value }, claims, 'rsaX'));
    add(`header/${field}-issuer-signed`, 'main', sign({ alg: 'RS256', kid: 'kid-rsa-a', [field]: value }, claims, 'rsaA'));
  }
  const crit = {
    'b64-true': { crit: ['b64'], b64: true },
    'b64-twice': { crit: ['b64', 'b64'], b64: true },
    'b64-false': { crit: ['b64'], b64: false },
    'b64-missing': { crit: ['b64'] },
    'b64-text': { crit: ['b64'], b64: 'true' },
    'b64-null': { crit: ['b64'], b64: null },
    'unknown-extension': { crit: ['exp'], exp: NOW + 600 },
    'known-and-unknown': { crit: ['b64', 'urn:example:x'], b64: true, 'urn:example:x': 1 },
    'empty-list': { crit: [] },
    'not-a-list': { crit: 'b64', b64: true },
    'empty-name': { crit: [''] },
    'number': { crit: [1] },
    'b64-false-without-crit': { b64: false },
  };
  for (const [what, fields] of Object.entries(crit)) {
    add(`header/crit-${what}`, 'main', sign({ alg: 'ES256', kid: 'kid-ec-256', ...fields }, claims, 'ec256'));
  }
  add('header/kid-number', 'main', sign({ alg: 'RS256', kid: 7 }, claims, 'rsaA'));
  add('header/kid-null', 'main', sign({ alg: 'RS256', kid: null }, claims, 'rsaA'));
  add('header/typ-at+jwt', 'main', sign({ alg: 'RS256', kid: 'kid-rsa-a', typ: 'at+jwt' }, claims, 'rsaA'));
  add('header/typ-unusual', 'main', sign({ alg: 'RS256', kid: 'kid-rsa-a', typ: 'application/secevent+jwt', cty: 'x' }, claims, 'rsaA'));
  add('header/duplicate-alg-last-wins', 'main', (() => {
    const header = '{"alg":"HS256","kid":"kid-rsa-a","alg":"RS256"}';
    const input = `${json(header)}.${json(claims)}`;
    return `${input}.${b64(SIGNERS.RS256(keys.rsaA.privateKey, Buffer.from(input)))}`;
  })());
}

// Compact form and encoding.
{
  const valid = sign({ alg: 'ES256', kid: 'kid-ec-256' }, claimsFor('main'), 'ec256');
  const [h, p, s] = valid.split('.');
  add('form/two-parts', 'main', `${h}.${p}`);
  add('form/four-parts', 'main', `${valid}.${s}`);
  add('form/empty-signature', 'main', `${h}.${p}.`);
  add('form/signature-not-base64url', 'main', `${h}.${p}.${s.slice(0, -2)}*!`);
  add('form/signature-padded', 'main', `${h}.${p}.${s}==`);
  add('form/standard-base64-signature', 'main', `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '')}`);
  // ES256 signatures are 64 bytes: the last character carries 4 unused bits.
  const last = s[s.length - 1];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const sibling = alphabet[alphabet.indexOf(last) ^ 1];
  add('form/signature-unused-bits-set', 'main', `${h}.${p}.${s.slice(0, -1)}${sibling}`);
  add('form/header-not-json', 'main', `${json('not json')}.${p}.${s}`);
  add('form/header-array', 'main', `${json([{ alg: 'ES256' }])}.${p}.${s}`);
  const signRaw = (header, payloadText) => {
    const input = `${json(header)}.${json(payloadText)}`;
    return `${input}.${b64(SIGNERS.ES256(keys.ec256.privateKey, Buffer.from(input)))}`;
  };
  add('form/payload-array', 'main', signRaw({ alg: 'ES256', kid: 'kid-ec-256' }, '[1,2]'));
  add('form/payload-not-json', 'main', signRaw({ alg: 'ES256', kid: 'kid-ec-256' }, 'exp=1'));
  add('form/payload-null', 'main', signRaw({ alg: 'ES256', kid: 'kid-ec-256' }, 'null'));
  const claims = claimsFor('main');
  const duplicate = JSON.stringify(claims).replace('{', `{"exp":${NOW - 3600},`);
  add('form/duplicate-exp-last-wins', 'main', signRaw({ alg: 'ES256', kid: 'kid-ec-256' }, duplicate));
  add('form/over-16-KiB', 'main', sign({ alg: 'ES256', kid: 'kid-ec-256' }, claimsFor('main', { pad: 'x'.repeat(17 * 1024) }), 'ec256'));
}

// Registered claims at and around their boundaries, and the JTL claims; each case is signed
// with two algorithms of the set, in turn over all of them.
{
  const cases = [];
  const c = (name, changes) => cases.push([name, changes]);
  const L = LEEWAY;
  for (const [name, exp] of Object.entries({
    'past-leeway': NOW - L - 1, 'at-leeway': NOW - L, 'half-second-before-leeway': NOW - L + 0.5,
    'half-second-after-leeway': NOW - L - 0.5, 'inside-leeway': NOW - L + 1, 'now': NOW,
    'next-second': NOW + 1, 'year-2286': 1e10, 'far': 1e15, 'beyond-u64-seconds': 1e20,
    'largest-double': Number.MAX_VALUE, 'negative': -1, 'zero': 0, 'fraction': NOW + 0.25,
  })) c(`exp/${name}`, { exp });
  c('exp/string', { exp: String(NOW + 600) });
  c('exp/null', { exp: null });
  c('exp/bool', { exp: true });
  c('exp/array', { exp: [NOW + 600] });
  c('exp/missing', { exp: undefined });
  for (const [name, nbf] of Object.entries({
    'before-leeway': NOW + L - 1, 'at-leeway': NOW + L, 'past-leeway': NOW + L + 1,
    'half-second-past-leeway': NOW + L + 0.5, 'half-second-inside-leeway': NOW + L - 0.5,
    'now': NOW, 'negative': -1, 'zero': 0, 'far': 1e20,
  })) c(`nbf/${name}`, { nbf });
  c('nbf/string', { nbf: String(NOW) });
  c('nbf/null', { nbf: null });
  for (const [name, iat] of Object.entries({
    'hour-ahead': NOW + 3600, 'past-leeway-ahead': NOW + L + 1, 'long-ago': NOW - 1e8,
    'negative': -1, 'zero': 0, 'far': 1e20, 'fraction': NOW - 0.5,
  })) c(`iat/${name}`, { iat });
  c('iat/string', { iat: String(NOW) });
  c('iat/null', { iat: null });
  c('iat/missing', { iat: undefined });
  const iss = issuerOf('main');
  for (const [name, value] of Object.entries({
    'trailing-slash': `${iss}/`, 'upper-case': iss.toUpperCase(), 'other': 'https://id.jtl-cloud.com',
    'empty': '', 'null': null, 'number': 42, 'array': [iss], 'missing': undefined,
  })) c(`iss/${name}`, { iss: value });
  for (const [name, value] of Object.entries({
    'string': app, 'array': [app], 'array-with-others': ['other-app-1', app, 'other-app-2'],
    'others-only': ['other-app-1'], 'empty-array': [], 'empty-string': '', 'missing': undefined,
    'null': null, 'number': 42, 'object': { app }, 'upper-case': app.toUpperCase(),
    'trailing-space': `${app} `, 'array-with-number-and-app': [7, app], 'nested-array': [[app]],
  })) c(`aud/${name}`, { aud: value });
  for (const [name, value] of Object.entries({
    'other': 'other-app-1', 'null': null, 'number': 42, 'empty': '', 'missing': undefined,
    'array': [app],
  })) c(`app_id/${name}`, { 'urn:jtl:app_id': value });
  for (const [name, value] of Object.entries({
    'empty': '', 'null': null, 'number': 42, 'missing': undefined, 'array': [TENANT],
    'uuid': '7d8c7ff3-1b9f-4d4e-9a8e-0d3c2e1f5a6b',
  })) c(`tenant/${name}`, { 'urn:jtl:tenant_id': value });
  for (const [name, value] of Object.entries({
    'null': null, 'number': 42, 'missing': undefined, 'object': { id: USER },
  })) c(`sub/${name}`, { sub: value });
  c('jti/number', { jti: 5 });
  c('extra/unknown-claims', { scope: 'openid erp.read', 'urn:zitadel:iam:org:id': '123456789' });

  const algs = Object.keys(ALGS);
  cases.forEach(([name, changes], i) => {
    for (const alg of [algs[(2 * i) % algs.length], algs[(2 * i + 1) % algs.length]]) {
      const [keyName, kid] = ALGS[alg];
      add(`claims/${name}/${alg}`, 'main', sign({ alg, kid, typ: 'JWT' }, claimsFor('main', changes), keyName));
    }
  });
}

// Key sets beyond `main`.
{
  const s = (set, alg, kid, keyName) => sign(kid === undefined ? { alg } : { alg, kid }, claimsFor(set), keyName);
  add('mixed/kid-absent-key-without-kid', 'mixed', s('mixed', 'RS256', undefined, 'rsaC'));
  add('mixed/kid-absent-key-with-kid', 'mixed', s('mixed', 'RS256', undefined, 'rsaA'));
  add('mixed/kid-of-another-key', 'mixed', s('mixed', 'RS256', 'kid-rsa-a', 'rsaC'));
  add('mixed/kid-unknown-kidless-key-signed', 'mixed', s('mixed', 'RS256', 'kid-unknown', 'rsaC'));
  add('mixed/kid-unknown-ed25519', 'mixed', s('mixed', 'EdDSA', 'kid-unknown', 'ed'));
  add('mixed/kid-absent-ed25519', 'mixed', s('mixed', 'EdDSA', undefined, 'ed'));
  add('ops/key-ops-sign-only', 'ops', s('ops', 'RS256', 'kid-ops-sign', 'rsaA'));
  add('ops/key-ops-verify', 'ops', s('ops', 'ES256', 'kid-ops-verify', 'ec256'));
  add('ops/use-enc', 'ops', s('ops', 'ES384', 'kid-use-enc', 'ec384'));
  add('ops/use-sig-and-key-ops-verify-sign', 'ops', s('ops', 'EdDSA', 'kid-both', 'ed'));
  add('ops/ext-not-boolean', 'ops', s('ops', 'ES512', 'kid-ext-text', 'ec521'));
  add('ops/key-ops-twice', 'ops', s('ops', 'PS256', 'kid-ops-twice', 'rsaB'));
  add('ops/key-ops-not-a-list', 'ops', s('ops', 'RS256', 'kid-ops-text', 'rsaC'));
  add('ops/use-number', 'ops', s('ops', 'Ed25519', 'kid-use-number', 'edNamed'));
  add('ops/key-ops-sign-only-without-kid', 'ops', s('ops', 'RS256', undefined, 'rsaA'));
  add('ops/use-enc-without-kid', 'ops', s('ops', 'ES384', undefined, 'ec384'));
  add('emptykid/empty-kid', 'emptykid', s('emptykid', 'EdDSA', '', 'ed'));
  add('emptykid/kid-absent', 'emptykid', s('emptykid', 'EdDSA', undefined, 'ed'));
  add('emptykid/empty-kid-on-rsa', 'emptykid', s('emptykid', 'RS256', '', 'rsaA'));
  add('weak/rsa-1024', 'weak', s('weak', 'RS256', 'kid-rsa-1024', 'rsa1024'));
  add('weak/rsa-1024-without-kid', 'weak', s('weak', 'RS256', undefined, 'rsa1024'));
  add('private/published-private-key', 'private', s('private', 'Ed25519', 'kid-private', 'edNamed'));
  add('private/published-private-key-without-kid', 'private', s('private', 'Ed25519', undefined, 'edNamed'));
  add('dupkid/first-key', 'dupkid', s('dupkid', 'RS256', 'kid-dup', 'rsaA'));
  add('dupkid/second-key', 'dupkid', s('dupkid', 'RS256', 'kid-dup', 'rsaC'));
  add('dupkid/neither', 'dupkid', s('dupkid', 'RS256', 'kid-dup', 'rsaX'));
}

// ---- jose's verdicts --------------------------------------------------------------------------

const keySets = Object.fromEntries(Object.entries(sets).map(([name, keys]) => [name, createLocalJWKSet({ keys })]));

function refused(error, rule) {
  const code = rule ?? (typeof error?.code === 'string' ? error.code : error?.name ?? 'Error');
  return { verdict: 'refuse', code, claim: error?.claim, reason: error?.reason };
}

async function judge({ set, token }) {
  const options = {
    issuer: issuerOf(set),
    audience: app,
    clockTolerance: LEEWAY,
    currentDate: new Date(NOW * 1000),
  };
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keySets[set], options));
  } catch (error) {
    if (error?.code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') return refused(error);
    // jose's documented way with several matching keys: try each.
    for await (const publicKey of error) {
      try {
        ({ payload } = await jwtVerify(token, publicKey, options));
        break;
      } catch (inner) {
        if (inner?.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') continue;
        return refused(inner);
      }
    }
    if (payload === undefined) return refused(undefined, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  }
  // The JTL claim rules of the vendor's templates.
  const appClaim = payload['urn:jtl:app_id'];
  if (appClaim !== undefined && appClaim !== app) return refused(undefined, 'JTL_WRONG_APP');
  const tenant = payload['urn:jtl:tenant_id'];
  if (typeof tenant !== 'string' || tenant === '') return refused(undefined, 'JTL_MISSING_TENANT');
  return { verdict: 'accept' };
}

const names = new Set();
for (const entry of tokens) {
  if (names.has(entry.name)) throw new Error(`duplicate case ${entry.name}`);
  names.add(entry.name);
  Object.assign(entry, await judge(entry));
}
process.stdout.write(JSON.stringify({
  jose: JSON.parse(await (await import('node:fs/promises')).readFile(new URL('../../node_modules/jose/package.json', import.meta.url))).version,
  sets: Object.fromEntries(Object.entries(sets).map(([name, keys]) => [name, { keys }])),
  tokens,
}));
