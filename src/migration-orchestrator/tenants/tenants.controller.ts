import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Permissions } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { AppException } from '../../core/errors/app.exception.js';
import { ApiProblems, ENQUEUES_JOBS } from '../../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../../core/pagination/page.js';
import { ExecutionDto } from '../dto/execution.dto.js';
import { TenantDto, TenantHistoryDto, TenantMigrateDto } from '../dto/tenant.dto.js';
import { OrchestratorErrorCode as C } from '../orchestrator.errors.js';
import { TenantsService } from './tenants.service.js';

const NOT_FOUND = {
  404: { [C.TenantNotFound]: 'No registered database or schema holds this tenant.' },
};
const TENANT_ID = /^[A-Za-z0-9_][\w.-]{0,99}$/;

function tenantIdOf(value: string): string {
  if (TENANT_ID.test(value)) return value;
  throw new AppException(400, CoreErrorCode.ValidationFailed, 'tenantId is not a tenant id.', {
    title: 'Validation failed',
    errors: [
      { field: 'tenantId', rule: 'matches', message: 'tenantId must be letters, digits, _ . -' },
    ],
  });
}

/** Tenants (tenant databases, and each schema of a schema-per-tenant entry). */
@ApiTags('tenants')
@ApiBearerAuth('bearer')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Permissions('migrations:read')
  @ApiOperation({
    summary: 'Tenants with their current version and pending count. Needs migrations:read.',
  })
  @ApiPageResponse(TenantDto)
  listTenants(@Query() query: PageQueryDto): Promise<PageDto<TenantDto>> {
    return this.tenants.list(query.cursor, query.limit);
  }

  @Get(':tenantId/migrations')
  @Permissions('migrations:read')
  @ApiOperation({
    summary: "The tenant's history, from its own history table. Needs migrations:read.",
  })
  @ApiParam({ name: 'tenantId', schema: { type: 'string', pattern: TENANT_ID.source } })
  @ApiOkResponse({ type: TenantHistoryDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems({ 422: { [C.DatabaseUnreachable]: "The tenant's database cannot be reached." } })
  getTenantMigrations(@Param('tenantId') tenantId: string): Promise<TenantHistoryDto> {
    return this.tenants.history(tenantIdOf(tenantId));
  }

  @Post(':tenantId/migrate')
  @HttpCode(202)
  @Permissions('migrations:execute')
  @ApiOperation({
    summary: 'Migrate one tenant (a `single`-scope execution). Needs migrations:execute.',
  })
  @ApiParam({ name: 'tenantId', schema: { type: 'string', pattern: TENANT_ID.source } })
  @ApiAcceptedResponse({ type: ExecutionDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(ENQUEUES_JOBS)
  migrateTenant(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Body() body: TenantMigrateDto,
  ): Promise<ExecutionDto> {
    return this.tenants.migrate(tenantIdOf(tenantId), body.dryRun ?? false, {
      executedBy: principal.userId,
    });
  }
}
