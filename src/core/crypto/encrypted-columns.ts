/**
 * Every column in Meridian's own database that holds SecretCipher ciphertexts. The key
 * re-encryption job rewrites each of them under the current key, and start-up refuses
 * to run when one of them names a key id that ENCRYPTION_KEYS no longer has.
 *
 * A feature that stores a secret adds its column here (one line), and encrypts with the
 * same associated data that `associatedData` computes, so a ciphertext cannot be moved
 * to another row.
 */
export interface EncryptedColumn {
  /** The table, as TypeORM names it (`auth_signing_keys`). */
  table: string;
  /** The primary-key column: rows are visited in its order, so a job can resume. */
  key: string;
  /** The ciphertext column (nullable columns are fine: NULLs are skipped). */
  column: string;
  /** A SQL expression over the row giving the associated data it was encrypted with. */
  associatedData: string;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'auth_signing_keys',
    key: 'kid',
    column: 'private_key_encrypted',
    associatedData: `'signing-key:' || kid`,
  },
  {
    table: 'orchestrator_databases',
    key: 'id',
    column: 'password_encrypted',
    associatedData: `'orchestrator-database:' || id`,
  },
  {
    table: 'service_credentials',
    key: 'connection_id',
    column: 'secret_encrypted',
    associatedData: `'connection-credential:' || connection_id`,
  },
  {
    table: 'service_credentials',
    key: 'connection_id',
    column: 'refresh_token_encrypted',
    associatedData: `'connection-refresh-token:' || connection_id`,
  },
];
