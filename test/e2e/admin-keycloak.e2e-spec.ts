import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { jsonBody } from '../support/accounts.js';
import { KeycloakAdminPeer } from '../support/keycloak-admin-peer.js';
import { startKeycloakMock, type KeycloakMock } from '../support/keycloak-mock.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Problem {
  code: string;
}

describe('admin actions on Keycloak users, through the Admin REST API', () => {
  let kc: KeycloakMock;
  let peer: KeycloakAdminPeer;
  let t: TestApp;
  let db: DataSource;
  let adminToken: string;
  let targetId: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const adminToken$ = () =>
    kc.token({
      sub: 'kc-admin',
      email: 'kc.admin@example.com',
      realm_access: { roles: ['admin'] },
      // a token of its own each time (none reuses an introspection answer)
      sid: randomUUID(),
    });
  const localRow = async () =>
    (
      await db.query<
        {
          status: string;
          roles: string[];
        }[]
      >('SELECT status, roles FROM users WHERE id = $1', [targetId])
    )[0];

  beforeAll(async () => {
    kc = await startKeycloakMock();
    peer = await KeycloakAdminPeer.start({
      realm: 'meridian',
      clientId: 'meridian-admin',
      clientSecret: 'admin-client-secret',
      roles: ['premium', 'admin'],
    });
    t = await startTestApp({
      OIDC_ISSUER_URL: kc.issuer,
      OIDC_AUDIENCE: 'meridian-api',
      KEYCLOAK_ADMIN_URL: peer.url,
      KEYCLOAK_REALM: 'meridian',
      KEYCLOAK_ADMIN_CLIENT_ID: 'meridian-admin',
      KEYCLOAK_ADMIN_CLIENT_SECRET: 'admin-client-secret',
      OIDC_INTROSPECT_ADMIN: 'true',
      KEYCLOAK_TIMEOUT_MS: '1000',
    });
    db = t.app.get(DataSource);
    peer.user('kc-admin');
    peer.user('kc-user-1');
    adminToken = await adminToken$();
    // the target signs in once (provisioned on first sight)
    const me = await t.request('/api/v1/auth/me', { headers: bearer(await kc.token()) });
    expect(me.status).toBe(200);
    targetId = ((await me.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
    await kc?.stop();
  });

  it('grants a role as a realm role mapping, then mirrors it locally', async () => {
    const res = await t.request(
      `/api/v1/admin/users/${targetId}/roles`,
      jsonBody({ role: 'premium' }, bearer(adminToken)),
    );
    expect(res.status).toBe(200);
    expect([...peer.user('kc-user-1').roles]).toEqual(['premium']);
    expect((await localRow()).roles).toEqual(['premium']);
    expect(peer.requests).toContain('POST /realms/meridian/protocol/openid-connect/token');
    expect(peer.requests).toContain(
      'POST /admin/realms/meridian/users/kc-user-1/role-mappings/realm',
    );
  });

  it('changes nothing locally when the realm refuses or cannot be reached', async () => {
    peer.failNext(403);
    const refused = await t.request(`/api/v1/admin/users/${targetId}/roles/premium`, {
      method: 'DELETE',
      headers: bearer(adminToken),
    });
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as Problem).code).toBe('ADMIN_KEYCLOAK_REFUSED');
    expect((await localRow()).roles).toEqual(['premium']);
    const audit = (await (
      await t.request(`/api/v1/admin/audit?targetId=${targetId}`, { headers: bearer(adminToken) })
    ).json()) as { items: { action: string }[] };
    expect(audit.items.map((e) => e.action)).toEqual(['admin.user-role-granted']);
  });

  it('disables a Keycloak user in the realm and ends their realm sessions', async () => {
    const res = await t.request(`/api/v1/admin/users/${targetId}/disable`, {
      method: 'POST',
      headers: bearer(adminToken),
    });
    expect(res.status).toBe(200);
    expect(peer.user('kc-user-1')).toMatchObject({ enabled: false, loggedOut: true });
    expect((await localRow()).status).toBe('disabled');
    const refused = await t.request('/api/v1/auth/me', { headers: bearer(await kc.token()) });
    expect(refused.status).toBe(401);
  });

  it('refuses admin access once Keycloak says the session ended', async () => {
    expect((await t.request('/api/v1/admin/system', { headers: bearer(adminToken) })).status).toBe(
      200,
    );
    peer.user('kc-admin').loggedOut = true;
    const fresh = await adminToken$();
    const res = await t.request('/api/v1/admin/system', { headers: bearer(fresh) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Problem).code).toBe('ADMIN_TOKEN_INACTIVE');
    // routes outside admin do not introspect
    expect((await t.request('/api/v1/auth/me', { headers: bearer(fresh) })).status).toBe(200);
    peer.user('kc-admin').loggedOut = false;
  });

  it('refuses admin access (503) when introspection cannot be reached, never grants it', async () => {
    peer.goDown(true);
    try {
      const res = await t.request('/api/v1/admin/users', { headers: bearer(await adminToken$()) });
      expect(res.status).toBe(503);
      expect(((await res.json()) as Problem).code).toBe('ADMIN_INTROSPECTION_UNAVAILABLE');
    } finally {
      peer.goDown(false);
    }
  });
});

describe('admin actions on Keycloak users without the admin service account', () => {
  let kc: KeycloakMock;
  let t: TestApp;
  beforeAll(async () => {
    kc = await startKeycloakMock();
    t = await startTestApp({ OIDC_ISSUER_URL: kc.issuer, OIDC_AUDIENCE: 'meridian-api' });
  });
  afterAll(async () => {
    await t?.close();
    await kc?.stop();
  });

  it('answers 409 saying where to make the change, and changes nothing', async () => {
    const me = await t.request('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${await kc.token()}` },
    });
    const { id } = (await me.json()) as { id: string };
    const admin = {
      authorization: `Bearer ${await kc.token({ sub: 'kc-admin', realm_access: { roles: ['admin'] } })}`,
    };
    const res = await t.request(`/api/v1/admin/users/${id}/disable`, {
      method: 'POST',
      headers: admin,
    });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as Problem & { detail: string };
    expect(problem.code).toBe('ADMIN_MANAGED_IN_KEYCLOAK');
    expect(problem.detail).toContain(kc.issuer);
    const detail = (await (
      await t.request(`/api/v1/admin/users/${id}`, { headers: admin })
    ).json()) as {
      status: string;
      source: string;
    };
    expect(detail).toMatchObject({ status: 'active', source: 'keycloak' });
  });
});
