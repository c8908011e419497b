import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change that can end or alter a caller's access (status, roles, revoked tokens,
 * email, name, sessions revoked or deleted) notifies channel `meridian_identity` with the
 * user id, at commit, so every replica drops its cached caller state at once.
 */
export class IdentityChangeNotifications1796170000000 implements MigrationInterface {
  name = 'IdentityChangeNotifications1796170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION meridian_notify_identity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('meridian_identity',
          (CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[0]);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER users_identity_changed
        AFTER UPDATE OF status, roles, tokens_valid_after, email, display_name, password_hash,
          email_verified_at, issuer, subject OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION meridian_notify_identity('id')`);
    await queryRunner.query(`
      CREATE TRIGGER auth_sessions_identity_changed
        AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON auth_sessions
        FOR EACH ROW EXECUTE FUNCTION meridian_notify_identity('user_id')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER auth_sessions_identity_changed ON auth_sessions`);
    await queryRunner.query(`DROP TRIGGER users_identity_changed ON users`);
    await queryRunner.query(`DROP FUNCTION meridian_notify_identity()`);
  }
}
