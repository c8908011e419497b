import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddServiceConnections1796189041610 implements MigrationInterface {
  name = 'AddServiceConnections1796189041610';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "connection_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "connection_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "from_status" character varying(20), "to_status" character varying(20) NOT NULL, "reason" text, "cause" character varying(20) NOT NULL, "actor_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_57d44b0175efbb40906a4480593" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_connection_events_connection" ON "connection_events"  ("connection_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "connection_install_states" ("nonce" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_957868e5aa859d91aa0fa765e3a" PRIMARY KEY ("nonce"))`,
    );
    await queryRunner.query(`CREATE TYPE "public"."connection_service" AS ENUM('github', 'slack')`);
    await queryRunner.query(
      `CREATE TYPE "public"."connection_status" AS ENUM('pending', 'active', 'degraded', 'error', 'disabled', 'revoked')`,
    );
    await queryRunner.query(
      `CREATE TABLE "service_connections" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "service" "public"."connection_service" NOT NULL, "name" character varying(100) NOT NULL, "status" "public"."connection_status" NOT NULL, "status_reason" text, "external_id" character varying(100), "settings" jsonb NOT NULL DEFAULT '{}', "last_health" jsonb, "health_history" jsonb NOT NULL DEFAULT '[]', "consecutive_failures" integer NOT NULL DEFAULT '0', "health_refreshed_at" TIMESTAMP(3) WITH TIME ZONE, "created_by" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_21959bac3ec4afc986139f06c6f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_service_connections_org_external" ON "service_connections"  ("organization_id", "service", "external_id") WHERE external_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_service_connections_external" ON "service_connections"  ("service", "external_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_service_connections_org" ON "service_connections"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "repositories" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "connection_id" uuid, "provider" character varying(20) NOT NULL, "external_id" character varying(64) NOT NULL, "full_name" character varying(255) NOT NULL, "default_branch" character varying(255), "private" boolean NOT NULL DEFAULT false, "html_url" character varying(500), "clone_url" character varying(500), "archived" boolean NOT NULL DEFAULT false, "active" boolean NOT NULL DEFAULT true, "synced_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ef0c358c04b4f4d29b8ca68ddff" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_repositories_connection" ON "repositories"  ("connection_id", "full_name", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_repositories_org_provider_external" ON "repositories"  ("organization_id", "provider", "external_id") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."credential_kind" AS ENUM('github_app_installation', 'github_token', 'slack_bot_token', 'slack_oauth')`,
    );
    await queryRunner.query(
      `CREATE TABLE "service_credentials" ("connection_id" uuid NOT NULL, "kind" "public"."credential_kind" NOT NULL, "secret_encrypted" text, "secret_last4" character varying(4), "expires_at" TIMESTAMP(3) WITH TIME ZONE, "refresh_token_encrypted" text, "last_rotated_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6bfa9084d3d307f1a1188caf783" PRIMARY KEY ("connection_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "service" character varying(20) NOT NULL, "delivery_id" character varying(200) NOT NULL, "event" character varying(100) NOT NULL, "action" character varying(100), "external_id" character varying(100), "payload" jsonb NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'received', "error" text, "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_status" ON "webhook_deliveries"  ("status", "received_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_webhook_deliveries_service_delivery" ON "webhook_deliveries"  ("service", "delivery_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "encryption_reencryption_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "status" character varying(20) NOT NULL, "target_key_id" character varying(32) NOT NULL, "processed" integer NOT NULL DEFAULT '0', "rewritten" integer NOT NULL DEFAULT '0', "total" integer NOT NULL DEFAULT '0', "column_index" integer NOT NULL DEFAULT '0', "last_key" text, "error" text, "requested_by" uuid, "started_at" TIMESTAMP(3) WITH TIME ZONE, "finished_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_513dc3dc0e9d853bb4307141a9e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_connections" ADD CONSTRAINT "FK_f6b7330a620184e6d9b9656187f" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_connections" ADD CONSTRAINT "FK_f9e6327409c8179a8e407771fbd" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "repositories" ADD CONSTRAINT "FK_1544cc55d027bfccf0707d7b131" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "repositories" ADD CONSTRAINT "FK_eb50911b13f3810178ee1782b25" FOREIGN KEY ("connection_id") REFERENCES "service_connections"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_credentials" ADD CONSTRAINT "FK_6bfa9084d3d307f1a1188caf783" FOREIGN KEY ("connection_id") REFERENCES "service_connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "service_credentials" DROP CONSTRAINT "FK_6bfa9084d3d307f1a1188caf783"`,
    );
    await queryRunner.query(
      `ALTER TABLE "repositories" DROP CONSTRAINT "FK_eb50911b13f3810178ee1782b25"`,
    );
    await queryRunner.query(
      `ALTER TABLE "repositories" DROP CONSTRAINT "FK_1544cc55d027bfccf0707d7b131"`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_connections" DROP CONSTRAINT "FK_f9e6327409c8179a8e407771fbd"`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_connections" DROP CONSTRAINT "FK_f6b7330a620184e6d9b9656187f"`,
    );
    await queryRunner.query(`DROP TABLE "encryption_reencryption_jobs"`);
    await queryRunner.query(`DROP INDEX "public"."ux_webhook_deliveries_service_delivery"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_status"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "service_credentials"`);
    await queryRunner.query(`DROP TYPE "public"."credential_kind"`);
    await queryRunner.query(`DROP INDEX "public"."ux_repositories_org_provider_external"`);
    await queryRunner.query(`DROP INDEX "public"."ix_repositories_connection"`);
    await queryRunner.query(`DROP TABLE "repositories"`);
    await queryRunner.query(`DROP INDEX "public"."ix_service_connections_org"`);
    await queryRunner.query(`DROP INDEX "public"."ix_service_connections_external"`);
    await queryRunner.query(`DROP INDEX "public"."ux_service_connections_org_external"`);
    await queryRunner.query(`DROP TABLE "service_connections"`);
    await queryRunner.query(`DROP TYPE "public"."connection_status"`);
    await queryRunner.query(`DROP TYPE "public"."connection_service"`);
    await queryRunner.query(`DROP TABLE "connection_install_states"`);
    await queryRunner.query(`DROP INDEX "public"."ix_connection_events_connection"`);
    await queryRunner.query(`DROP TABLE "connection_events"`);
  }
}
