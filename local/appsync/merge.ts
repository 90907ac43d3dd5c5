/**
 * The merge a Merged API does, as a pure function: types of the same name from different source APIs
 * merge their fields; the same field with different definitions is a conflict unless one side is
 * `@canonical`; a field that two source APIs both attach a resolver to is a conflict unless one side is
 * `@canonical`; `@hidden` leaves a type or field out; `@renamed(to:)` renames it (references follow).
 * A type marked `@canonical` replaces the other sources' definitions of that type.
 * The result records, per merged field, which source defines it and which source's resolver runs it.
 */
import {
  buildASTSchema,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  GraphQLError,
  type InputValueDefinitionNode,
  Kind,
  type NamedTypeNode,
  parse,
  print,
  type UnionTypeDefinitionNode,
} from 'graphql';
import { isBuiltIn, PREAMBLE_DEFINITIONS } from './builtins.js';
import {
  describeField,
  fieldsOf,
  foldExtensions,
  hasDirective,
  kindName,
  renamedTo,
  renameReferences,
  signature,
  type TypeDefinition,
  withoutMergeDirectives,
} from './schema-ast.js';

export interface SourceSchema {
  /** The source API's name, used in messages. */
  readonly name: string;
  /** The source API's SDL, as its `AWS::AppSync::GraphQLSchema` defines it. */
  readonly definition: string;
  /** The fields this source attaches a resolver to, by their names in this source. */
  readonly resolvers: readonly { readonly typeName: string; readonly fieldName: string }[];
}

export interface FieldOrigin {
  readonly source: string;
  /** The type and field names in that source (before `@renamed`). */
  readonly typeName: string;
  readonly fieldName: string;
}

export interface MergedField {
  readonly definedBy: FieldOrigin;
  /** The source whose resolver runs the field; absent: the field reads the parent's property. */
  readonly resolvedBy?: FieldOrigin;
}

export interface MergedSchema {
  /** The merged type definitions, without AppSync's built-in declarations. */
  readonly document: DocumentNode;
  readonly sdl: string;
  /** Keyed `Type.field` by the merged names. */
  readonly fields: ReadonlyMap<string, MergedField>;
}

export type SchemaMergeErrorCode = 'APPSYNC_MERGE_CONFLICT' | 'APPSYNC_SCHEMA_INVALID';

export class SchemaMergeError extends Error {
  override readonly name = 'SchemaMergeError';
  constructor(
    readonly code: SchemaMergeErrorCode,
    message: string,
    readonly typeName?: string,
    readonly fieldName?: string,
  ) {
    super(message);
  }
}

interface FieldEntry {
  readonly node: FieldDefinitionNode | InputValueDefinitionNode;
  readonly origin: FieldOrigin;
  readonly canonical: boolean;
  readonly resolved: boolean;
}

interface TypeEntry {
  readonly source: string;
  readonly node: TypeDefinition;
  readonly canonical: boolean;
  /** Merged field name → entry (objects, interfaces, inputs). */
  readonly fields: Map<string, FieldEntry>;
}

export function mergeSchemas(sources: readonly SourceSchema[]): MergedSchema {
  const byName = new Map<string, TypeEntry[]>();
  const directiveDefinitions = new Map<string, DefinitionNode>();
  for (const source of sources) {
    const { types, directives } = normalizeSource(source);
    for (const entry of types)
      byName.set(entry.node.name.value, [...(byName.get(entry.node.name.value) ?? []), entry]);
    for (const directive of directives) {
      if (directive.kind === Kind.DIRECTIVE_DEFINITION && !directiveDefinitions.has(directive.name.value))
        directiveDefinitions.set(directive.name.value, directive);
    }
  }

  const definitions: DefinitionNode[] = [...directiveDefinitions.values()];
  const fields = new Map<string, MergedField>();
  for (const [typeName, entries] of byName) {
    const merged = mergeType(typeName, entries);
    definitions.push(merged.node);
    for (const [fieldName, entry] of merged.fields) {
      fields.set(`${typeName}.${fieldName}`, {
        definedBy: entry.origin,
        ...(entry.resolved ? { resolvedBy: entry.origin } : {}),
      });
    }
    for (const [fieldName, resolvedBy] of merged.resolvedElsewhere) {
      const field = fields.get(`${typeName}.${fieldName}`);
      if (field) fields.set(`${typeName}.${fieldName}`, { ...field, resolvedBy });
    }
  }

  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  try {
    buildASTSchema({ kind: Kind.DOCUMENT, definitions: [...definitions, ...PREAMBLE_DEFINITIONS] });
  } catch (error) {
    throw new SchemaMergeError(
      'APPSYNC_SCHEMA_INVALID',
      `the merged schema of ${sources.map((s) => `"${s.name}"`).join(', ')} is invalid: ${messageOf(error)}`,
    );
  }
  return { document, sdl: print(document), fields };
}

