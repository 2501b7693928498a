// A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (OpenID
// certified), configured from a JSON file. Usage: node provider.mjs <config.json>
//
// The config names the port, the clients (client_id, client_secret, redirect_uris) and the
// accounts (account id -> claims, among them "groups"). Accounts are read from the file at
// every sign-in, so a test can take a person out of a group between two sign-ins (each
// sign-in of a test starts without the provider's cookies, so it logs in afresh). The
// provider's own development login page accepts an account id without a password: the tests
// check the relying party (Rathaus), not the provider's password handling.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const configPath = process.argv[2];
const readConfig = () => JSON.parse(readFileSync(configPath, 'utf8'));
const start = readConfig();
const issuer = `http://127.0.0.1:${start.port}`;

const provider = new Provider(issuer, {
  clients: start.clients.map((client) => ({
    ...client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  async findAccount(ctx, id) {
    const claims = readConfig().accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  cookies: { keys: ['rathaus-test-only-cookie-key'] },
});
// Plain http on loopback: the tests run without certificates.
provider.proxy = false;

provider.listen(start.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
