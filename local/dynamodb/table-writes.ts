/**
 * Which tables were written, told to whoever listens once DynamoDB Local has answered: the endpoint's proxy
 * emits for every write through it, in-process writers that call DynamoDB Local directly (Step Functions'
 * DynamoDB tasks) emit their own. Stream readers use it to read a stream at once instead of polling an idle
 * one fast: a stream record is readable as soon as the write returns. A write nobody announces (one sent
 * straight to DynamoDB Local's port) is still found by the readers' slower polling.
 */
export type TableWriteListener = (tableNames: readonly string[]) => void;

export class TableWrites {
  private readonly listeners = new Set<TableWriteListener>();

  /** Calls `listener` after each announced write; returns the unsubscribe. */
  subscribe(listener: TableWriteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Announces a successful write to these tables (names or ARNs). */
  emit(tableNames: readonly string[]): void {
    if (tableNames.length === 0) return;
    const names = tableNames.map(tableNameOf);
    for (const listener of [...this.listeners]) {
      try {
        listener(names);
      } catch {
        // A listener's failure must not turn a write that has happened into an error (the client would retry it).
      }
    }
  }
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/** True for the operations that may write (PartiQL ones included): only their bodies are worth reading. */
export function mayWrite(operation: string): boolean {
  return WRITE_OPERATIONS.has(operation);
}

const PARTIQL_WRITE = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("(?:[^"]|"")+"|[\w.-]+)/i;

/**
 * The tables a DynamoDB request writes (its operation, e.g. `PutItem`, and its JSON body), by name; empty for
 * reads. `TableName` may be a table ARN: the name is taken from it.
 */
export function writtenTables(operation: string, body: unknown): string[] {
  const request = (body ?? {}) as Record<string, unknown>;
  const names: unknown[] = [];
  switch (operation) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      names.push(request.TableName);
      break;
    case 'BatchWriteItem':
      names.push(...Object.keys((request.RequestItems as object | undefined) ?? {}));
      break;
    case 'TransactWriteItems':
      for (const item of (request.TransactItems as Array<Record<string, { TableName?: unknown }>>) ?? []) {
        names.push(item.Put?.TableName, item.Update?.TableName, item.Delete?.TableName);
      }
      break;
    case 'ExecuteStatement':
      names.push(partiqlTable(request.Statement));
      break;
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction': {
      const list = (request.Statements ?? request.TransactStatements) as
        | Array<{ Statement?: unknown }>
        | undefined;
      for (const statement of list ?? []) names.push(partiqlTable(statement.Statement));
      break;
    }
  }
  const tables = new Set<string>();
  for (const name of names) if (typeof name === 'string' && name) tables.add(tableNameOf(name));
  return [...tables];
}

/** A table's name from its name or ARN (`arn:aws:dynamodb:region:account:table/Name[/stream/...]`). */
export function tableNameOf(nameOrArn: string): string {
  const at = nameOrArn.indexOf(':table/');
  if (!nameOrArn.startsWith('arn:') || at < 0) return nameOrArn;
  return nameOrArn.slice(at + ':table/'.length).split('/')[0] ?? nameOrArn;
}

function partiqlTable(statement: unknown): string | undefined {
  if (typeof statement !== 'string') return undefined;
  const name = PARTIQL_WRITE.exec(statement)?.[1];
  return name?.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}
