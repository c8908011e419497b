import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LoginAttemptAccounts1796160392531 implements MigrationInterface {
  name = 'LoginAttemptAccounts1796160392531';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "auth_login_attempts" ADD "account" character varying(254)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_login_attempts_account" ON "auth_login_attempts"  ("account") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_auth_login_attempts_account"`);
    await queryRunner.query(`ALTER TABLE "auth_login_attempts" DROP COLUMN "account"`);
  }
}
