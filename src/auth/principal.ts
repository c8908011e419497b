/** Who is calling: mapped once from a verified access token (Keycloak or built-in). */
export interface Principal {
  /** Meridian's user id (provisioned on first sight by issuer + subject). */
  userId: string;
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  roles: string[];
  permissions: string[];
  /** Session id (built-in issuer only): the refresh-token family this access token came from. */
  sessionId?: string;
  /** Seconds since epoch when the token was issued. */
  issuedAt: number;
  /** The account as stored, read with the caller's state (no second query for /auth/me). */
  account: { emailVerified: boolean; localAccount: boolean; createdAt: string };
}
