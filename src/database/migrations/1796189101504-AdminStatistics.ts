import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the admin console reads: hourly statistics buckets, daily active users, replica
 * heartbeats, the users' last-seen time, and the indexes that user search (trigram, by
 * email and name; role membership) and the statistics rollup (recent rows by time) use.
 */
export class AdminStatistics1796189101504 implements MigrationInterface {
  name = 'AdminStatistics1796189101504';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "app_replicas" ("id" character varying(100) NOT NULL, "role" character varying(10) NOT NULL, "hostname" character varying(255) NOT NULL, "pid" integer NOT NULL, "version" character varying(50) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_72bfbee61fc32c00729375f6417" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_app_replicas_seen" ON "app_replicas"  ("seen_at") `);
    await queryRunner.query(
      `CREATE TABLE "stats_buckets" ("metric" character varying(80) NOT NULL, "bucket" TIMESTAMP WITH TIME ZONE NOT NULL, "value" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_8c3cda111925103337d1e0319d6" PRIMARY KEY ("metric", "bucket"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "user_activity_days" ("day" date NOT NULL, "user_id" uuid NOT NULL, CONSTRAINT "PK_355159101cd2503cdefbe299dc5" PRIMARY KEY ("day", "user_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_user_activity_days_user" ON "user_activity_days"  ("user_id") `,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "last_seen_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "ix_users_last_seen" ON "users"  ("last_seen_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_users_created" ON "users"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_auth_sessions_created_at" ON "auth_sessions"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_conversations_created_at" ON "conversations"  ("created_at") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_messages_created_at" ON "messages"  ("created_at") `);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "ix_users_email_trgm" ON "users" USING gin (lower("email"::text) gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_users_name_trgm" ON "users" USING gin (lower("display_name") gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_users_roles" ON "users" USING gin ("roles")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_users_roles"`);
    await queryRunner.query(`DROP INDEX "public"."ix_users_name_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."ix_users_email_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."ix_messages_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_sessions_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_users_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_users_last_seen"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "last_seen_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_user_activity_days_user"`);
    await queryRunner.query(`DROP TABLE "user_activity_days"`);
    await queryRunner.query(`DROP TABLE "stats_buckets"`);
    await queryRunner.query(`DROP INDEX "public"."ix_app_replicas_seen"`);
    await queryRunner.query(`DROP TABLE "app_replicas"`);
  }
}
