import type { CreateTableBuilder } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** An integer primary key that the database numbers itself, in either dialect. */
export function autoIncrementId(dialect: Dialect) {
  return <T extends string>(builder: CreateTableBuilder<T, never>) =>
    dialect === 'postgres'
      ? builder.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
