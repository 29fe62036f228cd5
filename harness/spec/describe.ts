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

/** A number's bounds as a user types them: `0..16777215`, `>= 68`, `<= 9000`; empty without any. */
export function rangeOf(schema: Pick<SchemaLike, 'minimum' | 'maximum'>): string {
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) return `${min}..${max}`;
  if (min !== undefined) return `>= ${min}`;
  return max !== undefined ? `<= ${max}` : '';
}

const isNumeric = (schema: SchemaLike): boolean => schema.type === 'integer' || schema.type === 'number';

function allowed(schema: SchemaLike): string {
  if (schema.anyOf) {
    const consts = schema.anyOf.filter((s) => s.const !== undefined).map((s) => show(s.const));
    if (consts.length === schema.anyOf.length) return `one of ${consts.join(', ')}`;
    return schema.anyOf.map(allowed).join(', or ');
  }
  // A number's range is said even when it has a description: that is what a wrong value needs.
  const range = isNumeric(schema) ? rangeOf(schema) : '';
  if (schema.description) return range ? `${schema.description} (${range})` : schema.description;
  if (isNumeric(schema)) return `${schema.type === 'integer' ? 'a whole number' : 'a number'}${range ? ` in ${range}` : ''}`;
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
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.IntegerExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMaximum:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.NumberExclusiveMaximum:
      // Out of range: the range first, then what the field is.
      return { pointer: error.path, message: `${show(error.value)} is out of range: expected ${rangeOf(schema)}${schema.description ? ` (${schema.description})` : ''}` };
    default:
      if (error.value === undefined) return { pointer: error.path, message: `is required: ${allowed(schema)}` };
      return { pointer: error.path, message: `${show(error.value)} is not allowed: expected ${allowed(schema)}` };
  }
}

