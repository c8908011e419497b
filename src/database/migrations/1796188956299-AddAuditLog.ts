import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash-chained audit log and its retention checkpoint. Entries are never updated:
 * a trigger refuses it (retention deletes whole prefixes of the chain and moves the
 * checkpoint).
 */
export class AddAuditLog1796188956299 implements MigrationInterface {
  name = 'AddAuditLog1796188956299';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_entries" ("id" uuid NOT NULL, "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "action" character varying(100) NOT NULL, "target_type" character varying(50), "target_id" character varying(200), "before" jsonb, "after" jsonb, "ip" character varying(64), "user_agent" character varying(300), "request_id" character varying(128), "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_6b1623bcad4d04530b76548d619" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_audit_entries_seq" ON "audit_entries"  ("seq") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_entries_target" ON "audit_entries"  ("target_type", "target_id", "seq") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_entries_action" ON "audit_entries"  ("action", "seq") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_entries_actor" ON "audit_entries"  ("actor_id", "seq") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_entries_occurred_at" ON "audit_entries"  ("occurred_at") `,
    );
    await queryRunner.query(`CREATE FUNCTION meridian_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit entries are append-only';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries
      FOR EACH ROW EXECUTE FUNCTION meridian_audit_append_only()`);
    await queryRunner.query(
      `CREATE TABLE "audit_checkpoint" ("id" smallint NOT NULL, "last_removed_seq" bigint NOT NULL, "last_removed_hash" character(64) NOT NULL, "removed_total" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9720e45bb755b61bb1ab7d43839" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_checkpoint"`);
    await queryRunner.query(`DROP TRIGGER audit_entries_append_only ON audit_entries`);
    await queryRunner.query(`DROP FUNCTION meridian_audit_append_only()`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_entries_occurred_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_entries_actor"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_entries_action"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_entries_target"`);
    await queryRunner.query(`DROP INDEX "public"."uq_audit_entries_seq"`);
    await queryRunner.query(`DROP TABLE "audit_entries"`);
  }
}
