import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCheckpoint, AuditEntry } from './audit-entry.entity.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** The audit log every feature writes to (inside its own transactions); admin reads it. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry, AuditCheckpoint])],
  providers: [AuditRepository, AuditService],
  exports: [AuditService],
})
export class AuditModule {}
