// oidc-provider (npm, OpenID Certified) as a second issuer of the suite
// (tests/judges/oidc_peer.rs): client credentials with JWT access tokens for a resource
// indicator (`client_secret_basic`, the secret given on the command line), and a public client's
// authorization code with PKCE through the development interactions (login and consent forms
// driven over plain HTTP), refresh tokens for `offline_access` and their rotation.
//
// Usage: node oidc_provider.mjs CLIENT_SECRET RESOURCE TENANT REDIRECT_URI
// Listens on 127.0.0.1 on a port of its own and prints `oidc-provider listening on URL`.

import http from 'node:http';
import crypto from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const [secret, resource, tenant, redirectUri] = process.argv.slice(2);
if (!secret || !resource || !tenant || !redirectUri) {
  console.error('usage: node oidc_provider.mjs CLIENT_SECRET RESOURCE TENANT REDIRECT_URI');
  process.exit(2);
}

const signingKey = (options, kid) => ({
  ...crypto.generateKeyPairSync(...options).privateKey.export({ format: 'jwk' }),
  kid,
});

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'cc-client',
        client_secret: secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'pkce-client',
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
      },
    ],
    jwks: {
      keys: [
        signingKey(['ec', { namedCurve: 'P-256' }], 'oidc-es256'),
        signingKey(['rsa', { modulusLength: 2048 }], 'oidc-rs256'),
      ],
    },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    scopes: ['openid', 'offline_access', 'erp.read'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    findAccount: (ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
    extraTokenClaims: () => ({ 'urn:jtl:tenant_id': tenant, 'urn:jtl:app_id': resource }),
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: 'erp.read',
            audience: resource,
            accessTokenTTL: 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`oidc-provider listening on ${issuer}`);
});
