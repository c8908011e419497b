import { Module } from '@nestjs/common';
import { ReencryptionProcessor } from './reencryption.processor.js';
import { ReencryptionRepository } from './reencryption.repository.js';
import { ReencryptionService } from './reencryption.service.js';

/** The start-up key check and the re-encryption worker: mounted in every role. */
@Module({
  providers: [ReencryptionRepository, ReencryptionService, ReencryptionProcessor],
  exports: [ReencryptionService],
})
export class EncryptionModule {}
