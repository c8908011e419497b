import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MailService } from '../../src/mail/mail.service.js';
import { MailTemplate } from '../../src/mail/templates/mail-template.js';
import { newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

describe('admin outbox API', () => {
  let t: TestApp;
  let admin: TestUser;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await newUser(t, { roles: ['admin'] });
    user = await newUser(t);
    await t.app.get(MailService).send('reader@example.com', MailTemplate.WaitlistJoined, {});
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs a token, and the admin role', async () => {
    expect((await t.request('/api/v1/admin/mail/outbox')).status).toBe(401);
    const denied = await t.request('/api/v1/admin/mail/outbox', { headers: user.auth });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('MISSING_ROLE');
  });

  it('lists mails for admins, filtered by recipient, and reads one', async () => {
    const res = await t.request('/api/v1/admin/mail/outbox?recipient=Reader@Example.com&limit=5', {
      headers: admin.auth,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: { id: string; recipient: string; template: string }[];
      nextCursor: string | null;
    };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      recipient: 'reader@example.com',
      template: 'waitlist-joined',
    });
    const one = await t.request(`/api/v1/admin/mail/outbox/${page.items[0].id}`, {
      headers: admin.auth,
    });
    expect(one.status).toBe(200);
    const missing = await t.request(
      '/api/v1/admin/mail/outbox/6f9619ff-8b86-4011-b42d-00cf4fc964ff',
      { headers: admin.auth },
    );
    expect(missing.status).toBe(404);
  });
});
