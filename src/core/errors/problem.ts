import { STATUS_CODES } from 'node:http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://meridian.dev/problems/';

export class FieldError {
  @ApiProperty({ example: 'title', description: 'Path of the offending field (dot notation).' })
  field!: string;

  @ApiProperty({ example: 'title must be shorter than or equal to 200 characters' })
  message!: string;

  @ApiProperty({ example: 'maxLength', description: 'The rule that failed.' })
  rule!: string;
}

/** RFC 9457 problem details, as every error response of Meridian. */
export class ProblemDetails {
  @ApiProperty({ example: 'https://meridian.dev/problems/validation-failed' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request body has 1 invalid field.' })
  detail!: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code.' })
  code!: string;

  @ApiProperty({ example: '/api/v1/things', description: 'The request path.' })
  instance!: string;

  @ApiProperty({ example: '5f0c6a9e-2b1d-4c8e-9a57-0d2f3b7e1a44' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldError] })
  errors?: FieldError[];
}

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
