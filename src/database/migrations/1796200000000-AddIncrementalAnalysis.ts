import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddIncrementalAnalysis1796200000000 implements MigrationInterface {
  name = 'AddIncrementalAnalysis1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "analysis_jobs" ADD "base_commit" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "analysis_jobs" ADD "full_run_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "analysis_jobs" ADD "file_counts" jsonb NOT NULL DEFAULT '[]'`,
    );
    await queryRunner.query(
      `CREATE TABLE "analysis_file_results" ("repository_id" uuid NOT NULL, "analyzer" character varying(40) NOT NULL, "path" character varying(1024) NOT NULL, "blob_id" character varying(64) NOT NULL, "result" jsonb NOT NULL, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_analysis_file_results" PRIMARY KEY ("repository_id", "analyzer", "path"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analysis_aggregates" ("job_id" uuid NOT NULL, "analyzer" character varying(40) NOT NULL, "data" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_analysis_aggregates" PRIMARY KEY ("job_id", "analyzer"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_file_results" ADD CONSTRAINT "FK_be1d0fddaf0baa0666d26f03d0b" FOREIGN KEY ("repository_id") REFERENCES "analyzed_repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_aggregates" ADD CONSTRAINT "FK_61cc0a8a4af417729fd4eec64ca" FOREIGN KEY ("job_id") REFERENCES "analysis_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "analysis_aggregates"`);
    await queryRunner.query(`DROP TABLE "analysis_file_results"`);
    await queryRunner.query(`ALTER TABLE "analysis_jobs" DROP COLUMN "file_counts"`);
    await queryRunner.query(`ALTER TABLE "analysis_jobs" DROP COLUMN "full_run_reason"`);
    await queryRunner.query(`ALTER TABLE "analysis_jobs" DROP COLUMN "base_commit"`);
  }
}
