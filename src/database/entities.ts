/**
 * Every TypeORM entity of Meridian. Feature modules add theirs here so the application,
 * the migration CLI and the drift check see one schema.
 */
export const ENTITIES: Function[] = [];
