/**
 * A PostgreSQL adapter for node-oidc-provider, in the shape of its documented adapter examples: one table of
 * payloads keyed by model and id, with the grant, user code and session uid as indexed columns. Used by the durable
 * baseline of bench/token-throughput.ts, so that the peer stores each opaque access token before it answers — the
 * configuration a team runs when tokens must be revocable and recorded.
 */
import pg from "pg";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_payloads (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS oidc_payloads_grant_id ON oidc_payloads (grant_id);
CREATE INDEX IF NOT EXISTS oidc_payloads_user_code ON oidc_payloads (user_code);
CREATE INDEX IF NOT EXISTS oidc_payloads_uid ON oidc_payloads (uid);
`;

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string };

export async function createPostgresAdapter(connectionString: string, poolSize = 10) {
  // Connections stay open while idle, as a server's pool does, so each round finds them warm.
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 0 });
  await pool.query(SCHEMA);

  function row(result: pg.QueryResult<{ payload: Payload; consumed_at: Date | null }>): Payload | undefined {
    const found = result.rows[0];
    if (!found) return undefined;
    return found.consumed_at ? { ...found.payload, consumed: Math.floor(found.consumed_at.getTime() / 1000) } : found.payload;
  }

  const live = "(expires_at IS NULL OR expires_at > now())";

  class PostgresAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      await pool.query({
        name: "oidc-upsert",
        text: `INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
               ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
                 user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
        values: [this.model, id, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      return row(await pool.query({ name: "oidc-find", text: `SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND id = $2 AND ${live}`, values: [this.model, id] }));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return row(await pool.query(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND user_code = $2 AND ${live}`, [this.model, userCode]));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return row(await pool.query(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND uid = $2 AND ${live}`, [this.model, uid]));
    }

    async consume(id: string): Promise<void> {
      await pool.query(`UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2`, [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await pool.query(`DELETE FROM oidc_payloads WHERE model = $1 AND id = $2`, [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await pool.query(`DELETE FROM oidc_payloads WHERE grant_id = $1`, [grantId]);
    }
  }

  return {
    Adapter: PostgresAdapter,
    /** Rows stored per model, to check the durable peer stored every token it answered. */
    async count(model: string): Promise<number> {
      const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM oidc_payloads WHERE model = $1`, [model]);
      return Number(result.rows[0].n);
    },
    end: () => pool.end(),
  };
}
