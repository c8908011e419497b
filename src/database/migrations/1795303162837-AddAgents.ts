import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAgents1795303162837 implements MigrationInterface {
  name = 'AddAgents1795303162837';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."agent_provider" AS ENUM('openai', 'local')`);
    await queryRunner.query(
      `CREATE TABLE "agents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(63) NOT NULL, "name" character varying(100) NOT NULL, "description" text NOT NULL DEFAULT '', "provider" "public"."agent_provider" NOT NULL, "model" character varying(200), "system_prompt" text NOT NULL, "temperature" real, "max_tokens" integer, "premium" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9c653f28ae19c5884d5baf6a1d9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_agents_slug" ON "agents"  ("slug") `);
    await queryRunner.query(
      `CREATE TABLE "agent_grants" ("agent_id" uuid NOT NULL, "user_id" uuid NOT NULL, "granted_by" uuid, "expires_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b835dbf9ecaa2668c234a54286c" PRIMARY KEY ("agent_id", "user_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_agent_grants_user" ON "agent_grants"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "usage_daily" ("user_id" uuid NOT NULL, "agent_id" uuid NOT NULL, "day" date NOT NULL, "messages" integer NOT NULL DEFAULT '0', "prompt_tokens" bigint NOT NULL DEFAULT '0', "completion_tokens" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_688f0139eaeb77622e447501bc3" PRIMARY KEY ("user_id", "agent_id", "day"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_usage_daily_agent" ON "usage_daily"  ("agent_id") `);
    await queryRunner.query(
      `ALTER TABLE "agent_grants" ADD CONSTRAINT "FK_b62292f937516f8ea22dda79d9c" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_grants" ADD CONSTRAINT "FK_959fb3f875423aa83626e67ed73" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "usage_daily" ADD CONSTRAINT "FK_203b27e5e3fbbe9bbf427ccea26" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "usage_daily" ADD CONSTRAINT "FK_aff6e2a772f355a5c43d05883c7" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "usage_daily" DROP CONSTRAINT "FK_aff6e2a772f355a5c43d05883c7"`,
    );
    await queryRunner.query(
      `ALTER TABLE "usage_daily" DROP CONSTRAINT "FK_203b27e5e3fbbe9bbf427ccea26"`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_grants" DROP CONSTRAINT "FK_959fb3f875423aa83626e67ed73"`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_grants" DROP CONSTRAINT "FK_b62292f937516f8ea22dda79d9c"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_usage_daily_agent"`);
    await queryRunner.query(`DROP TABLE "usage_daily"`);
    await queryRunner.query(`DROP INDEX "public"."ix_agent_grants_user"`);
    await queryRunner.query(`DROP TABLE "agent_grants"`);
    await queryRunner.query(`DROP INDEX "public"."uq_agents_slug"`);
    await queryRunner.query(`DROP TABLE "agents"`);
    await queryRunner.query(`DROP TYPE "public"."agent_provider"`);
  }
}
