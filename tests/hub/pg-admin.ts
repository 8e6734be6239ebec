import pg from 'pg';

/** Runs `fn` on a short-lived connection of its own: creating and dropping test schemas, raw checks. */
export async function withPgClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
