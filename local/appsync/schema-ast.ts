/** Helpers of the merge over type-definition ASTs: extensions folded, renames, directives, field signatures. */
import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type InputValueDefinitionNode,
  type InterfaceTypeDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  print,
  type ScalarTypeDefinitionNode,
  type UnionTypeDefinitionNode,
  visit,
} from 'graphql';
import { MERGE_DIRECTIVES } from './builtins.js';

export type TypeDefinition =
  | ObjectTypeDefinitionNode
  | InterfaceTypeDefinitionNode
  | InputObjectTypeDefinitionNode
  | EnumTypeDefinitionNode
  | UnionTypeDefinitionNode
  | ScalarTypeDefinitionNode;

export function foldExtensions(definitions: readonly DefinitionNode[]): TypeDefinition[] {
  const types = new Map<string, TypeDefinition>();
  const extensionKinds: Partial<Record<string, TypeDefinition['kind']>> = {
    [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
    [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
    [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
    [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
    [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
    [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
  };
  for (const definition of definitions) {
    const asDefinition = extensionKinds[definition.kind];
    if (!asDefinition && !isTypeDefinition(definition)) continue;
    const node = { ...definition, kind: asDefinition ?? definition.kind } as TypeDefinition;
    const existing = types.get(node.name.value);
    if (!existing) {
      types.set(node.name.value, node);
      continue;
    }
    // Same name, same kind (an extension of another kind fails the source's own validation first).
    const list = (from: TypeDefinition, key: string): readonly unknown[] =>
      (from as unknown as Record<string, readonly unknown[] | undefined>)[key] ?? [];
    const combined: Record<string, unknown> = { ...existing };
    for (const key of ['directives', 'fields', 'interfaces', 'values', 'types']) {
      if (key in existing || key in node) combined[key] = [...list(existing, key), ...list(node, key)];
    }
    types.set(node.name.value, combined as unknown as TypeDefinition);
  }
  return [...types.values()];
}

export function isTypeDefinition(definition: DefinitionNode): definition is TypeDefinition {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION ||
    definition.kind === Kind.UNION_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION
  );
}

export function renameReferences(node: TypeDefinition, renames: ReadonlyMap<string, string>): TypeDefinition {
  if (renames.size === 0) return node;
  return visit(node, {
    NamedType: (named) => {
      const to = renames.get(named.name.value);
      return to ? { ...named, name: { ...named.name, value: to } } : undefined;
    },
  });
}

export function fieldsOf(node: TypeDefinition): readonly (FieldDefinitionNode | InputValueDefinitionNode)[] {
  return 'fields' in node ? (node.fields ?? []) : [];
}

export function hasDirective(directives: readonly ConstDirectiveNode[] | undefined, name: string): boolean {
  return (directives ?? []).some((directive) => directive.name.value === name);
}

export function renamedTo(directives: readonly ConstDirectiveNode[] | undefined): string | undefined {
  const directive = (directives ?? []).find((d) => d.name.value === 'renamed');
  const to = directive?.arguments?.find((argument) => argument.name.value === 'to')?.value;
  return to?.kind === Kind.STRING ? to.value : undefined;
}

export function withoutMergeDirectives(
  directives: readonly ConstDirectiveNode[] | undefined,
): ConstDirectiveNode[] {
  return (directives ?? []).filter((directive) => !MERGE_DIRECTIVES.has(directive.name.value));
}

/** What must agree for two sources to share a field: its type, and its arguments or default value. */
export function signature(field: FieldDefinitionNode | InputValueDefinitionNode): string {
  if (field.kind === Kind.INPUT_VALUE_DEFINITION) {
    return `${print(field.type)}=${field.defaultValue ? print(field.defaultValue) : ''}`;
  }
  const args = [...(field.arguments ?? [])]
    .map((arg) => `${arg.name.value}:${print(arg.type)}=${arg.defaultValue ? print(arg.defaultValue) : ''}`)
    .sort();
  return `(${args.join(',')}):${print(field.type)}`;
}

export function describeField(field: FieldDefinitionNode | InputValueDefinitionNode): string {
  if (field.kind === Kind.INPUT_VALUE_DEFINITION || !field.arguments?.length) return print(field.type);
  return `(${field.arguments.map((arg) => `${arg.name.value}: ${print(arg.type)}`).join(', ')}): ${print(field.type)}`;
}

export function kindName(node: TypeDefinition): string {
  return {
    [Kind.OBJECT_TYPE_DEFINITION]: 'type',
    [Kind.INTERFACE_TYPE_DEFINITION]: 'interface',
    [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'input',
    [Kind.ENUM_TYPE_DEFINITION]: 'enum',
    [Kind.UNION_TYPE_DEFINITION]: 'union',
    [Kind.SCALAR_TYPE_DEFINITION]: 'scalar',
  }[node.kind];
}