/** One source's types with extensions folded in, `@renamed` applied, `@hidden` removed. */
function normalizeSource(source: SourceSchema): { types: TypeEntry[]; directives: DefinitionNode[] } {
  let document: DocumentNode;
  try {
    document = parse(source.definition);
  } catch (error) {
    throw new SchemaMergeError(
      'APPSYNC_SCHEMA_INVALID',
      `source API "${source.name}": the schema does not parse: ${messageOf(error)}`,
    );
  }
  const own = document.definitions.filter((definition) => !isBuiltIn(definition));
  try {
    buildASTSchema({ kind: Kind.DOCUMENT, definitions: [...own, ...PREAMBLE_DEFINITIONS] });
  } catch (error) {
    throw new SchemaMergeError(
      'APPSYNC_SCHEMA_INVALID',
      `source API "${source.name}": the schema is invalid: ${messageOf(error)}`,
    );
  }

  const folded = foldExtensions(own);
  const typeRenames = new Map<string, string>();
  for (const node of folded) {
    const to = renamedTo(node.directives);
    if (to) typeRenames.set(node.name.value, to);
  }
  const resolved = new Set(source.resolvers.map((r) => `${r.typeName}.${r.fieldName}`));
  const types: TypeEntry[] = [];
  for (const original of folded) {
    if (hasDirective(original.directives, 'hidden')) continue;
    const originalName = original.name.value;
    const node = renameReferences(original, typeRenames);
    const fields = new Map<string, FieldEntry>();
    const keptFields: (FieldDefinitionNode | InputValueDefinitionNode)[] = [];
    for (const field of fieldsOf(node)) {
      if (hasDirective(field.directives, 'hidden')) continue;
      const name = renamedTo(field.directives) ?? field.name.value;
      const cleaned = {
        ...field,
        name: { ...field.name, value: name },
        directives: withoutMergeDirectives(field.directives),
      };
      keptFields.push(cleaned);
      fields.set(name, {
        node: cleaned,
        origin: { source: source.name, typeName: originalName, fieldName: field.name.value },
        canonical: hasDirective(field.directives, 'canonical'),
        resolved: resolved.has(`${originalName}.${field.name.value}`),
      });
    }
    const rebuilt = {
      ...node,
      name: { ...node.name, value: typeRenames.get(originalName) ?? originalName },
      directives: withoutMergeDirectives(node.directives),
      ...('fields' in node && node.fields ? { fields: keptFields } : {}),
    } as TypeDefinition;
    types.push({
      source: source.name,
      node: rebuilt,
      canonical: hasDirective(node.directives, 'canonical'),
      fields,
    });
  }
  const directives = own.filter((definition) => definition.kind === Kind.DIRECTIVE_DEFINITION);
  return { types, directives };
}

function mergeType(
  typeName: string,
  entries: readonly TypeEntry[],
): { node: TypeDefinition; fields: Map<string, FieldEntry>; resolvedElsewhere: Map<string, FieldOrigin> } {
  const [first, ...rest] = entries as [TypeEntry, ...TypeEntry[]];
  for (const other of rest) {
    if (other.node.kind !== first.node.kind) {
      throw conflict(
        typeName,
        undefined,
        `source API "${first.source}" declares ${kindName(first.node)} ${typeName}, "${other.source}" ${kindName(other.node)} ${typeName}`,
      );
    }
  }
  const canonical = entries.filter((entry) => entry.canonical);
  if (canonical.length > 1) {
    throw conflict(
      typeName,
      undefined,
      `source APIs ${sourcesOf(canonical)} both mark type ${typeName} @canonical`,
    );
  }
  if (canonical[0])
    return { node: canonical[0].node, fields: canonical[0].fields, resolvedElsewhere: new Map() };
  if (entries.length === 1) return { node: first.node, fields: first.fields, resolvedElsewhere: new Map() };

  const node = first.node;
  switch (node.kind) {
    case Kind.SCALAR_TYPE_DEFINITION:
      return { node, fields: new Map(), resolvedElsewhere: new Map() };
    case Kind.ENUM_TYPE_DEFINITION: {
      const values = new Map<string, NonNullable<EnumTypeDefinitionNode['values']>[number]>();
      for (const entry of entries)
        for (const value of (entry.node as EnumTypeDefinitionNode).values ?? [])
          if (!values.has(value.name.value)) values.set(value.name.value, value);
      return {
        node: { ...node, values: [...values.values()] },
        fields: new Map(),
        resolvedElsewhere: new Map(),
      };
    }
    case Kind.UNION_TYPE_DEFINITION: {
      const members = new Map<string, NamedTypeNode>();
      for (const entry of entries)
        for (const member of (entry.node as UnionTypeDefinitionNode).types ?? [])
          if (!members.has(member.name.value)) members.set(member.name.value, member);
      return {
        node: { ...node, types: [...members.values()] },
        fields: new Map(),
        resolvedElsewhere: new Map(),
      };
    }
    default:
      return mergeFields(typeName, entries);
  }
}

