// The embedded database's one connection as drizzle drives it: each statement is one exchange of PostgreSQL protocol
// messages with PGlite (prepared once, then bind + execute), one statement at a time, a transaction holding the
// connection until it ends. PGlite's own query() costs ~10 times more CPU per statement (see bench/RESULTS.md).
import { messages, protocol, type PGlite, type QueryOptions, type Results } from "@electric-sql/pglite";

type Field = Results["fields"][number];

/** What drizzle's PGlite driver calls (drizzle-orm/pglite/session.js), on the connection and on a transaction. */
export interface Queryable {
  query(text: string, params?: unknown[], options?: QueryOptions): Promise<Results>;
}

interface Statement {
  /** "" for the unnamed statement (not kept). */
  name: string;
  paramTypes: number[];
  fields: Field[];
}

/** Statements with more parameters are not kept prepared: their text varies with the length of an IN list. */
const PREPARED_MAX_PARAMETERS = 16;
/** At most this many statements stay prepared (each keeps its plan in the database's memory). */
const PREPARED_MAX = 300;
/** A prepared statement that must be prepared again: its plan's result type changed (DDL), or it is gone. */
const STALE_STATEMENT = new Set(["0A000", "26000"]);

const { serialize } = protocol;

/** Runs tasks one after another, in call order. */
function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.then(
      () => {},
      () => {},
    );
    return run;
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Rows changed, from a CommandComplete tag ("INSERT 0 5", "UPDATE 3"), as PGlite counts them. */
function rowCount(tag: string): number {
  const [command, a, b] = tag.split(" ");
  if (command === "INSERT") return Number(b);
  return command === "UPDATE" || command === "DELETE" || command === "COPY" || command === "MERGE" ? Number(a) : 0;
}

export class PgliteConnection implements Queryable {
  readonly #pg: PGlite;
  readonly #prepared = new Map<string, Statement>();
  #named = 0;
  /** One exchange sequence at a time. */
  readonly #exchanges = serial();
  /** Statements outside a transaction wait here while one is open. */
  readonly #holder = serial();

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  query(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results> {
    return this.#holder(() => this.#statement(text, params, options));
  }

  /** Runs `fn` in a transaction on the connection; nothing else runs on it until the transaction ends. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#holder(async () => {
      await this.#statement("begin", []);
      let open = true;
      const tx: Queryable = {
        query: (text, params = [], options) => {
          if (!open) return Promise.reject(new Error("Transaction is closed"));
          return this.#statement(text, params, options);
        },
      };
      try {
        const result = await fn(tx);
        open = false;
        await this.#statement("commit", []);
        return result;
      } catch (err) {
        open = false;
        await this.#statement("rollback", []);
        throw err;
      }
    });
  }

  /** Runs `fn` between statements (a checkpoint and a copy of the files: backups). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#holder(() => this.#exchanges(fn));
  }

  #statement(text: string, params: unknown[], options?: QueryOptions): Promise<Results> {
    return this.#exchanges(async () => {
      // A statement runs synchronously in this thread, and awaiting its result is only a microtask: without this,
      // a whole transaction would run before the event loop reads another request (webhooks would then arrive, be
      // journaled and be processed one at a time, as with no batching at all: see bench/RESULTS.md, issue 20).
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.#pg.ready) throw new Error("the embedded database is closed");
      if (params.length === 0) {
        // No parameters: the simple protocol, one message (BEGIN, COMMIT, DDL, constant queries).
        const answer = await this.#exchange([serialize.query(text)], text, params, options);
        return this.#results(answer, null, options);
      }
      const statement = this.#prepared.get(text) ?? (await this.#prepare(text, params.length, options));
      const values = params.map((value, i) =>
        value === null || value === undefined ? null : this.#serializeValue(value, statement.paramTypes[i]!),
      );
      try {
        const answer = await this.#exchange(
          [serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()],
          text,
          params,
          options,
        );
        return this.#results(answer, statement.fields, options);
      } catch (err) {
        if (err instanceof messages.DatabaseError && STALE_STATEMENT.has(err.code ?? "")) this.#prepared.delete(text);
        throw err;
      }
    });
  }

  /** Parses the statement and learns its parameter and column types (kept, named, unless it has many parameters). */
  async #prepare(text: string, paramCount: number, options?: QueryOptions): Promise<Statement> {
    const keep = paramCount <= PREPARED_MAX_PARAMETERS && this.#prepared.size < PREPARED_MAX;
    const name = keep ? `gi${++this.#named}` : "";
    const answer = await this.#exchange(
      [serialize.parse({ name, text, types: [] }), serialize.describe({ type: "S", name }), serialize.sync()],
      text,
      [],
      options,
    );
    let paramTypes: number[] = [];
    let fields: Field[] = [];
    for (const message of answer) {
      if (message instanceof messages.ParameterDescriptionMessage) paramTypes = message.dataTypeIDs;
      else if (message instanceof messages.RowDescriptionMessage)
        fields = message.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
    }
    const statement = { name, paramTypes, fields };
    if (keep) this.#prepared.set(text, statement);
    return statement;
  }

  async #exchange(
    parts: Uint8Array[],
    text: string,
    params: unknown[],
    options?: QueryOptions,
  ): Promise<messages.BackendMessage[]> {
    try {
      return (await this.#pg.execProtocol(concat(parts), { syncToFs: false })).messages;
    } catch (err) {
      // As PGlite's query() reports it.
      if (err instanceof messages.DatabaseError) Object.assign(err, { query: text, params, queryOptions: options });
      throw err;
    }
  }

  /** A parameter as PGlite's query() writes it: by the type PostgreSQL expects there. */
  #serializeValue(value: unknown, typeId: number): string {
    const serializer = this.#pg.serializers[typeId];
    return serializer ? serializer(value) : String(value);
  }

  /** The first result in the answer; `fields` null: read from its RowDescription (the simple protocol sends one). */
  #results(answer: messages.BackendMessage[], known: Field[] | null, options?: QueryOptions): Results {
    let fields = known ?? [];
    const rows: Results["rows"] = [];
    const asArray = options?.rowMode === "array";
    for (const message of answer) {
      if (message instanceof messages.RowDescriptionMessage && !known) {
        fields = message.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
      } else if (message instanceof messages.DataRowMessage) {
        const values = message.fields.map((raw, i) => this.#parseValue(raw, fields[i]!.dataTypeID, options));
        rows.push(asArray ? values : Object.fromEntries(fields.map((f, i) => [f.name, values[i]])));
      } else if (message instanceof messages.CommandCompleteMessage) {
        return { rows, fields, affectedRows: rowCount(message.text) };
      }
    }
    return { rows, fields, affectedRows: 0 };
  }

  /** A column value as PGlite's query() reads it: the caller's parser for its type, else PGlite's. */
  #parseValue(raw: string | null, typeId: number, options?: QueryOptions): unknown {
    if (raw === null) return null;
    const parser = options?.parsers?.[typeId] ?? this.#pg.parsers[typeId];
    return parser ? parser(raw, typeId) : raw;
  }
}
