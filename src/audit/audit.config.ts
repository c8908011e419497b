import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInt, validateFeatureEnvironment } from '../config/environment.js';

export interface AuditConfig {
  /** Entries older than this many days are removed daily; undefined keeps everything. */
  retentionDays?: number;
}

class AuditEnvironment {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(36_500) AUDIT_RETENTION_DAYS?: number =
    undefined;
}

export function loadAuditConfig(env: NodeJS.ProcessEnv): AuditConfig {
  const v = validateFeatureEnvironment(AuditEnvironment, env);
  return { retentionDays: v.AUDIT_RETENTION_DAYS };
}
