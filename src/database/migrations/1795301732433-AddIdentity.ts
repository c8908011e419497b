import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddIdentity1795301732433 implements MigrationInterface {
  name = 'AddIdentity1795301732433';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "auth_sessions" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(40), "user_agent" character varying(300), "ip_address" character varying(64), CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_sessions_user" ON "auth_sessions"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_login_attempts" ("key" character varying(320) NOT NULL, "failures" integer NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6b23ccff6296ad9c421d7282ccc" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_df6893d2063a4ea7bbf1eda31e5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_auth_refresh_tokens_hash" ON "auth_refresh_tokens"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_refresh_tokens_session" ON "auth_refresh_tokens"  ("session_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_signing_keys" ("kid" character varying(64) NOT NULL, "algorithm" character varying(10) NOT NULL, "public_jwk" jsonb NOT NULL, "private_key_encrypted" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5d093e38cc4aeb77fc1a5860ac6" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(`CREATE TYPE "public"."user_status" AS ENUM('active', 'disabled')`);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL, "issuer" text NOT NULL, "subject" text NOT NULL, "email" citext, "email_verified_at" TIMESTAMP WITH TIME ZONE, "display_name" character varying(100), "password_hash" text, "roles" text array NOT NULL DEFAULT '{}', "status" "public"."user_status" NOT NULL DEFAULT 'active', "tokens_valid_after" TIMESTAMP WITH TIME ZONE, "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_users_email_local" ON "users"  ("email") WHERE "password_hash" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_users_issuer_subject" ON "users"  ("issuer", "subject") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_users_issuer_subject"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_email_local"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TYPE "public"."user_status"`);
    await queryRunner.query(`DROP TABLE "auth_signing_keys"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_refresh_tokens_session"`);
    await queryRunner.query(`DROP INDEX "public"."uq_auth_refresh_tokens_hash"`);
    await queryRunner.query(`DROP TABLE "auth_refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "auth_login_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_sessions_user"`);
    await queryRunner.query(`DROP TABLE "auth_sessions"`);
  }
}
