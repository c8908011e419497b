import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity.js';
import { UserActivityDay } from './user-activity-day.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { CallerStateCache } from './caller-state-cache.js';
import { UserDeletionHooks } from './user-deletion-hooks.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserActivityDay])],
  providers: [UsersRepository, UsersService, UserDeletionHooks, CallerStateCache],
  exports: [UsersService, UserDeletionHooks, CallerStateCache],
})
export class UsersModule {}
