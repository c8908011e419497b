import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppException } from '../core/errors/app.exception.js';
import { ENCRYPTED_COLUMNS, type EncryptedColumn } from '../core/crypto/encrypted-columns.js';
import { SecretCipher } from '../core/crypto/secret-cipher.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';
import type { ReencryptionJobDto } from './dto/reencryption.dto.js';
import { ReencryptionStatus, type ReencryptionJob } from './reencryption-job.entity.js';
import { ReencryptionRepository } from './reencryption.repository.js';

const BATCH = 200;

export enum EncryptionErrorCode {
  /** 404: no re-encryption job with this id. */
  JobNotFound = 'REENCRYPTION_JOB_NOT_FOUND',
}

export class MissingEncryptionKeyError extends Error {
  override name = 'MissingEncryptionKeyError';
}

function toDto(job: ReencryptionJob): ReencryptionJobDto {
  return {
    id: job.id,
    status: job.status,
    targetKeyId: job.targetKeyId,
    processed: job.processed,
    rewritten: job.rewritten,
    total: job.total,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Key rotation over ENCRYPTED_COLUMNS: the start-up check (every stored ciphertext names
 * a key ENCRYPTION_KEYS has) and the re-encryption job, which rewrites every value under
 * the current key, resuming from its row after a restart.
 */
@Injectable()
export class ReencryptionService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Encryption');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cipher: SecretCipher,
    private readonly jobs: ReencryptionRepository,
    private readonly producer: QueueProducer,
  ) {}

  /** Refuses to start, naming the key id, when stored data uses a key ENCRYPTION_KEYS lacks. */
  async verifyKeys(columns: readonly EncryptedColumn[] = ENCRYPTED_COLUMNS): Promise<void> {
    const missing = new Map<string, string[]>();
    for (const column of columns) {
      for (const kid of await this.jobs.keyIds(column)) {
        if (this.cipher.hasKey(kid)) continue;
        missing.set(kid, [...(missing.get(kid) ?? []), `${column.table}.${column.column}`]);
      }
    }
    if (missing.size === 0) return;
    const list = [...missing].map(([kid, where]) => `"${kid}" (in ${where.join(', ')})`).join('; ');
    throw new MissingEncryptionKeyError(
      `ENCRYPTION_KEYS: stored data is encrypted under key ${list}, which ENCRYPTION_KEYS no longer has; put that key back (after the current one) and re-encrypt before removing it`,
    );
  }

  async onModuleInit(): Promise<void> {
    await this.verifyKeys();
  }

  /** Resumes jobs a stopped process left queued or running. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === AppRole.Api) return;
    for (const job of await this.jobs.findUnfinished()) await this.enqueue(job.id);
  }

  private async enqueue(id: string): Promise<void> {
    await this.producer.enqueue(
      JobName.ReencryptSecrets,
      { jobId: id },
      { jobId: `reencrypt-${id}`, attempts: 10 },
    );
  }

  /** Starts a job, or answers the one already under way. */
  async start(requestedBy: string | null): Promise<ReencryptionJobDto> {
    const [running] = await this.jobs.findUnfinished();
    if (running) return toDto(running);
    const job = await this.jobs.create(this.cipher.currentKeyId, requestedBy);
    await this.enqueue(job.id);
    return toDto(job);
  }

  async get(id: string): Promise<ReencryptionJobDto> {
    const job = await this.jobs.find(id);
    if (!job)
      throw new AppException(
        404,
        EncryptionErrorCode.JobNotFound,
        'No re-encryption job with this id.',
      );
    return toDto(job);
  }

  /** Runs (or resumes) a job; idempotent: a finished job is left as it is. */
  async run(id: string): Promise<ReencryptionStatus | null> {
    const job = await this.jobs.find(id);
    if (
      !job ||
      job.status === ReencryptionStatus.Completed ||
      job.status === ReencryptionStatus.Failed
    ) {
      return job?.status ?? null;
    }
    try {
      let { columnIndex, lastKey, processed, rewritten } = job;
      if (job.status === ReencryptionStatus.Queued) {
        let total = 0;
        for (const column of ENCRYPTED_COLUMNS) total += await this.jobs.count(column);
        await this.jobs.update(id, {
          status: ReencryptionStatus.Running,
          total,
          startedAt: new Date(),
        });
      }
      for (; columnIndex < ENCRYPTED_COLUMNS.length; columnIndex++, lastKey = null) {
        const column = ENCRYPTED_COLUMNS[columnIndex];
        for (;;) {
          const rows = await this.jobs.batch(column, lastKey, BATCH);
          if (rows.length === 0) break;
          for (const row of rows) {
            if (this.cipher.needsRotation(row.value)) {
              const plain = this.cipher.decrypt(row.value, row.associatedData);
              await this.jobs.rewrite(
                column,
                row.key,
                row.value,
                this.cipher.encrypt(plain, row.associatedData),
              );
              rewritten++;
            }
            processed++;
          }
          lastKey = rows[rows.length - 1].key;
          await this.jobs.update(id, { columnIndex, lastKey, processed, rewritten });
        }
      }
      await this.jobs.update(id, {
        status: ReencryptionStatus.Completed,
        columnIndex,
        lastKey: null,
        processed,
        rewritten,
        finishedAt: new Date(),
      });
      this.logger.log(
        `re-encryption ${id} done: ${rewritten} of ${processed} values rewritten under ${job.targetKeyId}`,
      );
      return ReencryptionStatus.Completed;
    } catch (err) {
      const message = err instanceof Error ? err.message : 'unknown error';
      await this.jobs.update(id, {
        status: ReencryptionStatus.Failed,
        error: message,
        finishedAt: new Date(),
      });
      this.logger.error(`re-encryption ${id} failed: ${message}`);
      return ReencryptionStatus.Failed;
    }
  }
}
