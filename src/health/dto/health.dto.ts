import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ example: 'shutting down', description: 'Why it is down.' })
  message?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 4,
    description: 'How long the check took (ms).',
  })
  responseTime?: number;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 12.5, description: 'Seconds since the process started.' })
  uptimeSeconds!: number;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' },
    example: { database: { status: 'up' }, migrations: { status: 'up' }, queue: { status: 'up' } },
  })
  checks!: Record<string, HealthIndicatorDto>;
}
