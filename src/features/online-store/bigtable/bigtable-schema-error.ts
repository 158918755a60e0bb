/**
 * The Bigtable table or column family an adapter needs does not exist. Schema changes are an
 * operator's step (`stratum online-store init`), never something a request does, so the error
 * says exactly that.
 */
export class BigtableSchemaError extends Error {
  constructor(readonly tableId: string, readonly family: string | undefined, what: string) {
    super(`${what}. Run \`stratum online-store init\` to create the Bigtable tables and column families (it is idempotent).`);
    this.name = 'BigtableSchemaError';
  }
}