function mergeFields(
  typeName: string,
  entries: readonly TypeEntry[],
): { node: TypeDefinition; fields: Map<string, FieldEntry>; resolvedElsewhere: Map<string, FieldOrigin> } {
  const fields = new Map<string, FieldEntry>();
  const resolvedElsewhere = new Map<string, FieldOrigin>();
  for (const entry of entries) {
    for (const [fieldName, candidate] of entry.fields) {
      const current = fields.get(fieldName);
      if (!current) {
        fields.set(fieldName, candidate);
        continue;
      }
      const same = signature(current.node) === signature(candidate.node);
      const pair = `"${current.origin.source}" and "${candidate.origin.source}"`;
      if (current.canonical && candidate.canonical) {
        throw conflict(
          typeName,
          fieldName,
          `source APIs ${pair} both mark ${typeName}.${fieldName} @canonical`,
        );
      }
      if (current.canonical || candidate.canonical) {
        // The canonical definition wins, with its resolver (or none).
        const winner = current.canonical ? current : candidate;
        fields.set(fieldName, winner);
        resolvedElsewhere.delete(fieldName);
        continue;
      }
      if (!same) {
        throw conflict(
          typeName,
          fieldName,
          `source API "${current.origin.source}" declares ${describeField(current.node)}, "${candidate.origin.source}" declares ${describeField(candidate.node)} (mark one @canonical to choose)`,
        );
      }
      const currentResolver = current.resolved ? current.origin : resolvedElsewhere.get(fieldName);
      if (currentResolver && candidate.resolved) {
        throw conflict(
          typeName,
          fieldName,
          `source APIs "${currentResolver.source}" and "${candidate.origin.source}" both attach a resolver to ${typeName}.${fieldName}`,
        );
      }
      if (candidate.resolved) resolvedElsewhere.set(fieldName, candidate.origin);
    }
  }
  const [first] = entries as [TypeEntry, ...TypeEntry[]];
  const directives = new Map<string, ConstDirectiveNode>();
  const interfaces = new Map<string, NamedTypeNode>();
  for (const entry of entries) {
    for (const directive of entry.node.directives ?? [])
      if (!directives.has(directive.name.value)) directives.set(directive.name.value, directive);
    if ('interfaces' in entry.node)
      for (const named of entry.node.interfaces ?? [])
        if (!interfaces.has(named.name.value)) interfaces.set(named.name.value, named);
  }
  const node = {
    ...first.node,
    directives: [...directives.values()],
    fields: [...fields.values()].map((entry) => entry.node),
    ...('interfaces' in first.node ? { interfaces: [...interfaces.values()] } : {}),
  } as TypeDefinition;
  return { node, fields, resolvedElsewhere };
}

function conflict(typeName: string, fieldName: string | undefined, detail: string): SchemaMergeError {
  const where = fieldName ? `${typeName}.${fieldName}` : typeName;
  return new SchemaMergeError(
    'APPSYNC_MERGE_CONFLICT',
    `merge conflict on ${where}: ${detail}`,
    typeName,
    fieldName,
  );
}

function sourcesOf(entries: readonly TypeEntry[]): string {
  return entries.map((entry) => `"${entry.source}"`).join(' and ');
}

function messageOf(error: unknown): string {
  if (error instanceof GraphQLError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
