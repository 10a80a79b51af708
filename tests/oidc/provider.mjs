// A real OpenID provider (npm oidc-provider) for Waymark's single sign-on
// tests, started once per test run by tests/api/helpers.rs. Two clients:
//   - "logingov": Login.gov's profile: PKCE, private_key_jwt (the public
//     key is given in LOGINGOV_JWKS), acr_values;
//   - "agency": Entra ID's and Okta's common one: a client secret.
// The sign-in screen is answered at once for the login_hint sent with the
// authorization request (the tests play the person), and consent is
// granted: what is tested is Waymark's side of the exchange.
// An address whose local part starts with "unverified" has email_verified
// false. The ID token lives ID_TOKEN_SECONDS (default 600). OIDC_PROVIDER_LIB
// is the path of oidc-provider's lib/index.js.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

// Installed by scripts/test under target/test-tools; its path is given.
const { default: Provider } = await import(pathToFileURL(process.env.OIDC_PROVIDER_LIB).href);

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(process.env.LOGINGOV_JWKS);
const idTokenSeconds = Number(process.env.ID_TOKEN_SECONDS || 600);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'logingov',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks,
      redirect_uris: ['http://127.0.0.1/placeholder'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
    {
      // Issues ID tokens that have already ended: for the test of an
      // expired ID token.
      client_id: 'agency-expired',
      client_secret: 'agency-secret-for-tests-only',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['http://127.0.0.1/placeholder'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
    {
      client_id: 'agency',
      client_secret: 'agency-secret-for-tests-only',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['http://127.0.0.1/placeholder'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
  ],
  pkce: { required: () => true },
  acrValues: ['http://idmanagement.gov/ns/assurance/ial/1', 'urn:acr.login.gov:auth-only'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'email'],
  features: { devInteractions: { enabled: false } },
  ttl: {
    IdToken: (ctx, token, client) => (client.clientId === 'agency-expired' ? -120 : idTokenSeconds),
    AuthorizationCode: 600,
  },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      email: id,
      email_verified: !id.startsWith('unverified'),
    }),
  }),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
// Every test's Waymark listens on its own port: any local callback is allowed.
provider.Client.prototype.redirectUriAllowed = (uri) => uri.startsWith('http://127.0.0.1:');

const handler = provider.callback();
http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  if (!match) return handler(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const accountId = details.params.login_hint;
      if (!accountId) {
        res.writeHead(400).end('a login_hint is needed');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope('openid email');
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
}).listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
// Ends with the test run that started it (its end of this pipe closes).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
