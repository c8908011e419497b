import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Contributions } from '../core/contributions.js';
import { AnalysisRepository } from './analysis.repository.js';

/** What the admin console shows about repository analysis. */
@Injectable()
export class AnalysisContributions implements OnModuleInit {
  constructor(
    private readonly contributions: Contributions,
    private readonly store: AnalysisRepository,
  ) {}

  onModuleInit(): void {
    this.contributions.addStats({
      name: 'analysis',
      figures: () => this.store.figures(),
    });
    this.contributions.addUserFigure({
      name: 'repositories',
      countForUser: (userId) => this.store.countOwnedBy(userId),
    });
  }
}
