import { ApiProperty } from '@nestjs/swagger';
import { ReencryptionStatus } from '../reencryption-job.entity.js';

/** A key re-encryption job: rewrites every encrypted value under the current key. */
export class ReencryptionJobDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ReencryptionStatus, enumName: 'ReencryptionStatus' })
  status!: ReencryptionStatus;

  @ApiProperty({
    description: 'The key every value is rewritten under (the first of ENCRYPTION_KEYS).',
  })
  targetKeyId!: string;

  @ApiProperty({ type: 'integer', description: 'Encrypted values visited so far.' })
  processed!: number;

  @ApiProperty({
    type: 'integer',
    description: 'Values that were under an older key and were rewritten.',
  })
  rewritten!: number;

  @ApiProperty({ type: 'integer', description: 'Encrypted values when the job started.' })
  total!: number;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}
