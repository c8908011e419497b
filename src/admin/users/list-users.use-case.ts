import { Injectable } from '@nestjs/common';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  invalidCursor,
} from '../../core/pagination/page.js';
import { invalidRange } from '../admin.errors.js';
import { toAdminUserDto } from './admin-user.mapper.js';
import { AdminUsersRepository, TOTAL_CAP } from './admin-users.repository.js';
import {
  AdminUserSort,
  type AdminUserPageDto,
  type ListAdminUsersQueryDto,
} from './dto/admin-user.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function range(from: string | undefined, to: string | undefined, name: string) {
  const start = from ? new Date(from) : undefined;
  const end = to ? new Date(to) : undefined;
  if (start && end && start >= end) {
    throw invalidRange(`${name}From must be before ${name}To.`);
  }
  return [start, end] as const;
}

/** The admin user list: search, filters, one of the allowed sorts, keyset pages and a total. */
@Injectable()
export class ListUsersUseCase {
  constructor(private readonly users: AdminUsersRepository) {}

  async execute(query: ListAdminUsersQueryDto): Promise<AdminUserPageDto> {
    const sort = query.sort ?? AdminUserSort.CreatedAtDesc;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [createdFrom, createdTo] = range(query.createdFrom, query.createdTo, 'created');
    const [lastSeenFrom, lastSeenTo] = range(query.lastSeenFrom, query.lastSeenTo, 'lastSeen');
    let after: { key: string; id: string } | undefined;
    if (query.cursor) {
      const [cursorSort, key, id] = decodeCursor(query.cursor, 3);
      // a cursor belongs to the sort it was made for
      if (
        cursorSort !== sort ||
        typeof key !== 'string' ||
        typeof id !== 'string' ||
        !UUID.test(id)
      )
        throw invalidCursor();
      after = { key, id };
    }
    const { rows, total } = await this.users.list(
      {
        q: query.q || undefined,
        role: query.role,
        status: query.status,
        source: query.source,
        createdFrom,
        createdTo,
        lastSeenFrom,
        lastSeenTo,
      },
      sort,
      after,
      limit,
    );
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(toAdminUserDto),
      nextCursor: hasMore && last ? encodeCursor([sort, last.sort_key, last.id]) : null,
      total: Math.min(total, TOTAL_CAP),
      totalIsExact: total <= TOTAL_CAP,
    };
  }
}
