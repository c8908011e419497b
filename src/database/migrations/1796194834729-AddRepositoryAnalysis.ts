import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRepositoryAnalysis1796194834729 implements MigrationInterface {
  name = 'AddRepositoryAnalysis1796194834729';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "analyzed_repositories" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_user_id" uuid, "organization_id" uuid, "repository_record_id" uuid, "connection_id" uuid, "github_id" bigint, "name" character varying(255) NOT NULL, "full_name" character varying(255) NOT NULL, "description" text, "url" character varying(500) NOT NULL, "clone_url" character varying(500) NOT NULL, "default_branch" character varying(255), "language" character varying(100), "stars" integer NOT NULL DEFAULT '0', "forks" integer NOT NULL DEFAULT '0', "watchers" integer NOT NULL DEFAULT '0', "size" integer NOT NULL DEFAULT '0', "private" boolean NOT NULL DEFAULT false, "owner_login" character varying(255) NOT NULL, "owner_github_id" bigint, "owner_avatar_url" character varying(500), "auto_analyze" boolean NOT NULL DEFAULT false, "notification_settings" jsonb NOT NULL, "analysis_status" character varying(20) NOT NULL DEFAULT 'pending', "last_analyzed" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_analyzed_repositories_one_owner" CHECK ((owner_user_id IS NULL) <> (organization_id IS NULL)), CONSTRAINT "PK_4c4f3da3a96efe11153398cc181" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_analyzed_repositories_record" ON "analyzed_repositories"  ("repository_record_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_analyzed_repositories_org_url" ON "analyzed_repositories"  ("organization_id", "clone_url") WHERE organization_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_analyzed_repositories_user_url" ON "analyzed_repositories"  ("owner_user_id", "clone_url") WHERE owner_user_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "analysis_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "repository_id" uuid NOT NULL, "requested_by" uuid, "status" character varying(20) NOT NULL, "step" character varying(40), "progress" integer NOT NULL DEFAULT '0', "analysis_type" character varying(20) NOT NULL, "options" jsonb NOT NULL, "ref" character varying(255), "commit_sha" character varying(64), "steps" jsonb NOT NULL DEFAULT '[]', "metrics" jsonb, "partial" boolean NOT NULL DEFAULT false, "attempts" integer NOT NULL DEFAULT '0', "estimated_duration_ms" integer NOT NULL, "error_code" character varying(60), "error_message" text, "cancel_requested" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP(3) WITH TIME ZONE, "completed_at" TIMESTAMP(3) WITH TIME ZONE, "heartbeat_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_ed5ebf2c133df30c3fb2f633836" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_analysis_jobs_repository" ON "analysis_jobs"  ("repository_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_analysis_jobs_active" ON "analysis_jobs"  ("repository_id") WHERE status IN ('queued', 'in_progress')`,
    );
    await queryRunner.query(
      `CREATE TABLE "analysis_insights" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "repository_id" uuid NOT NULL, "job_id" uuid NOT NULL, "type" character varying(30) NOT NULL, "title" character varying(255) NOT NULL, "description" text NOT NULL, "severity" character varying(10) NOT NULL, "confidence_score" real NOT NULL, "data" jsonb NOT NULL, "model_version" character varying(40) NOT NULL, "tags" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_27f69a252b8fa53b6b24f64dd01" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_analysis_insights_job" ON "analysis_insights"  ("job_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_analysis_insights_repository" ON "analysis_insights"  ("repository_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" ADD CONSTRAINT "FK_ebe39b54afcd2cb3ea767750c8b" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" ADD CONSTRAINT "FK_308630d887d140e1193f41e752a" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" ADD CONSTRAINT "FK_03be2fdeb01350e0ba9e5137f1b" FOREIGN KEY ("repository_record_id") REFERENCES "repositories"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" ADD CONSTRAINT "FK_61aef8c87a3c2dc71ed8a280941" FOREIGN KEY ("connection_id") REFERENCES "service_connections"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_jobs" ADD CONSTRAINT "FK_6f9d22b39e52b62a286ff17bd16" FOREIGN KEY ("repository_id") REFERENCES "analyzed_repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_jobs" ADD CONSTRAINT "FK_0ddd42bfe0e87c774c4a9debde0" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_insights" ADD CONSTRAINT "FK_1fa1359202170e54ceb7b62bc12" FOREIGN KEY ("repository_id") REFERENCES "analyzed_repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_insights" ADD CONSTRAINT "FK_16b7e8e88fbb4d54184fcb898f4" FOREIGN KEY ("job_id") REFERENCES "analysis_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "analysis_insights" DROP CONSTRAINT "FK_16b7e8e88fbb4d54184fcb898f4"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_insights" DROP CONSTRAINT "FK_1fa1359202170e54ceb7b62bc12"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_jobs" DROP CONSTRAINT "FK_0ddd42bfe0e87c774c4a9debde0"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_jobs" DROP CONSTRAINT "FK_6f9d22b39e52b62a286ff17bd16"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" DROP CONSTRAINT "FK_61aef8c87a3c2dc71ed8a280941"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" DROP CONSTRAINT "FK_03be2fdeb01350e0ba9e5137f1b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" DROP CONSTRAINT "FK_308630d887d140e1193f41e752a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "analyzed_repositories" DROP CONSTRAINT "FK_ebe39b54afcd2cb3ea767750c8b"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_analysis_insights_repository"`);
    await queryRunner.query(`DROP INDEX "public"."ix_analysis_insights_job"`);
    await queryRunner.query(`DROP TABLE "analysis_insights"`);
    await queryRunner.query(`DROP INDEX "public"."ux_analysis_jobs_active"`);
    await queryRunner.query(`DROP INDEX "public"."ix_analysis_jobs_repository"`);
    await queryRunner.query(`DROP TABLE "analysis_jobs"`);
    await queryRunner.query(`DROP INDEX "public"."ux_analyzed_repositories_user_url"`);
    await queryRunner.query(`DROP INDEX "public"."ux_analyzed_repositories_org_url"`);
    await queryRunner.query(`DROP INDEX "public"."ix_analyzed_repositories_record"`);
    await queryRunner.query(`DROP TABLE "analyzed_repositories"`);
  }
}
