import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMigrationOrchestrator1796190773361 implements MigrationInterface {
  name = 'AddMigrationOrchestrator1796190773361';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "orchestrator_execution_targets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "execution_id" uuid NOT NULL, "ordinal" integer NOT NULL, "wave" integer NOT NULL, "wave_name" character varying(20) NOT NULL, "database_id" uuid NOT NULL, "database_name" character varying(100) NOT NULL, "database_type" character varying(20) NOT NULL, "region" character varying(64), "tenant_id" character varying(100), "schema_name" character varying(63) NOT NULL, "mode" character varying(10) NOT NULL, "status" character varying(20) NOT NULL, "planned" jsonb NOT NULL DEFAULT '[]', "applied" jsonb NOT NULL DEFAULT '[]', "lane" character varying(120), "attempts" integer NOT NULL DEFAULT '0', "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "duration_ms" integer, "error_code" character varying(60), "error_message" text, "failing_file" character varying(255), "error_position" integer, "error_line" integer, "database_error_code" character varying(10), CONSTRAINT "PK_13b75bb855db1d7f6d7c3ac1c59" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_orchestrator_targets_place" ON "orchestrator_execution_targets"  ("database_id", "schema_name") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_orchestrator_targets_claim" ON "orchestrator_execution_targets"  ("execution_id", "wave", "status", "ordinal") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestrator_executions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "scope" character varying(20) NOT NULL, "filters" jsonb NOT NULL DEFAULT '{}', "target" jsonb, "status" character varying(30) NOT NULL, "dry_run" boolean NOT NULL DEFAULT false, "concurrency" integer NOT NULL, "on_error" character varying(10) NOT NULL, "canary" integer NOT NULL DEFAULT '0', "executed_by" character varying(100) NOT NULL, "schedule_id" uuid, "rollback_of" uuid, "rolled_back_by" uuid, "current_wave" integer, "cancel_requested" boolean NOT NULL DEFAULT false, "stop_reason" character varying(200), "catalog" jsonb NOT NULL, "current_target" character varying(200), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "error_message" text, CONSTRAINT "PK_47c8256c67a667fb37d1255e491" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_orchestrator_executions_created" ON "orchestrator_executions"  ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestrator_schedules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "scope" character varying(20) NOT NULL, "filters" jsonb NOT NULL DEFAULT '{}', "target" jsonb, "concurrency" integer, "on_error" character varying(10) NOT NULL, "canary" integer NOT NULL DEFAULT '0', "cron_expression" character varying(120), "timezone" character varying(64) NOT NULL DEFAULT 'UTC', "run_at" TIMESTAMP WITH TIME ZONE, "enabled" boolean NOT NULL DEFAULT true, "created_by" uuid NOT NULL, "last_run_at" TIMESTAMP WITH TIME ZONE, "last_execution_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_45d1c1930df066d5d8532739456" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestrator_databases" ("id" uuid NOT NULL, "name" character varying(100) NOT NULL, "type" character varying(20) NOT NULL, "region" character varying(64), "tenant_id" character varying(100), "host" character varying(255) NOT NULL, "port" integer NOT NULL, "database" character varying(63) NOT NULL, "username" character varying(63) NOT NULL, "password_encrypted" text, "tls_mode" character varying(20) NOT NULL, "tags" text array NOT NULL DEFAULT '{}', "active" boolean NOT NULL DEFAULT true, "schema_name" character varying(63), "schema_pattern" character varying(63), "last_status" character varying(20), "last_checked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_037f7c81abfffd693ea82e54e69" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_orchestrator_databases_name" ON "orchestrator_databases"  ("name") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestrator_workers" ("id" character varying(200) NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_2e3efd4bc970d09534827447e19" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "orchestrator_workers"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_orchestrator_databases_name"`);
    await queryRunner.query(`DROP TABLE "orchestrator_databases"`);
    await queryRunner.query(`DROP TABLE "orchestrator_schedules"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_orchestrator_executions_created"`);
    await queryRunner.query(`DROP TABLE "orchestrator_executions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_orchestrator_targets_claim"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_orchestrator_targets_place"`);
    await queryRunner.query(`DROP TABLE "orchestrator_execution_targets"`);
  }
}
