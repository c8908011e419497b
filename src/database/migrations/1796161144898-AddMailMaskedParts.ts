import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMailMaskedParts1796161144898 implements MigrationInterface {
  name = 'AddMailMaskedParts1796161144898';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mail_messages" ADD "masked_text" text`);
    await queryRunner.query(`ALTER TABLE "mail_messages" ADD "masked_html" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mail_messages" DROP COLUMN "masked_html"`);
    await queryRunner.query(`ALTER TABLE "mail_messages" DROP COLUMN "masked_text"`);
  }
}
