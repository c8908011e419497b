import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AppException } from '../errors/app.exception.js';
import { CoreErrorCode } from '../errors/error-codes.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** The one pagination style: an opaque keyset cursor and a bounded limit. */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: "Opaque cursor from the previous page's nextCursor.",
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a cursor this API issued' })
  cursor?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export class PageDto<T> {
  items!: T[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Cursor of the next page; null on the last page.',
  })
  nextCursor!: string | null;
}

/** The 400 every malformed or foreign cursor gets. */
export function invalidCursor(): AppException {
  return new AppException(
    400,
    CoreErrorCode.ValidationFailed,
    'cursor is not a cursor this API issued.',
    {
      title: 'Validation failed',
      errors: [
        { field: 'cursor', rule: 'isCursor', message: 'cursor is not a cursor this API issued' },
      ],
    },
  );
}

/** Keyset cursors carry the sort key of the last item, opaque to clients. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return values;
    }
  } catch {
    // fall through
  }
  throw invalidCursor();
}

/** The keyset position of most feeds: a timestamp and the row's UUID. */
export interface TimeIdCursor {
  at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a cursor made by `encodeCursor([date.toISOString(), id])`; 400 for anything else. */
export function decodeTimeIdCursor(cursor: string): TimeIdCursor {
  const [at, id] = decodeCursor(cursor, 2);
  const date = typeof at === 'string' ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalidCursor();
  }
  return { at: date, id };
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says a next page exists. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  key: (row: R) => (string | number)[],
): PageDto<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: hasMore && last ? encodeCursor(key(last)) : null };
}

/** Swagger: a 200 whose body is a page of `model`. */
export function ApiPageResponse(model: Type<unknown>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(PageDto, model),
    ApiOkResponse({
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageDto) },
          {
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } } },
            required: ['items'],
          },
        ],
      },
    }),
  );
}
