import { STATUS_CODES } from 'node:http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://meridian.dev/problems/';

/** One invalid field of a 400 (VALIDATION_FAILED, WEAK_PASSWORD, ...). */
export class FieldError {
  @ApiProperty({
    example: 'title',
    description: 'Path of the offending field (dot notation), or the parameter name.',
  })
  field!: string;

  @ApiProperty({ example: 'title must be shorter than or equal to 200 characters' })
  message!: string;

  @ApiProperty({ example: 'maxLength', description: 'The rule that failed.' })
  rule!: string;
}

/**
 * RFC 9457 problem details, as every error response of Meridian (ProblemFilter). Each
 * response narrows `status` and `code` to the values it can carry and may add members
 * of its own (RFC 9457 extensions), documented on that response.
 */
export class ProblemDetails {
  @ApiProperty({
    format: 'uri',
    example: 'https://meridian.dev/problems/validation-failed',
    description: 'A URI naming the problem type: the code in kebab case.',
  })
  type!: string;

  @ApiProperty({ example: 'Validation failed', description: 'Short summary of the problem type.' })
  title!: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status!: number;

  @ApiProperty({
    example: 'The request has 1 invalid field.',
    description: 'What went wrong with this request (no internals for 5xx).',
  })
  detail!: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code.' })
  code!: string;

  @ApiProperty({ example: '/api/v1/things', description: 'The request path, without the query.' })
  instance!: string;

  @ApiProperty({
    example: '5f0c6a9e-2b1d-4c8e-9a57-0d2f3b7e1a44',
    description: 'The request id, also in the X-Request-Id header and in the logs.',
  })
  requestId!: string;

  @ApiPropertyOptional({
    type: [FieldError],
    description: 'Each invalid field (VALIDATION_FAILED and the other field-level 400s).',
  })
  errors?: FieldError[];
}

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
