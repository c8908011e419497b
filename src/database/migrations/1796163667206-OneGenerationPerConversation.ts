import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OneGenerationPerConversation1796163667206 implements MigrationInterface {
  name = 'OneGenerationPerConversation1796163667206';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Should a conversation hold more than one generation left streaming (none should),
    // keep its newest and retire the others as a restart would.
    await queryRunner.query(
      `UPDATE "messages" m SET "status" = 'error', "error_code" = 'INTERRUPTED'
        WHERE m."status" = 'streaming'
          AND EXISTS (SELECT 1 FROM "messages" n
                       WHERE n."conversation_id" = m."conversation_id" AND n."status" = 'streaming'
                         AND (n."created_at", n."id") > (m."created_at", m."id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_messages_streaming_conversation" ON "messages"  ("conversation_id") WHERE "status" = 'streaming'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ux_messages_streaming_conversation"`);
  }
}
