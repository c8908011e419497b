/** Injection token of the analysis settings (AppConfig.analysis). */
export const ANALYSIS_CONFIG = Symbol('ANALYSIS_CONFIG');
