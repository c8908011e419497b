import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInt, validateFeatureEnvironment } from '../config/environment.js';

export interface HealthConfig {
  /** Each dependency check of /health/detailed gives up after this long. */
  checkTimeoutMs: number;
}

class HealthEnvironment {
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000) HEALTH_CHECK_TIMEOUT_MS?: number =
    undefined;
}

export function loadHealthConfig(env: NodeJS.ProcessEnv): HealthConfig {
  const v = validateFeatureEnvironment(HealthEnvironment, env);
  return { checkTimeoutMs: v.HEALTH_CHECK_TIMEOUT_MS ?? 2_000 };
}
