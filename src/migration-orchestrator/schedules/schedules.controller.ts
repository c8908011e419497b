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
import { ApiProblems, ENQUEUES_JOBS } from '../../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../../core/pagination/page.js';
import { CreateScheduleDto, ScheduleDto, UpdateScheduleDto } from '../dto/schedule.dto.js';
import { OrchestratorErrorCode as C } from '../orchestrator.errors.js';
import { SchedulesService } from './schedules.service.js';

const NOT_FOUND = { 404: { [C.ScheduleNotFound]: 'No schedule with this id.' } };
const TIMING = {
  422: {
    [C.CronInvalid]: 'The cron expression does not parse (5 or 6 fields).',
    [C.TimezoneInvalid]: 'Not an IANA time zone.',
    [C.ScheduleTiming]: 'Neither or both of cronExpression and runAt, or runAt in the past.',
    [C.TargetRequired]: 'The single scope needs a target.',
  },
};

/** Recurring or one-off executions, run through BullMQ job schedulers. */
@ApiTags('migrations')
@ApiBearerAuth('bearer')
@Controller('migrations/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @Permissions('migrations:manage')
  @ApiOperation({
    summary:
      'Create a schedule (cron with an IANA time zone, or a one-off run time). Needs migrations:manage.',
  })
  @ApiCreatedResponse({ type: ScheduleDto })
  @ApiProblems(TIMING)
  @ApiProblems(ENQUEUES_JOBS)
  createSchedule(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateScheduleDto,
  ): Promise<ScheduleDto> {
    return this.schedules.create(body, principal.userId);
  }

  @Get()
  @Permissions('migrations:read')
  @ApiOperation({ summary: 'Schedules, newest first. Needs migrations:read.' })
  @ApiPageResponse(ScheduleDto)
  listSchedules(@Query() query: PageQueryDto): Promise<PageDto<ScheduleDto>> {
    return this.schedules.list(query.cursor, query.limit);
  }

  @Get(':id')
  @Permissions('migrations:read')
  @ApiOperation({ summary: 'One schedule. Needs migrations:read.' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiProblems(NOT_FOUND)
  getSchedule(@Param('id', ParseUuidPipe) id: string): Promise<ScheduleDto> {
    return this.schedules.get(id);
  }

  @Patch(':id')
  @Permissions('migrations:manage')
  @ApiOperation({
    summary: 'Change a schedule (enable, disable, retime). Needs migrations:manage.',
  })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(TIMING)
  @ApiProblems(ENQUEUES_JOBS)
  updateSchedule(
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateScheduleDto,
  ): Promise<ScheduleDto> {
    return this.schedules.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Permissions('migrations:manage')
  @ApiOperation({ summary: 'Delete a schedule and its job scheduler. Needs migrations:manage.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(ENQUEUES_JOBS)
  async deleteSchedule(@Param('id', ParseUuidPipe) id: string): Promise<void> {
    await this.schedules.remove(id);
  }
}
