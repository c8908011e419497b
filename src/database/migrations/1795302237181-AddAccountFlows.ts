import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAccountFlows1795302237181 implements MigrationInterface {
  name = 'AddAccountFlows1795302237181';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."auth_one_time_token_purpose" AS ENUM('verify-email', 'reset-password', 'email-change', 'invite')`,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_one_time_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid, "waitlist_entry_id" uuid, "purpose" "public"."auth_one_time_token_purpose" NOT NULL, "token_hash" character(64) NOT NULL, "payload" jsonb NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_75f13731b8ec561f0adc91d73c7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_auth_one_time_tokens_hash" ON "auth_one_time_tokens"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_one_time_tokens_waitlist_entry" ON "auth_one_time_tokens"  ("waitlist_entry_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_one_time_tokens_user_purpose" ON "auth_one_time_tokens"  ("user_id", "purpose") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."auth_waitlist_status" AS ENUM('pending', 'approved', 'rejected', 'accepted')`,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_waitlist_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" citext NOT NULL, "status" "public"."auth_waitlist_status" NOT NULL DEFAULT 'pending', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "decided_at" TIMESTAMP WITH TIME ZONE, "decided_by" uuid, "user_id" uuid, CONSTRAINT "PK_0f7452abb9a28d806e148a6b42b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_auth_waitlist_entries_email" ON "auth_waitlist_entries"  ("email") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_waitlist_entries_status_created_at_id" ON "auth_waitlist_entries"  ("status", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_auth_waitlist_entries_created_at_id" ON "auth_waitlist_entries"  ("created_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_auth_waitlist_entries_created_at_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_waitlist_entries_status_created_at_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_auth_waitlist_entries_email"`);
    await queryRunner.query(`DROP TABLE "auth_waitlist_entries"`);
    await queryRunner.query(`DROP TYPE "public"."auth_waitlist_status"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_one_time_tokens_user_purpose"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_one_time_tokens_waitlist_entry"`);
    await queryRunner.query(`DROP INDEX "public"."uq_auth_one_time_tokens_hash"`);
    await queryRunner.query(`DROP TABLE "auth_one_time_tokens"`);
    await queryRunner.query(`DROP TYPE "public"."auth_one_time_token_purpose"`);
  }
}
