/** Injection token of the connections settings (AppConfig.connections). */
export const CONNECTIONS_CONFIG = Symbol('CONNECTIONS_CONFIG');
