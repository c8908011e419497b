import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { Membership } from './membership.entity.js';
import { OrganizationAccess } from './organization-access.service.js';
import { OrganizationMembersController } from './organization-members.controller.js';
import { OrganizationMembersService } from './organization-members.service.js';
import { Organization } from './organization.entity.js';
import { OrganizationsUserDeletionHook } from './organizations-user-deletion.hook.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';

/** Organizations and their members; later features (connections) hang off them. */
@Module({
  imports: [UsersModule, AuditModule, TypeOrmModule.forFeature([Organization, Membership])],
  controllers: [OrganizationsController, OrganizationMembersController],
  providers: [
    OrganizationsRepository,
    OrganizationAccess,
    OrganizationsService,
    OrganizationMembersService,
    OrganizationsUserDeletionHook,
  ],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
