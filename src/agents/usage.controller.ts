import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { UsageQueryDto, UsageReportDto } from './dto/usage.dto.js';
import { UsageService } from './usage.service.js';

/** The caller's own chat usage. */
@ApiTags('agents')
@ApiBearerAuth('bearer')
@Controller('usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('me')
  @ApiOperation({
    summary:
      "The caller's chat usage per UTC day and agent (default: the last 30 days, at most 92), totals, and today's limit.",
  })
  @ApiOkResponse({ type: UsageReportDto })
  @ApiProblems({
    400: {
      [CoreErrorCode.ValidationFailed]: 'Not dates, `from` after `to`, or more than 92 days.',
    },
  })
  getMyUsage(
    @CurrentPrincipal() principal: Principal,
    @Query() query: UsageQueryDto,
  ): Promise<UsageReportDto> {
    return this.usage.report(principal, query.from, query.to);
  }
}
