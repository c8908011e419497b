import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EncryptedColumn } from '../core/crypto/encrypted-columns.js';
import { ReencryptionJob, ReencryptionStatus } from './reencryption-job.entity.js';

export interface CipherRow {
  key: string;
  value: string;
  associatedData: string;
}

const q = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** All SQL of key rotation: the job rows, and the walk over ENCRYPTED_COLUMNS. */
@Injectable()
export class ReencryptionRepository {
  constructor(private readonly dataSource: DataSource) {}

  create(targetKeyId: string, requestedBy: string | null): Promise<ReencryptionJob> {
    return this.dataSource.manager.save(
      this.dataSource.manager.create(ReencryptionJob, {
        status: ReencryptionStatus.Queued,
        targetKeyId,
        requestedBy,
      }),
    );
  }

  find(id: string): Promise<ReencryptionJob | null> {
    return this.dataSource.manager.findOneBy(ReencryptionJob, { id });
  }

  findUnfinished(): Promise<ReencryptionJob[]> {
    return this.dataSource.manager
      .createQueryBuilder(ReencryptionJob, 'j')
      .where('j.status IN (:...s)', { s: [ReencryptionStatus.Queued, ReencryptionStatus.Running] })
      .orderBy('j.created_at', 'ASC')
      .getMany();
  }

  async update(id: string, fields: Partial<ReencryptionJob>): Promise<void> {
    await this.dataSource.manager.update(ReencryptionJob, { id }, fields);
  }

  async count(column: EncryptedColumn): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${q(column.table)} WHERE ${q(column.column)} IS NOT NULL`,
    );
    return row.n;
  }

  /** The next rows of a column after `afterKey`, in key order. */
  batch(column: EncryptedColumn, afterKey: string | null, limit: number): Promise<CipherRow[]> {
    return this.dataSource.query(
      `SELECT ${q(column.key)}::text AS key, ${q(column.column)} AS value, (${column.associatedData}) AS "associatedData"
         FROM ${q(column.table)}
        WHERE ${q(column.column)} IS NOT NULL AND ($1::text IS NULL OR ${q(column.key)}::text > $1::text)
        ORDER BY ${q(column.key)}::text LIMIT $2`,
      [afterKey, limit],
    );
  }

  /** Rewrites one value unless it changed meanwhile (then the newer value stands). */
  async rewrite(column: EncryptedColumn, key: string, old: string, next: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${q(column.table)} SET ${q(column.column)} = $1 WHERE ${q(column.key)}::text = $2 AND ${q(column.column)} = $3`,
      [next, key, old],
    );
  }

  /** The key ids a column's values name. */
  async keyIds(column: EncryptedColumn): Promise<string[]> {
    const rows = await this.dataSource.query<{ kid: string }[]>(
      `SELECT DISTINCT split_part(${q(column.column)}, ':', 2) AS kid FROM ${q(column.table)} WHERE ${q(column.column)} IS NOT NULL`,
    );
    return rows.map((r) => r.kid);
  }
}
