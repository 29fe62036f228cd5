// Turns a TypeBox validation error into a sentence that says what was found and what is allowed.
import { ValueErrorType, type ValueError } from '@sinclair/typebox/value';

interface SchemaLike {
  description?: string;
  type?: string;
  const?: unknown;
  anyOf?: SchemaLike[];
  properties?: Record<string, SchemaLike>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: SchemaLike;
}

export interface DescribedError {
  pointer: string;
  message: string;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + '...' : text;
}

function allowed(schema: SchemaLike): string {
  if (schema.anyOf) {
    const consts = schema.anyOf.filter((s) => s.const !== undefined).map((s) => show(s.const));
    if (consts.length === schema.anyOf.length) return `one of ${consts.join(', ')}`;
    return schema.anyOf.map(allowed).join(', or ');
  }
  if (schema.description) return schema.description;
  if (schema.type === 'integer' || schema.type === 'number') {
    const range = schema.minimum !== undefined && schema.maximum !== undefined ? ` from ${schema.minimum} to ${schema.maximum}` : '';
    return `${schema.type === 'integer' ? 'a whole number' : 'a number'}${range}`;
  }
  if (schema.type === 'array') return `a list${schema.items ? ` of ${allowed(schema.items)}` : ''}`;
  if (schema.type === 'object') return `a mapping with fields ${Object.keys(schema.properties ?? {}).join(', ')}`;
  return schema.type ?? 'something else';
}

export function describeSchemaError(error: ValueError): DescribedError | undefined {
  const schema = error.schema as SchemaLike;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      // TypeBox reports the unknown key's path with the parent object's schema.
      const key = error.path.split('/').pop() ?? '';
      const fields = Object.keys(schema.properties ?? {}).filter((f) => f !== '$schema');
      return { pointer: error.path, message: `unknown field "${key}"; allowed here: ${fields.join(', ')}` };
    }
    case ValueErrorType.ObjectRequiredProperty:
      return { pointer: error.path, message: `is required: ${allowed(schema)}` };
    case ValueErrorType.Intersect:
    case ValueErrorType.IntersectUnevaluatedProperties:
      return undefined; // the member errors that caused it are reported on their own
    default:
      if (error.value === undefined) return { pointer: error.path, message: `is required: ${allowed(schema)}` };
      return { pointer: error.path, message: `${show(error.value)} is not allowed: expected ${allowed(schema)}` };
  }
}

