import { Module } from '@nestjs/common';
import { EncryptionModule } from './encryption.module.js';
import { ReencryptionController } from './reencryption.controller.js';

/** The administrators' key rotation API (api and all roles). */
@Module({
  imports: [EncryptionModule],
  controllers: [ReencryptionController],
})
export class EncryptionAdminModule {}
