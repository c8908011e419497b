import type { LoggerService } from '@nestjs/common';
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../../config/app-config.js';

/**
 * Paths whose values never reach a log line: credentials in headers, bodies and
 * configuration objects, wherever they appear.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.deviceToken',
  '*.idToken',
  '*.secret',
  '*.clientSecret',
  '*.credentials',
  '*.privateKey',
  '*.apiKey',
  'password',
  'token',
  'credentials',
  'secret',
];

/**
 * Query parameters whose values never reach a log line: OAuth and single-use tokens,
 * codes, states, signatures and anything named like a password, secret or key.
 */
const SENSITIVE_QUERY_NAME =
  /^(access_token|refresh_token|id_token|token|code|state|signature|sig|ticket|otp|session(_?id)?|.*(password|passwd|pwd|secret|token|api_?key|credential).*)$/i;

/**
 * The request URL for a log line, with the values of sensitive query parameters
 * replaced (`/verify?token=[redacted]`). Malformed percent-encoding does not stop it.
 */
export function redactRequestUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        return `${pair.slice(0, eq)}=[redacted]`;
      }
      return SENSITIVE_QUERY_NAME.test(name.trim()) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/** Replaces the password part of a connection URL, for log lines that name a server. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}

export function createRootLogger(config: Pick<AppConfig, 'log'>): Logger {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { service: 'meridian' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (config.log.format === 'pretty') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
        },
      },
    });
  }
  return pino(options);
}

/** Nest's start-up chatter (one line per module and route) is debug, not info. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
]);

/** Nest's LoggerService on top of the same pino logger, so every line has one shape. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
      return;
    }
    const stack = level === 'error' && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message, stack });
      return;
    }
    this.logger[level]({ context, stack }, String(message));
  }

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    const chatty = typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context);
    this.write(chatty ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}
