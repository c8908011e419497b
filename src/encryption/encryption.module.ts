import { Global, Module } from '@nestjs/common';
import { ReencryptionProcessor } from './reencryption.processor.js';
import { ReencryptionRepository } from './reencryption.repository.js';
import { ReencryptionService } from './reencryption.service.js';

/**
 * The start-up key check and the re-encryption worker: mounted in every role. Global, and
 * imported right after DatabaseModule, so its check runs after the migrations and before
 * any feature decrypts (global modules' init hooks run first, in import order).
 */
@Global()
@Module({
  providers: [ReencryptionRepository, ReencryptionService, ReencryptionProcessor],
  exports: [ReencryptionService],
})
export class EncryptionModule {}
