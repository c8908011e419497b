import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry.js';
import { ALL_QUEUES } from './queue.constants.js';
import type { QueueConnection } from './queue-connection.js';
import { QueueProducer } from './queue-producer.service.js';

export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

@Global()
@Module({})
export class QueueModule {
  static forRoot(connection: QueueConnection): DynamicModule {
    const queues = BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name })));
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({ connection: connection.connection, prefix: connection.prefix }),
        queues,
      ],
      providers: [{ provide: QUEUE_CONNECTION, useValue: connection }, QueueProducer, JobRegistry],
      exports: [QUEUE_CONNECTION, QueueProducer, queues],
    };
  }
}
