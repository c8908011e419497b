import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { DATABASE_TYPES, type DatabaseType } from '../orchestrator.types.js';
import {
  CatalogError,
  orderedFiles,
  parseFile,
  validateCatalog,
  type CatalogFile,
  type CatalogProblem,
  type CatalogSnapshot,
} from './catalog.js';

/** Reads every type folder of a source directory into a validated list of files. */
export async function readCatalog(dir: string): Promise<CatalogFile[]> {
  const problems: CatalogProblem[] = [];
  const files: CatalogFile[] = [];
  for (const type of DATABASE_TYPES) {
    const folder = path.join(dir, type);
    let names: string[];
    try {
      names = (await fs.readdir(folder)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith('.sql')) continue;
      const file = parseFile(type, name, await fs.readFile(path.join(folder, name)), problems);
      if (file) files.push(file);
    }
  }
  validateCatalog(files, problems);
  if (problems.length > 0) throw new CatalogError(problems);
  return files;
}

/** The versioned SQL files of MIGRATIONS_SOURCE_DIR, as last loaded successfully. */
@Injectable()
export class CatalogService implements OnModuleInit {
  private readonly logger = new Logger('MigrationCatalog');
  private files: CatalogFile[] = [];
  private loadedAt = new Date();
  private lastProblems: CatalogProblem[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get sourceDir(): string {
    return this.config.orchestrator.sourceDir;
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.reload();
      this.logger.log(`migration catalog: ${this.files.length} file(s) from ${this.sourceDir}`);
    } catch (err) {
      this.logger.error(
        `migration catalog in ${this.sourceDir} not loaded: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** Re-reads the folder; on any problem the catalog stays as it was and this throws. */
  async reload(): Promise<void> {
    try {
      this.files = await readCatalog(this.sourceDir);
      this.loadedAt = new Date();
      this.lastProblems = [];
    } catch (err) {
      this.lastProblems =
        err instanceof CatalogError
          ? err.problems
          : [{ file: this.sourceDir, message: err instanceof Error ? err.message : String(err) }];
      throw err instanceof CatalogError ? err : new CatalogError(this.lastProblems);
    }
  }

  all(): CatalogFile[] {
    return this.files;
  }

  problems(): CatalogProblem[] {
    return this.lastProblems;
  }

  get loaded(): Date {
    return this.loadedAt;
  }

  ordered(type: DatabaseType): CatalogFile[] {
    return orderedFiles(this.files, type);
  }

  snapshot(): CatalogSnapshot {
    return { loadedAt: this.loadedAt.toISOString(), files: this.files };
  }
}
