import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMailMessages1795301764887 implements MigrationInterface {
  name = 'AddMailMessages1795301764887';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."mail_status" AS ENUM('queued', 'sent', 'logged', 'failed', 'suppressed')`,
    );
    await queryRunner.query(
      `CREATE TABLE "mail_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient" citext NOT NULL, "template" character varying(64) NOT NULL, "subject" text NOT NULL, "text" text NOT NULL, "html" text NOT NULL, "status" "public"."mail_status" NOT NULL DEFAULT 'queued', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_1bd6e76ef3b3d4aff7d0510a509" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_mail_messages_created_at_id" ON "mail_messages"  ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_mail_messages_recipient_created_at" ON "mail_messages"  ("recipient", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_mail_messages_recipient_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_mail_messages_created_at_id"`);
    await queryRunner.query(`DROP TABLE "mail_messages"`);
    await queryRunner.query(`DROP TYPE "public"."mail_status"`);
  }
}
