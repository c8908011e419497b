import { AnalysisAggregate } from './entities/analysis-aggregate.entity.js';
import { AnalysisFileResult } from './entities/analysis-file-result.entity.js';
import { AnalysisJob } from './entities/analysis-job.entity.js';
import { AnalyzedRepository } from './entities/analyzed-repository.entity.js';
import { Insight } from './entities/insight.entity.js';

/** Repository analysis's tables. */
export const ANALYSIS_ENTITIES = [
  AnalyzedRepository,
  AnalysisJob,
  Insight,
  AnalysisFileResult,
  AnalysisAggregate,
];
