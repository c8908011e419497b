import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConversations1795303265183 implements MigrationInterface {
  name = 'AddConversations1795303265183';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."conversation_title_source" AS ENUM('user', 'system')`,
    );
    await queryRunner.query(
      `CREATE TABLE "conversations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "agent_id" uuid NOT NULL, "title" character varying(200), "title_source" "public"."conversation_title_source", "message_count" integer NOT NULL DEFAULT '0', "last_message_at" TIMESTAMP(3) WITH TIME ZONE, "last_activity_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_conversations_empty_activity" ON "conversations"  ("last_activity_at") WHERE "message_count" = 0`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_conversations_agent" ON "conversations"  ("agent_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_conversations_user_agent_activity" ON "conversations"  ("user_id", "agent_id", "last_activity_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_conversations_user_activity" ON "conversations"  ("user_id", "last_activity_at", "id") `,
    );
    // Title search (ILIKE '%...%') through a trigram index; TypeORM cannot express the
    // operator class, so the entity declares this index with synchronize: false.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "ix_conversations_title_trgm" ON "conversations" USING gin ("title" gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."message_role" AS ENUM('user', 'assistant', 'system')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."message_status" AS ENUM('complete', 'streaming', 'aborted', 'error')`,
    );
    await queryRunner.query(
      `CREATE TABLE "messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "conversation_id" uuid NOT NULL, "role" "public"."message_role" NOT NULL, "content" text NOT NULL, "status" "public"."message_status" NOT NULL DEFAULT 'complete', "model" character varying(200), "prompt_tokens" integer, "completion_tokens" integer, "error_code" character varying(64), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_messages_conversation_created" ON "messages"  ("conversation_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "conversations" ADD CONSTRAINT "FK_3a9ae579e61e81cc0e989afeb4a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "conversations" ADD CONSTRAINT "FK_9f32ead8384a1a92e073a7c006a" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "FK_3bc55a7c3f9ed54b520bb5cfe23" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "messages" DROP CONSTRAINT "FK_3bc55a7c3f9ed54b520bb5cfe23"`,
    );
    await queryRunner.query(
      `ALTER TABLE "conversations" DROP CONSTRAINT "FK_9f32ead8384a1a92e073a7c006a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "conversations" DROP CONSTRAINT "FK_3a9ae579e61e81cc0e989afeb4a"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_messages_conversation_created"`);
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP TYPE "public"."message_status"`);
    await queryRunner.query(`DROP TYPE "public"."message_role"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_title_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_user_activity"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_user_agent_activity"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_agent"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_empty_activity"`);
    await queryRunner.query(`DROP TABLE "conversations"`);
    await queryRunner.query(`DROP TYPE "public"."conversation_title_source"`);
  }
}
