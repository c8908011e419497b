import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Permissions } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../../core/pagination/page.js';
import {
  ConnectionTestDto,
  CreateDatabaseDto,
  DatabaseDto,
  DatabaseHealthDto,
  ListDatabasesQueryDto,
  RepairRequestDto,
  RepairResultDto,
  UpdateDatabaseDto,
} from '../dto/database.dto.js';
import { OrchestratorErrorCode as C } from '../orchestrator.errors.js';
import { DatabasesService } from './databases.service.js';

const NOT_FOUND = { 404: { [C.DatabaseNotFound]: 'No registered database with this id.' } };
const UNREACHABLE = {
  422: {
    [C.DatabaseUnreachable]:
      "The connection test failed (the driver's reason); nothing was stored.",
  },
};
const NAME_TAKEN = { 409: { [C.DatabaseNameTaken]: 'Another registered database has this name.' } };
const SCHEMA_CHOICE = {
  422: { [C.SchemaChoice]: 'Both schema and schemaPattern, or a pattern without a % wildcard.' },
};

/** The registry of databases the orchestrator migrates. Passwords are write-only. */
@ApiTags('databases')
@ApiBearerAuth('bearer')
@Controller('databases')
export class DatabasesController {
  constructor(private readonly databases: DatabasesService) {}

  @Post()
  @Permissions('databases:manage')
  @ApiOperation({
    summary: 'Register a database (the connection is tested first). Needs databases:manage.',
  })
  @ApiCreatedResponse({ type: DatabaseDto })
  @ApiProblems(UNREACHABLE)
  @ApiProblems(NAME_TAKEN)
  @ApiProblems(SCHEMA_CHOICE)
  createDatabase(@Body() body: CreateDatabaseDto): Promise<DatabaseDto> {
    return this.databases.create(body);
  }

  @Get()
  @Permissions('databases:read')
  @ApiOperation({
    summary:
      'Registered databases in name order, filtered by type, region, tenant, active. Needs databases:read.',
  })
  @ApiPageResponse(DatabaseDto)
  listDatabases(@Query() query: ListDatabasesQueryDto): Promise<PageDto<DatabaseDto>> {
    return this.databases.list(query);
  }

  @Get(':id')
  @Permissions('databases:read')
  @ApiOperation({ summary: 'One registered database. Needs databases:read.' })
  @ApiOkResponse({ type: DatabaseDto })
  @ApiProblems(NOT_FOUND)
  getDatabase(@Param('id', ParseUuidPipe) id: string): Promise<DatabaseDto> {
    return this.databases.get(id);
  }

  @Patch(':id')
  @Permissions('databases:manage')
  @ApiOperation({
    summary:
      'Change a registered database; new connection details are tested first. Needs databases:manage.',
  })
  @ApiOkResponse({ type: DatabaseDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(UNREACHABLE)
  @ApiProblems(NAME_TAKEN)
  @ApiProblems(SCHEMA_CHOICE)
  updateDatabase(
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateDatabaseDto,
  ): Promise<DatabaseDto> {
    return this.databases.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Permissions('databases:manage')
  @ApiOperation({
    summary: 'Remove a database from the registry (soft delete). Needs databases:manage.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(NOT_FOUND)
  async deleteDatabase(@Param('id', ParseUuidPipe) id: string): Promise<void> {
    await this.databases.remove(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Permissions('databases:read')
  @ApiOperation({
    summary: 'Test the connection with the stored credentials. Needs databases:read.',
  })
  @ApiOkResponse({ type: ConnectionTestDto })
  @ApiProblems(NOT_FOUND)
  testDatabase(@Param('id', ParseUuidPipe) id: string): Promise<ConnectionTestDto> {
    return this.databases.test(id);
  }

  @Get(':id/health')
  @Permissions('databases:read')
  @ApiOperation({
    summary:
      'Latency, server version, reachable schemas and the current version of each. Needs databases:read.',
  })
  @ApiOkResponse({ type: DatabaseHealthDto })
  @ApiProblems(NOT_FOUND)
  getDatabaseHealth(@Param('id', ParseUuidPipe) id: string): Promise<DatabaseHealthDto> {
    return this.databases.health(id);
  }

  @Post(':id/repair')
  @HttpCode(200)
  @Permissions('migrations:manage')
  @ApiOperation({
    summary:
      "Accept the catalog's checksums for drifted versions; each repair is recorded in the target's own history table (who, when, which versions). Needs migrations:manage.",
  })
  @ApiOkResponse({ type: RepairResultDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems({ 422: { [C.DatabaseUnreachable]: 'The database cannot be reached.' } })
  repairDatabase(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: RepairRequestDto,
  ): Promise<RepairResultDto> {
    return this.databases.repair(id, body.schema, principal.email ?? principal.userId);
  }
}
