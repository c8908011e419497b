import type { AnalysisJob } from './entities/analysis-job.entity.js';
import type { AnalyzedRepository } from './entities/analyzed-repository.entity.js';
import type { Insight } from './entities/insight.entity.js';
import {
  AnalysisType,
  type AnalysisJobDto,
  type AnalysisStatusDto,
  type InsightDto,
  type RunMetricsDto,
} from './dto/analysis.dto.js';
import type { AnalyzedRepositoryDto } from './dto/repository.dto.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const num = (v: string | null): number | null => (v === null ? null : Number(v));

export function toRepositoryDto(r: AnalyzedRepository): AnalyzedRepositoryDto {
  return {
    id: r.id,
    githubId: num(r.githubId),
    name: r.name,
    fullName: r.fullName,
    description: r.description,
    url: r.url,
    cloneUrl: r.cloneUrl,
    defaultBranch: r.defaultBranch,
    language: r.language,
    stars: r.stars,
    forks: r.forks,
    watchers: r.watchers,
    size: r.size,
    private: r.private,
    owner: { id: num(r.ownerGithubId), username: r.ownerLogin, avatarUrl: r.ownerAvatarUrl },
    ownerUserId: r.ownerUserId,
    organizationId: r.organizationId,
    connectionId: r.connectionId,
    autoAnalyze: r.autoAnalyze,
    notificationSettings: {
      emailUpdates: r.notificationSettings.emailUpdates,
      webhookUrl: r.notificationSettings.webhookUrl,
    },
    analysisStatus: r.analysisStatus,
    lastAnalyzed: iso(r.lastAnalyzed),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

export function toJobDto(j: AnalysisJob): AnalysisJobDto {
  return {
    jobId: j.id,
    status: j.status,
    estimatedDuration: seconds(j.estimatedDurationMs),
    createdAt: j.createdAt.toISOString(),
  };
}

export function toStatusDto(j: AnalysisJob): AnalysisStatusDto {
  return {
    jobId: j.id,
    repositoryId: j.repositoryId,
    status: j.status,
    step: j.step,
    progress: j.progress,
    ref: j.ref,
    commit: j.commitSha,
    partial: j.partial,
    analysisType: j.analysisType === 'incremental' ? AnalysisType.Incremental : AnalysisType.Full,
    mode: j.baseCommit ? 'incremental' : 'full',
    baseCommit: j.baseCommit,
    fullRunReason: j.fullRunReason,
    fileCounts: (j.fileCounts ?? []).map((c) => ({
      analyzer: c.analyzer,
      analyzed: c.analyzed,
      reused: c.reused,
    })),
    timings: j.steps.map((s) => ({
      step: s.step,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      durationMs: s.durationMs,
    })),
    error: j.errorCode ? { code: j.errorCode, message: j.errorMessage ?? '' } : null,
    estimatedDuration: seconds(j.estimatedDurationMs),
    createdAt: j.createdAt.toISOString(),
    startedAt: iso(j.startedAt),
    completedAt: iso(j.completedAt),
  };
}

export function toInsightDto(i: Insight): InsightDto {
  return {
    id: i.id,
    repositoryId: i.repositoryId,
    jobId: i.jobId,
    type: i.type,
    title: i.title,
    description: i.description,
    severity: i.severity,
    confidenceScore: i.confidenceScore,
    data: i.data,
    modelVersion: i.modelVersion,
    tags: i.tags,
    createdAt: i.createdAt.toISOString(),
  };
}

export function toMetricsDto(j: AnalysisJob): RunMetricsDto {
  const m = j.metrics!;
  return {
    jobId: j.id,
    completedAt: j.completedAt!.toISOString(),
    lines: m.lines,
    complexity: m.complexity,
    hotspots: m.hotspots,
    busFactor: m.busFactor,
    secretsFound: m.secretsFound,
  };
}
